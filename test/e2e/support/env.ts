// Where the e2e suites find their browser, Electron binary, build output and fixtures, and how
// they decide to skip: a developer machine without Chromium or Electron gets one line; CI
// (process.env.CI) never skips the browser suite.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
export const SCREENSHOTS = path.join(REPO, 'test-results', 'screenshots');

export function fixture(name: string): string {
  return path.join(FIXTURES, name, 'checkpoint');
}

/** Debian's chromium; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Quiet, isolated, no network of its own: the browser talks only to the test's server. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const IN_CI = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';

export function chromiumPresent(): boolean {
  return existsSync(CHROMIUM);
}

/** Electron's binary, as `shardscope app` finds it; null when there is none. */
export function electronBinary(): string | null {
  const exe = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const candidates = [
    ...(process.env['ELECTRON_OVERRIDE_DIST_PATH'] ? [path.join(process.env['ELECTRON_OVERRIDE_DIST_PATH'], exe)] : []),
    path.join(REPO, 'node_modules', 'electron', 'dist', exe),
  ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

const BUILT = [
  path.join(REPO, 'out', 'electron', 'cli', 'main.js'),
  path.join(REPO, 'out', 'electron', 'services', 'inspect', 'tensor-stats.worker.js'),
  path.join(REPO, 'out', 'renderer', 'index.html'),
];

/** The suites drive the built app; build it once when a plain `vitest run` comes first. */
export function ensureBuilt(): void {
  if (BUILT.every((f) => existsSync(f))) return;
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
}
