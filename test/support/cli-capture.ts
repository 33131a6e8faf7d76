// Runs the CLI in-process (`main(argv)` from electron/cli/main.ts) with stdout and stderr captured,
// so tests see exactly what a user would: the exit code and the text of both streams.
import { Writable } from 'node:stream';
import { main } from '../../electron/cli/main';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}

export async function runCli(argv: readonly string[]): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** What every user-facing failure must look like: one line, the `shardscope:` prefix, no stack. */
export function oneLineError(stderr: string): string | null {
  if (!stderr.endsWith('\n') || stderr.indexOf('\n') !== stderr.length - 1) return `not exactly one line: ${JSON.stringify(stderr)}`;
  if (!stderr.startsWith('shardscope: ')) return `no "shardscope: " prefix: ${JSON.stringify(stderr)}`;
  if (/\n\s+at |\bat .+\.(ts|js):\d+/.test(stderr)) return `a stack trace: ${JSON.stringify(stderr)}`;
  return null;
}

/** Control characters (a NUL or ESC from a hostile name) must not reach a terminal raw. */
export function hasRawControlChars(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0009\u000b-\u001f\u007f]/.test(text);
}
