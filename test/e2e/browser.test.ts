// The desktop app's renderer, end to end in a real browser: Debian's Chromium driven by
// playwright-core against `shardscope ui` started on the bundled fixtures, as a user on a GPU
// server would use it (ssh -L, open the link). Every step's screen is saved under
// test-results/screenshots/, and any console error fails the test.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { formatNumber, formatShape } from '../../renderer/lib/format';
import { CHROMIUM, CHROMIUM_ARGS, IN_CI, chromiumPresent, ensureBuilt, fixture } from './support/env';
import {
  chunkPicture,
  closeDialog,
  computeStats,
  firstValues,
  openConvertDialog,
  search,
  selectKey,
  startConvert,
  UI_TIMEOUT_MS,
  waitForCheckpoint,
  waitForConvertSummary,
  waitForVerdict,
  type Driver,
} from './support/flows';
import { watch, type Watched } from './support/page-watch';
import { makeSparseSafetensors } from './support/sparse-safetensors';
import { startUi, type UiProcess } from './support/ui-process';

interface ExpectedTensor {
  dtype: string;
  shape: number[];
  stats?: { min: number; max: number; mean: number; nan: number; inf: number };
}

function expected(name: string): Record<string, ExpectedTensor & { python_type?: string; global?: string }> {
  const file = path.join(fixture(name), '..', 'expected.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, ExpectedTensor> }).entries;
}

/** A 3 GiB tensor in a sparse file: converting it takes seconds (so Cancel lands mid-write) and costs no disk. */
const BIG_TENSOR_BYTES = 3 * 1024 ** 3;

const present = chromiumPresent();
if (!present && !IN_CI) console.log(`e2e (browser): skipped, ${CHROMIUM} not found (apt-get install chromium)`);

describe.runIf(present || IN_CI)('shardscope ui in Chromium', () => {
  let work: string;
  let ui: UiProcess;
  let context: BrowserContext;
  let page: Page;
  let watched: Watched;

  const driver = (): Driver => ({
    page,
    async open(p, purpose) {
      await page.getByRole('button', { name: purpose === 'open' ? 'Open' : 'Compare…', exact: true }).click();
      const input = page.getByRole('textbox', { name: 'Checkpoint path' });
      await input.fill(p);
      await input.press('Enter');
    },
    async chooseDestination(p) {
      await page.locator('#cv-dest').fill(p);
    },
  });

  beforeAll(async () => {
    if (!present) throw new Error(`CI is set and ${CHROMIUM} is missing: install chromium (apt-get install -y chromium)`);
    ensureBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'shardscope-e2e-'));
    ui = await startUi(fixture('fsdp_train'), { SHARDSCOPE_SETTINGS_DIR: path.join(work, 'settings') });
    context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 860 },
      colorScheme: 'light',
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    const code = await ui?.stop();
    expect(code).toBe(0);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function freshPage(name: string): Promise<void> {
    page = await context.newPage();
    watched = watch(page, name);
    await page.goto(ui.url);
  }

  afterEach(async () => {
    const errors = watched?.errors ?? [];
    await page?.close();
    page = undefined as unknown as Page;
    watched = undefined as unknown as Watched;
    expect(errors, 'console errors').toEqual([]);
  });

  it('refuses requests without the right token', async () => {
    for (const url of [`${ui.origin}/`, `${ui.origin}/?token=wrong`, `${ui.origin}/api/app.info`]) {
      const res = await fetch(url, { method: url.includes('/api/') ? 'POST' : 'GET', headers: { 'Content-Type': 'application/json' }, body: url.includes('/api/') ? '{}' : null });
      expect(res.status, url).toBe(403);
      expect(await res.text()).toContain('token');
    }
  });

  it('opens the path given on the command line, finds a key, reads its dtype and shape', async () => {
    await freshPage('main');
    await waitForCheckpoint(page, fixture('fsdp_train'));
    const header = await page.locator('.summary').textContent();
    expect(header).toContain('PyTorch DCP');
    await watched.shot('1-opened');
    const matching = Object.keys(expected('fsdp_train')).filter((k) => k.includes('wq.weight'));
    await search(page, 'wq.weight');
    await page.locator('.search-count', { hasText: `${matching.length} of ${Object.keys(expected('fsdp_train')).length}` }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('.tree-row[data-key]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(
      expect.arrayContaining(matching),
    );
    const key = 'layers.0.attention.wq.weight';
    const shown = await selectKey(page, key);
    const want = expected('fsdp_train')[key]!;
    expect(shown).toEqual({ dtype: want.dtype, shape: formatShape(want.shape) });
    await watched.shot('2-search');
    // Keyboard: from the tree, ↓ moves to the next row and selects it.
    await page.locator('.tree').focus();
    await page.keyboard.press('ArrowDown');
    await page.locator('.details-key', { hasText: matching.find((k) => k !== key && k.startsWith('layers.1')) ?? '' }).waitFor({ timeout: UI_TIMEOUT_MS });

    // The start screen lists it as recent; a click there reopens it.
    await page.locator('.brand').click();
    const recent = page.locator('.recent-open', { hasText: fixture('fsdp_train') });
    await recent.waitFor({ timeout: UI_TIMEOUT_MS });
    await watched.shot('3-start');
    await recent.click();
    await waitForCheckpoint(page, fixture('fsdp_train'));
  });

  it('draws the chunk picture, shows first values and computes stats with a histogram', async () => {
    await freshPage('tensor');
    await waitForCheckpoint(page, fixture('fsdp_train'));
    const key = 'layers.0.feed_forward.w1.weight';
    await search(page, key);
    await selectKey(page, key);
    const picture = await chunkPicture(page);
    // FSDP over 2 ranks: two dim-0 strips, one chunk each.
    expect(picture).toMatchObject({ boxes: 2, rows: 2 });
    expect((await firstValues(page)).length).toBeGreaterThan(10);
    const stats = await computeStats(page);
    const want = expected('fsdp_train')[key]!.stats!;
    expect(stats['min']).toBe(formatNumber(want.min));
    expect(stats['max']).toBe(formatNumber(want.max));
    expect(stats['NaN']).toBe(String(want.nan));
    expect(await page.locator('.histogram canvas').count()).toBeGreaterThan(0);
    await page.locator('.details-key').scrollIntoViewIfNeeded();
    await watched.shot('3-picture');
    await page.locator('.histogram').scrollIntoViewIfNeeded();
    await watched.shot('3-stats');
    // The whole tree again, the key still selected: the picture of the main screen.
    await search(page, '');
    await page.locator('.tree-row.selected').scrollIntoViewIfNeeded();
    await page.locator('.details-pane').evaluate((el) => el.scrollTo(0, 0));
    await watched.shot('5-main-screen');
    await page.emulateMedia({ colorScheme: 'dark' });
    await watched.shot('6-main-screen-dark');
  });

  it('says plainly when a folder is not a checkpoint, then opens 2-D tiles through the path dialog', async () => {
    await freshPage('open');
    await waitForCheckpoint(page, fixture('fsdp_train'));
    await driver().open(path.dirname(path.dirname(fixture('fsdp_tp'))), 'open');
    const error = page.locator('.modal .error-line');
    await error.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await error.textContent()).toContain('not a checkpoint');
    await watched.shot('1-not-a-checkpoint');
    const input = page.getByRole('textbox', { name: 'Checkpoint path' });
    await input.fill(fixture('fsdp_tp'));
    await input.press('Enter');
    await waitForCheckpoint(page, fixture('fsdp_tp'));
    await selectKey(page, 'model.0.weight');
    // dp_shard × tp over 4 ranks: chunks cut on two dims at once.
    const picture = await chunkPicture(page);
    expect(picture.boxes).toBe(4);
    await watched.shot('2-tiles');
  });

  it('shows an unsafe pickle as unsafe, naming its global', async () => {
    await freshPage('unsafe');
    await waitForCheckpoint(page, fixture('fsdp_train'));
    await driver().open(fixture('bytes_objects'), 'open');
    await waitForCheckpoint(page, fixture('bytes_objects'));
    await page.locator('.tree-row[data-key="evil"]').click();
    const banner = page.locator('.unsafe-banner');
    await banner.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await banner.textContent()).toContain(expected('bytes_objects')['evil']!.global);
    await watched.shot('1-evil');
  });

  it('converts with a summary, and a cancelled conversion leaves nothing behind', async () => {
    await freshPage('convert');
    await waitForCheckpoint(page, fixture('fsdp_train'));
    const dst = path.join(work, 'converted');
    await openConvertDialog(driver(), { destination: dst });
    await watched.shot('1-dialog');
    await startConvert(page);
    const summary = await waitForConvertSummary(page);
    expect(summary).toContain(dst);
    expect(existsSync(path.join(dst, 'model.safetensors'))).toBe(true);
    await watched.shot('2-done');
    await closeDialog(page);

    const bigDir = path.join(work, 'big');
    makeSparseSafetensors(bigDir, 'big.weight', BIG_TENSOR_BYTES);
    await driver().open(bigDir, 'open');
    await waitForCheckpoint(page, bigDir);
    const cancelled = path.join(work, 'cancelled');
    await openConvertDialog(driver(), { destination: cancelled, verify: true });
    await startConvert(page);
    // Wait until bytes flow, so the picture shows a real bar, throughput and ETA.
    await page.locator('.progress-figures', { hasText: ' of ' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await watched.shot('3-progress');
    await page.getByRole('button', { name: 'Cancel conversion' }).click();
    const line = page.locator('.modal .info-line');
    await line.waitFor({ timeout: UI_TIMEOUT_MS * 2 });
    expect(await line.textContent()).toContain('cancelled');
    await watched.shot('4-cancelled');
    expect(existsSync(cancelled)).toBe(false);
    // Nothing stray beside it either: only what the test made.
    expect(readdirSync(work).sort()).toEqual(['big', 'converted', 'profile', 'settings']);
  });

  it('compares two checkpoints, filters and sorts the table, and shows a key on both sides', async () => {
    await freshPage('compare');
    await waitForCheckpoint(page, fixture('fsdp_train'));
    await driver().open(fixture('fsdp_model_only'), 'compare');
    const verdict = await waitForVerdict(page);
    // fsdp_model_only holds the same weights cast to bf16: 21 dtype changes, 1 equal; the
    // optimizer and the other training state are only in A.
    const a = expected('fsdp_train');
    const onlyA = Object.keys(a).filter((k) => !(k in expected('fsdp_model_only'))).length;
    expect(verdict).toContain(`${onlyA} only in A`);
    expect(verdict).toContain('21 changed');
    await watched.shot('1-table');
    const rows = page.locator('.diff-body .diff-row');
    await page.getByRole('searchbox', { name: 'Filter keys' }).fill('attention.wq');
    // Both layers' wq.weight (cast to bf16) and their optimizer state (only in A).
    const wq = Object.keys(a).filter((k) => k.includes('attention.wq'));
    expect(await rows.count()).toBe(wq.length);
    await page.getByRole('button', { name: /^dtype/ }).click();
    expect(await rows.count()).toBe(2);
    await page.locator('.diff-head [role=columnheader]', { hasText: 'max |a−b|' }).click();
    await rows.first().click();
    const sides = page.locator('.both-sides .details-key');
    await sides.nth(1).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('.both-sides [data-testid=detail-dtype]').allTextContents()).toEqual(['float32', 'bfloat16']);
    await watched.shot('2-both-sides');
  });
});
