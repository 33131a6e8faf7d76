// Where the app's own files are: the package root (for out/renderer and out/electron/main.js)
// and the settings folder (recent.json), the same one Electron's app.getPath('userData') uses
// for an app named "shardscope", so the desktop app and `shardscope ui` share the recent list.

import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The folder holding shardscope's package.json, from the source tree or from out/. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: unknown }).name === 'shardscope') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`shardscope's package.json was not found above ${from}`);
    dir = up;
  }
}

/** The built renderer that both the desktop app and `shardscope ui` load. */
export function rendererDir(root: string = packageRoot()): string {
  return path.join(root, 'out', 'renderer');
}

/** SHARDSCOPE_SETTINGS_DIR overrides (tests, portable installs). */
export function settingsDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env['SHARDSCOPE_SETTINGS_DIR'];
  if (override !== undefined && override !== '') return override;
  const home = os.homedir();
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'shardscope');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'shardscope');
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), 'shardscope');
}

export function recentFile(dir: string = settingsDir()): string {
  return path.join(dir, 'recent.json');
}
