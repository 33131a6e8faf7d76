// `convert` never leaves a half-written output: verification failures, cancel, a full disk and
// errors leave no DST and no temp folder; an existing DST is refused or replaced only when the
// new one is complete; stale temp folders are cleaned; the source is never modified.
import { describe, expect, it } from 'vitest';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { convertCheckpoint } from '../../electron/services/convert/convert-checkpoint';
import { planSafetensorsFile } from '../../electron/formats/safetensors/writer';
import type { ConvertProgress } from '../../shared/model/convert';
import { expectedEntries } from '../support/fixtures';
import { copyFixture, fingerprint, readBack, scratch, strays } from './convert-support';

/** Flips one byte of a file in place. */
function flipByte(file: string, at: number): void {
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 0xff;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

/** A safetensors checkpoint of `n` float32 [256, 1024] tensors (1 MiB each), written here. */
function bigSafetensors(n: number): string {
  const dir = scratch();
  const tensors = Array.from({ length: n }, (_, i) => ({ name: `w${String(i).padStart(3, '0')}`, dtype: 'float32' as const, shape: [256, 1024] }));
  const plan = planSafetensorsFile(tensors, { format: 'pt' });
  const fd = openSync(path.join(dir, 'model.safetensors'), 'w');
  writeSync(fd, plan.header);
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < n; i++) {
    block.fill(i + 1);
    writeSync(fd, block);
  }
  closeSync(fd);
  return dir;
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('--verify', () => {
  it('passes on a faithful output', async () => {
    const dst = path.join(scratch(), 'out');
    const s = await convertCheckpoint(copyFixture('fsdp_tp'), dst, { verify: true, maxShardSize: 300 });
    expect(s.verified).toBe(true);
  });

  it('catches one corrupted output byte, exits as VERIFY_FAILED and keeps nothing', async () => {
    const parent = scratch();
    const dst = path.join(parent, 'out');
    let tmpSeen = '';
    const run = convertCheckpoint(copyFixture('fsdp_train'), dst, { verify: true, modelOnly: true }, {
      faults: {
        beforeVerify: async (tmp) => {
          tmpSeen = tmp;
          const f = path.join(tmp, 'model.safetensors');
          const n = Number(readFileSync(f).readBigUInt64LE(0));
          flipByte(f, 8 + n + 100); // inside the first tensor's data
        },
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'VERIFY_FAILED', message: expect.stringMatching(/^verification failed: tensor "[^"]+" in model\.safetensors reads back with sha256 [0-9a-f]{64}, but [0-9a-f]{64} was written; nothing was kept$/) });
    expect(path.dirname(tmpSeen)).toBe(parent);
    expect(strays(parent)).toEqual([]);
    expect(() => readFileSync(path.join(dst, 'model.safetensors'))).toThrow(/ENOENT/);
  });
});

describe('cancel and failure leave nothing behind', () => {
  it('cancel mid-write: CANCELLED, no DST, no temp folder', async () => {
    const src = bigSafetensors(48);
    const parent = scratch();
    const ac = new AbortController();
    const phases: ConvertProgress[] = [];
    const run = convertCheckpoint(src, path.join(parent, 'out'), { threads: 1 }, {
      signal: ac.signal,
      onProgress: (p) => {
        phases.push(p);
        if (p.phase === 'write') ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(phases.some((p) => p.phase === 'write')).toBe(true);
    expect(phases.some((p) => p.phase === 'commit')).toBe(false);
    expect(strays(parent)).toEqual([]);
    expect(spawnSync('ls', [parent], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('a full disk (ENOSPC while writing) is DISK_FULL with the bytes needed, and leaves nothing', async () => {
    const parent = scratch();
    const run = convertCheckpoint(copyFixture('fsdp_train'), path.join(parent, 'out'), { threads: 2 }, { faults: { write: { code: 'ENOSPC', afterBytes: 1000 } } });
    await expect(run).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/^the disk is full: the output needs [\d.]+ KiB \(\d+ bytes\), and .* are free; nothing was written to /) });
    expect(spawnSync('ls', ['-A', parent], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('with --sync: a failed or cancelled run leaves nothing either', async () => {
    const parent = scratch();
    const failing = convertCheckpoint(copyFixture('fsdp_train'), path.join(parent, 'out'), { sync: true, threads: 2 }, { faults: { write: { code: 'ENOSPC', afterBytes: 1000 } } });
    await expect(failing).rejects.toMatchObject({ code: 'DISK_FULL' });
    const ac = new AbortController();
    const cancelled = convertCheckpoint(bigSafetensors(16), path.join(parent, 'out'), { sync: true, threads: 1 }, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'write') ac.abort();
      },
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(spawnSync('ls', ['-A', parent], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('with --force, a failed run leaves the old DST as it was', async () => {
    const parent = scratch();
    const dst = path.join(parent, 'out');
    mkdirSync(dst);
    writeFileSync(path.join(dst, 'model.safetensors'), 'the old output');
    await expect(convertCheckpoint(copyFixture('tp'), dst, { force: true }, { faults: { write: { code: 'EIO', afterBytes: 0 } } })).rejects.toMatchObject({ code: 'IO' });
    expect(readFileSync(path.join(dst, 'model.safetensors'), 'utf8')).toBe('the old output');
    expect(strays(parent)).toEqual([]);
  });
});

describe('destination rules', () => {
  it('refuses an existing DST without --force (EXISTS) and replaces it with --force', async () => {
    const src = copyFixture('tp');
    const parent = scratch();
    const dst = path.join(parent, 'out');
    mkdirSync(dst);
    writeFileSync(path.join(dst, 'keep'), 'x');
    await expect(convertCheckpoint(src, dst, {})).rejects.toMatchObject({ code: 'EXISTS', message: `${dst} already exists; pass --force to replace it once the new output is complete` });
    expect(readFileSync(path.join(dst, 'keep'), 'utf8')).toBe('x');
    await convertCheckpoint(src, dst, { force: true });
    const got = await readBack(dst);
    expect(got.files).toEqual(['model.safetensors']);
    expect(got.tensors.size).toBe(4);
    expect(strays(parent)).toEqual([]);
  });

  it('refuses a DST that is, contains or lies inside the source, even with --force', async () => {
    const src = copyFixture('tp');
    for (const dst of [src, path.join(src, 'out'), path.dirname(src)]) {
      await expect(convertCheckpoint(src, dst, { force: true })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('must be a new folder outside the source') });
    }
  });

  it('cleans a stale temp folder a killed run left beside DST', async () => {
    const parent = scratch();
    const stale = path.join(parent, `.shardscope-tmp-out-${deadPid()}-deadbeef`);
    mkdirSync(stale);
    writeFileSync(path.join(stale, 'model.safetensors'), 'half written');
    await convertCheckpoint(copyFixture('tp'), path.join(parent, 'out'), {});
    expect(spawnSync('ls', ['-A', parent], { encoding: 'utf8' }).stdout.trim()).toBe('out');
  });

  it('never modifies the source (size, mtime and sha256 of every file), whatever the options', async () => {
    for (const c of ['fsdp_train', 'hf_consolidated', 'titan_llama']) {
      const src = copyFixture(c);
      const before = fingerprint(src);
      await convertCheckpoint(src, path.join(scratch(), 'out'), { verify: true, dtype: 'float16', maxShardSize: '1KB' });
      const failing = convertCheckpoint(src, path.join(scratch(), 'out'), { verify: true }, { faults: { write: { code: 'ENOSPC', afterBytes: 0 } } });
      await expect(failing).rejects.toMatchObject({ code: 'DISK_FULL' });
      expect(fingerprint(src)).toEqual(before);
    }
  });

  it('bad options fail before anything is written, with one clear line', async () => {
    const src = copyFixture('tp');
    const parent = scratch();
    const dst = path.join(parent, 'out');
    await expect(convertCheckpoint(src, dst, { include: ['('] })).rejects.toThrow(/^--include "\(": not a valid regular expression/);
    await expect(convertCheckpoint(src, dst, { maxShardSize: '5XB' })).rejects.toThrow(/--max-shard-size "5XB": unit "XB"/);
    await expect(convertCheckpoint(src, dst, { threads: 0 })).rejects.toThrow(/--threads 0/);
    await expect(convertCheckpoint(src, dst, { preset: { name: 'torchtitan-llama', configPath: '' } })).rejects.toThrow(/needs --config PATH/);
    await expect(convertCheckpoint(path.join(parent, 'missing'), dst, {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(spawnSync('ls', ['-A', parent], { encoding: 'utf8' }).stdout).toBe('');
    expect(Object.keys(expectedEntries('tp')).length).toBe(4);
  });
});
