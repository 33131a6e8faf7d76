// The same user flow as browser.test.ts, through the real Electron window (Playwright's Electron
// support), where an Electron binary exists: ELECTRON_OVERRIDE_DIST_PATH or node_modules/electron/dist.
// Native dialogs are replaced in the main process by ones that answer with the test's paths.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { REPO, electronBinary, ensureBuilt, fixture } from './support/env';
import {
  chunkPicture,
  closeDialog,
  computeStats,
  openConvertDialog,
  search,
  selectKey,
  startConvert,
  waitForCheckpoint,
  waitForConvertSummary,
  waitForVerdict,
  type Driver,
} from './support/flows';
import { watch, type Watched } from './support/page-watch';

const binary = electronBinary();
if (binary === null) console.log("e2e (electron): skipped, no Electron binary (set ELECTRON_OVERRIDE_DIST_PATH, or let `shardscope app` fetch it)");

describe.runIf(binary !== null)('the desktop app in Electron', () => {
  let work: string;
  let app: ElectronApplication;
  let page: Page;
  let watched: Watched;

  /** The next native dialog answers `p` (what a user picking it would give main). */
  async function answerDialogsWith(p: string): Promise<void> {
    await app.evaluate(({ dialog }, chosen) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [chosen] })) as typeof dialog.showOpenDialog;
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: chosen })) as typeof dialog.showSaveDialog;
    }, p);
  }

  const driver = (): Driver => ({
    page,
    async open(p, purpose) {
      await answerDialogsWith(p);
      await page.getByRole('button', { name: purpose === 'open' ? 'Open' : 'Compare…', exact: true }).click();
    },
    async chooseDestination(p) {
      await answerDialogsWith(p);
      await page.locator('.modal').getByRole('button', { name: 'Choose…' }).first().click();
      await page.waitForFunction((want) => (document.querySelector('#cv-dest') as HTMLInputElement | null)?.value === want, p);
    },
  });

  beforeAll(async () => {
    ensureBuilt();
    if (!existsSync(path.join(REPO, 'out', 'electron', 'preload.cjs'))) throw new Error('out/electron/preload.cjs is missing: run npm run build');
    work = mkdtempSync(path.join(tmpdir(), 'shardscope-electron-'));
    app = await electron.launch({
      executablePath: binary!,
      args: [REPO, fixture('fsdp_train')],
      env: { ...process.env, SHARDSCOPE_SETTINGS_DIR: path.join(work, 'settings') },
    });
    page = await app.firstWindow();
    watched = watch(page, 'electron');
  }, 120_000);

  afterEach(() => {
    expect(watched.errors, 'console errors').toEqual([]);
  });

  afterAll(async () => {
    await app?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('locks the window down: sandboxed, no Node in the page, only the contract exposed', async () => {
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    const exposed = await page.evaluate(() => Object.keys((window as unknown as { shardscope: { commands: object } }).shardscope.commands).sort());
    expect(exposed).toContain('checkpoint.open');
    const refused = await page.evaluate(() => (window as unknown as { shardscope: { commands: Record<string, (a: unknown) => Promise<unknown>> } }).shardscope.commands['checkpoint.open']!({ path: '/etc' }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('opens the path from its command line, finds a key and its layout and stats', async () => {
    await waitForCheckpoint(page, fixture('fsdp_train'));
    await watched.shot('1-opened');
    const key = 'layers.0.feed_forward.w1.weight';
    await search(page, key);
    expect(await selectKey(page, key)).toEqual({ dtype: 'float32', shape: '[40, 16]' });
    expect((await chunkPicture(page)).boxes).toBe(2);
    expect(Object.keys(await computeStats(page))).toContain('min');
    await watched.shot('2-stats');
  });

  it('converts into a folder picked in the save dialog', async () => {
    const dst = path.join(work, 'converted');
    await openConvertDialog(driver(), { destination: dst });
    await startConvert(page);
    expect(await waitForConvertSummary(page)).toContain(dst);
    expect(existsSync(path.join(dst, 'model.safetensors'))).toBe(true);
    await watched.shot('3-converted');
    await closeDialog(page);
  });

  it('compares with a checkpoint picked in the open dialog', async () => {
    await driver().open(fixture('fsdp_model_only'), 'compare');
    expect(await waitForVerdict(page)).toContain('21 changed');
    await watched.shot('4-compare');
  });
});
