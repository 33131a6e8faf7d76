// Finding Electron's binary for `shardscope app` / `shardscope open`. Installs run with scripts
// disabled (.npmrc), so the electron package usually arrives without its binary; we then run its
// own install.js once, which downloads it where the network allows, and otherwise say plainly
// what is missing and that `shardscope ui` serves the same app to a browser.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** A download of ~100 MB on a slow link; past this the attempt counts as failed. */
export const ELECTRON_INSTALL_TIMEOUT_MS = 10 * 60 * 1000;

export function platformExecutable(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

export interface Located {
  readonly binary: string | null;
  /** Every place looked at, for the message when none has it. */
  readonly looked: readonly string[];
}

/** `electronPackageDir`: node_modules/electron (null when the package itself is absent). */
export function locateElectron(electronPackageDir: string | null, env: NodeJS.ProcessEnv = process.env): Located {
  const looked: string[] = [];
  const exe = platformExecutable();
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override !== undefined && override !== '') {
    const p = path.join(override, exe);
    if (existsSync(p)) return { binary: p, looked: [p] };
    looked.push(p);
  }
  if (electronPackageDir !== null) {
    const p = path.join(electronPackageDir, 'dist', exe);
    if (existsSync(p)) return { binary: p, looked: [...looked, p] };
    looked.push(p);
  }
  return { binary: null, looked };
}

export function electronPackageDir(): string | null {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Runs the electron package's install.js once; resolves true when it exited 0. */
export function runElectronInstall(pkgDir: string): Promise<boolean> {
  const script = path.join(pkgDir, 'install.js');
  if (!existsSync(script)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: 'ignore', cwd: pkgDir, env: process.env });
    const timer = setTimeout(() => child.kill(), ELECTRON_INSTALL_TIMEOUT_MS);
    child.on('error', () => resolve(false));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/** Starts the desktop app and resolves with its exit code when the window is closed. */
export function launchElectron(binary: string, appRoot: string, target: string | null): Promise<number> {
  const env = { ...process.env };
  // Set by some terminals (VS Code's); it would make the binary a plain Node and never open a window.
  delete env['ELECTRON_RUN_AS_NODE'];
  return new Promise((resolve) => {
    const child = spawn(binary, [appRoot, ...(target !== null ? [target] : [])], { stdio: 'inherit', env });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
