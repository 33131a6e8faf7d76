// The user's steps, written once and driven twice: against `shardscope ui` in Chromium and
// against the Electron window. Only opening a path and choosing a destination differ (typed in
// the browser, native dialogs in Electron), so those come from a Driver.

import type { Page } from 'playwright-core';

export interface Driver {
  readonly page: Page;
  /** Open a checkpoint as the user would (browser: Open → type the path; Electron: the dialog). */
  open(path: string, purpose: 'open' | 'compare'): Promise<void>;
  /** Fill the convert dialog's destination. */
  chooseDestination(path: string): Promise<void>;
}

/** Waits long enough for a slow CI machine; every wait below ends as soon as the UI is there. */
export const UI_TIMEOUT_MS = 30_000;

export async function waitForCheckpoint(page: Page, root: string): Promise<void> {
  await page.locator('.summary-path', { hasText: root }).waitFor({ timeout: UI_TIMEOUT_MS });
}

export async function search(page: Page, text: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Search keys' });
  await box.fill(text);
}

/** Clicks a key in the tree and returns the dtype and shape the details pane shows. */
export async function selectKey(page: Page, key: string): Promise<{ dtype: string; shape: string }> {
  const row = page.locator(`.tree-row[data-key="${key}"]`);
  await row.click({ timeout: UI_TIMEOUT_MS });
  await page.locator('.details-key', { hasText: key }).waitFor({ timeout: UI_TIMEOUT_MS });
  const dtype = await page.getByTestId('detail-dtype').textContent({ timeout: UI_TIMEOUT_MS });
  const shape = await page.getByTestId('detail-shape').textContent({ timeout: UI_TIMEOUT_MS });
  return { dtype: dtype ?? '', shape: shape ?? '' };
}

/** Boxes drawn in the chunk picture and rows of the chunk table. */
export async function chunkPicture(page: Page): Promise<{ boxes: number; rows: number; caption: string }> {
  await page.locator('.shardmap svg').waitFor({ timeout: UI_TIMEOUT_MS });
  return {
    boxes: await page.locator('.shardmap .shard-box').count(),
    rows: await page.locator('.chunk-table tbody tr').count(),
    caption: (await page.locator('.shardmap-caption').textContent()) ?? '',
  };
}

/** Presses "Compute statistics" and returns the figures shown. */
export async function computeStats(page: Page): Promise<Record<string, string>> {
  await page.getByRole('button', { name: 'Compute statistics' }).click();
  await page.locator('.stats-done').waitFor({ timeout: UI_TIMEOUT_MS });
  const out: Record<string, string> = {};
  for (const stat of await page.locator('.stats-done .stat').all()) {
    const label = (await stat.locator('.stat-label').textContent()) ?? '';
    out[label] = (await stat.locator('.stat-value').textContent()) ?? '';
  }
  return out;
}

export async function firstValues(page: Page): Promise<string[]> {
  await page.locator('.values-table').waitFor({ timeout: UI_TIMEOUT_MS });
  return page.locator('.values-table td').allTextContents();
}

export interface ConvertForm {
  readonly destination: string;
  readonly verify?: boolean;
}

export async function openConvertDialog(d: Driver, form: ConvertForm): Promise<void> {
  await d.page.getByRole('button', { name: /^Convert/ }).first().click();
  await d.page.locator('#cv-dest').waitFor({ timeout: UI_TIMEOUT_MS });
  await d.chooseDestination(form.destination);
  if (form.verify !== undefined) await d.page.locator('#cv-verify').setChecked(form.verify);
}

export async function startConvert(page: Page): Promise<void> {
  await page.locator('.modal-foot').getByRole('button', { name: 'Convert', exact: true }).click();
}

export async function waitForConvertSummary(page: Page): Promise<string> {
  const summary = page.getByTestId('convert-summary');
  await summary.waitFor({ timeout: UI_TIMEOUT_MS * 4 });
  return (await summary.textContent()) ?? '';
}

export async function closeDialog(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('.modal').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
}

/** Waits for the comparison's verdict line and returns it. */
export async function waitForVerdict(page: Page): Promise<string> {
  const v = page.locator('.verdict');
  await v.waitFor({ timeout: UI_TIMEOUT_MS * 2 });
  return (await v.textContent()) ?? '';
}
