// `shardscope ui` / `app` / `open` on the paths where nothing starts: each says one plain line
// and exits 2. (Serving itself is covered by test/unit/ipc/ui-server.test.ts and test/e2e.)

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import { platformExecutable } from '../../../electron/cli/electron-binary';

const REPO = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = path.join(REPO, 'test', 'fixtures', 'tp', 'checkpoint');
const empty = mkdtempSync(path.join(tmpdir(), 'shardscope-no-electron-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c: Buffer, _e, cb) => (f(c.toString()), cb()) });
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(argv, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const built = existsSync(path.join(REPO, 'out', 'electron', 'main.js')) && existsSync(path.join(REPO, 'out', 'renderer', 'index.html'));
const realElectron = existsSync(path.join(REPO, 'node_modules', 'electron', 'dist', platformExecutable()));

describe('shardscope ui / app / open', () => {
  it('ui: names a path that does not exist, in one line, exit 2', async () => {
    const missing = path.join(empty, 'nope');
    const r = await run(['ui', missing, '--no-open']);
    expect(r).toEqual({ code: 2, out: '', err: `shardscope ui: ${missing}: no such file or folder\n` });
  });

  it('ui: refuses a port that is not a port', async () => {
    const r = await run(['ui', '--port', '99999']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a port is a whole number from 0 to 65535');
  });

  it('open: needs a path', async () => {
    expect((await run(['open'])).code).toBe(2);
  });

  it.runIf(built && !realElectron)("app: says in one line that Electron's binary is missing, where it looked, and what serves the same app", async () => {
    const r = await run(['app', FIXTURE], { ELECTRON_OVERRIDE_DIST_PATH: empty, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).toContain("Electron's binary is missing");
    expect(r.err).toContain(path.join(empty, platformExecutable()));
    expect(r.err).toContain(`\`shardscope ui ${FIXTURE}\` serves the same app to a browser`);
  });
});
