// Exit codes of `shardscope convert` by error code: a failed verification is 1, the rest 2.
import { describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { FormatError } from '../../../shared/errors';

const failWith = vi.hoisted(() => ({ error: null as unknown, options: null as unknown }));
vi.mock('../../../electron/services/convert/convert-checkpoint', () => ({
  convertCheckpoint: async (_src: string, _dst: string, options: unknown) => {
    failWith.options = options;
    throw failWith.error;
  },
}));
const { registerConvert, runConvert } = await import('../../../electron/cli/convert');

async function run(error: unknown): Promise<{ code: number; stderr: string }> {
  failWith.error = error;
  let stderr = '';
  const sink = (f: (s: string) => void): Writable => new Writable({ write: (c: Buffer, _e, cb) => (f(c.toString()), cb()) });
  const code = await runConvert({ stdout: sink(() => undefined), stderr: sink((s) => (stderr += s)), exitCode: 0 }, 'a', 'b', { maxShardSize: '5GB', include: [], exclude: [], progress: 'none' });
  return { code, stderr };
}

describe('convert exit codes', () => {
  it('VERIFY_FAILED exits 1', async () => {
    expect(await run(new FormatError('VERIFY_FAILED', 'verification failed: tensor "w" differs', { file: 'model.safetensors' }))).toEqual({
      code: 1,
      stderr: 'shardscope: model.safetensors: verification failed: tensor "w" differs\n',
    });
  });

  it.each(['EXISTS', 'DISK_FULL', 'CANCELLED', 'CORRUPT', 'BAD_REQUEST'] as const)('%s exits 2', async (code) => {
    expect((await run(new FormatError(code, 'why'))).code).toBe(2);
  });

  it('an unexpected exception is one line too, not a stack trace', async () => {
    const r = await run(new Error('boom'));
    expect(r).toEqual({ code: 2, stderr: 'shardscope: boom\n' });
  });
});

describe('convert flags', () => {
  it('--sync turns the flushes on; without it (or with the old --no-sync) convert leaves them to the kernel', async () => {
    for (const [flags, sync] of [[[], false], [['--sync'], true], [['--no-sync'], false]] as const) {
      failWith.error = new FormatError('CANCELLED', 'stop here');
      failWith.options = null;
      const program = new Command().exitOverride();
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      registerConvert(program, { stdout: sink, stderr: sink, exitCode: 0 });
      await program.parseAsync(['convert', 'a', 'b', ...flags], { from: 'user' });
      expect(failWith.options).toMatchObject({ sync });
    }
  });
});
