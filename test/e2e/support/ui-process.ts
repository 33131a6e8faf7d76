// Starts `shardscope ui PATH --port 0 --no-open` as the user would, reads the link it prints,
// and stops it with SIGTERM (as Ctrl-C would).

import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from './env';

export interface UiProcess {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

/** Starting node and reading a few headers takes well under this on a loaded CI machine. */
const START_TIMEOUT_MS = 30_000;

export function startUi(target: string | null, env: NodeJS.ProcessEnv): Promise<UiProcess> {
  const args = [path.join(REPO, 'bin', 'shardscope.js'), 'ui', ...(target !== null ? [target] : []), '--port', '0', '--no-open'];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`shardscope ui printed no link within ${START_TIMEOUT_MS} ms:\n${out}`)), START_TIMEOUT_MS);
    const look = (): void => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.stdout?.off('data', look);
      resolve({
        url: m[0],
        origin: m[1] as string,
        token: m[2] as string,
        output: () => out,
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout?.on('data', look);
    void exited.then((code) => reject(new Error(`shardscope ui exited (${code}) before printing a link:\n${out}`)));
  });
}
