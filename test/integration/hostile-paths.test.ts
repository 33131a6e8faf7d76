// Paths: symlinks the folder itself holds are followed as the OS follows them (Hugging Face's
// cache links every snapshot file to a blob elsewhere), while a path written inside a file
// (index.json weight_map, DCP relative_path) never leads out of the folder, even to a file that
// exists. Special files (a FIFO, a symlink loop, a dangling link) end in one line, never a hang.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, constants, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { hashTensor } from '../../electron/services/inspect/hash';
import { NodeFolder } from '../../electron/io/node-folder';
import { toAppError } from '../../shared/errors';
import { buildDcp } from '../support/dcp-bytes';
import { expectedEntries, fixtureDir } from '../support/fixtures';
import { oneLineError, runCli } from '../support/cli-capture';

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'shardscope-hostile-paths-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Lays a fixture out as the Hugging Face cache does: every file's bytes in blobs/<sha256>, and a
 * snapshot folder of relative symlinks to them. Returns the snapshot folder.
 */
function hfCacheLayout(fixture: string, name: string): { snapshot: string; blobs: string; blobOf: Map<string, string> } {
  const repo = path.join(tmp, `models--${name}`);
  const blobs = path.join(repo, 'blobs');
  const snapshot = path.join(repo, 'snapshots', 'abc123');
  mkdirSync(blobs, { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  const blobOf = new Map<string, string>();
  for (const f of readdirSync(fixtureDir(fixture), { withFileTypes: true })) {
    if (!f.isFile()) continue;
    const bytes = readFileSync(path.join(fixtureDir(fixture), f.name));
    const hash = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(path.join(blobs, hash), bytes);
    symlinkSync(path.join('..', '..', 'blobs', hash), path.join(snapshot, f.name));
    blobOf.set(f.name, hash);
  }
  return { snapshot, blobs, blobOf };
}

async function hashesOf(target: string): Promise<Record<string, string>> {
  const ck = await openCheckpoint(target);
  try {
    const out: Record<string, string> = {};
    for (const e of ck.model.entries) if (e.kind === 'tensor') out[e.key] = await hashTensor(ck.folder, e);
    return out;
  } finally {
    await ck.close();
  }
}

function expectedHashes(fixture: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, e] of Object.entries(expectedEntries(fixture))) if (e.kind === 'tensor') out[k] = e.sha256;
  return out;
}

async function failure(target: string): Promise<ReturnType<typeof toAppError> | null> {
  try {
    await hashesOf(target);
    return null;
  } catch (e) {
    return toAppError(e);
  }
}

describe('symlinks the folder holds are followed', () => {
  it('sharded safetensors in a Hugging Face cache snapshot (every file a link to ../../blobs/<hash>) reads every tensor exactly', async () => {
    const { snapshot } = hfCacheLayout('hf_consolidated', 'sharded');
    expect(await hashesOf(snapshot)).toEqual(expectedHashes('hf_consolidated'));
  });

  it('a DCP folder whose .metadata and .distcp files are links to blobs reads every tensor exactly', async () => {
    const { snapshot } = hfCacheLayout('tp', 'dcp');
    expect(await hashesOf(snapshot)).toEqual(expectedHashes('tp'));
  });

  it('a checkpoint folder that is itself a symlink reads the same', async () => {
    const link = path.join(tmp, 'linked-tp');
    symlinkSync(fixtureDir('tp'), link);
    expect(await hashesOf(link)).toEqual(expectedHashes('tp'));
  });
});

describe('a path written inside a file never leads out, even to a file that exists', () => {
  it('index.json weight_map naming ../../blobs/<hash> (the real blob) is UNSAFE_PATH naming the index and the tensor', async () => {
    const { snapshot, blobOf } = hfCacheLayout('hf_consolidated', 'evil-index');
    const indexPath = path.join(snapshot, 'model.safetensors.index.json');
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map: Record<string, string> };
    const key = Object.keys(index.weight_map)[0]!;
    index.weight_map[key] = `../../blobs/${blobOf.get(index.weight_map[key]!)!}`;
    rmSync(indexPath);
    writeFileSync(indexPath, JSON.stringify(index));
    const run = await runCli(['inspect', snapshot]);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr)).toBeNull();
    expect(run.stderr).toContain('model.safetensors.index.json');
    expect(run.stderr).toContain(JSON.stringify(key));
    expect(await failure(snapshot)).toMatchObject({ code: 'UNSAFE_PATH' });
  });

  it('a DCP relative_path of ../../blobs/<hash> (the real blob) is UNSAFE_PATH naming the key', async () => {
    const dir = path.join(tmp, 'evil-dcp', 'snapshots', 'x');
    mkdirSync(dir, { recursive: true });
    const W = { kind: 'tensor', key: 'model.w', dtype: 'float32', shape: [4, 3] } as const;
    const good = buildDcp([W]);
    mkdirSync(path.join(tmp, 'evil-dcp', 'blobs'));
    writeFileSync(path.join(tmp, 'evil-dcp', 'blobs', 'b0'), good.get('__0_0.distcp')!);
    const files = buildDcp([W], { relativePath: () => '../../blobs/b0' });
    writeFileSync(path.join(dir, '.metadata'), files.get('.metadata')!);
    const err = await failure(dir);
    expect(err).toMatchObject({ code: 'UNSAFE_PATH', key: 'model.w' });
    const run = await runCli(['inspect', dir]);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr)).toBeNull();
    expect(run.stderr).toContain('"model.w"');
  });

  it('the folder itself refuses to open a name that is not a bare file name', async () => {
    const folder = new NodeFolder(fixtureDir('tp'));
    try {
      for (const name of ['../tp/checkpoint/.metadata', '/etc/passwd', 'sub/x', '..', 'a\\b', 'x\0y']) {
        // open() throws synchronously for a bad name; either way it must refuse.
        const err = await Promise.resolve().then(() => folder.open(name)).then(() => null, (e: unknown) => toAppError(e));
        expect(err?.code, name).toBe('UNSAFE_PATH');
      }
    } finally {
      await folder.close();
    }
  });
});

describe('special files end in one line, never a hang', () => {
  /**
   * Runs `op` while checking whether anything blocks opening `fifo` for reading: a non-blocking
   * open for writing only succeeds when a reader is waiting. If one is, the open also releases
   * it (the reader then sees an empty file), so the test can never hang.
   */
  async function watchFifo<T>(fifo: string, op: () => Promise<T>): Promise<{ value: T; blockedOnFifo: boolean }> {
    let done = false;
    let blockedOnFifo = false;
    const pending = op().finally(() => {
      done = true;
    });
    while (!done) {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        blockedOnFifo = true;
      } catch {
        // ENXIO: nobody is reading it
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return { value: await pending, blockedOnFifo };
  }

  const canMkfifo = (() => {
    try {
      execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
      return process.platform !== 'win32';
    } catch {
      return false;
    }
  })();

  it.runIf(canMkfifo)('a FIFO standing in for __1_0.distcp is NOT_FOUND (not a regular file), and nothing blocks on it', async () => {
    const dir = path.join(tmp, 'fifo-dcp');
    cpSync(fixtureDir('tp'), dir, { recursive: true });
    rmSync(path.join(dir, '__1_0.distcp'));
    execFileSync('mkfifo', [path.join(dir, '__1_0.distcp')]);
    const { value, blockedOnFifo } = await watchFifo(path.join(dir, '__1_0.distcp'), () => runCli(['inspect', dir]));
    expect(blockedOnFifo).toBe(false);
    expect(value.code).toBe(2);
    expect(oneLineError(value.stderr)).toBeNull();
    expect(value.stderr).toContain('__1_0.distcp');
  });

  it.runIf(canMkfifo)('a FIFO named by index.json is NOT_FOUND, and nothing blocks on it', async () => {
    const dir = path.join(tmp, 'fifo-index');
    cpSync(fixtureDir('hf_consolidated'), dir, { recursive: true });
    const shard = path.join(dir, 'model-00002-of-00002.safetensors');
    rmSync(shard);
    execFileSync('mkfifo', [shard]);
    const { value, blockedOnFifo } = await watchFifo(shard, () => runCli(['inspect', dir]));
    expect(blockedOnFifo).toBe(false);
    expect(value.code).toBe(2);
    expect(oneLineError(value.stderr)).toBeNull();
    expect(value.stderr).toContain('model-00002-of-00002.safetensors');
  });

  // Opening a FIFO for reading blocks until a writer appears: open.ts refuses a target that is
  // neither a folder nor a regular file, and folders open only the regular files they list.
  it.runIf(canMkfifo)('a FIFO given as the target is refused at once, nothing blocks on it', async () => {
    const dir = path.join(tmp, 'fifo-target');
    mkdirSync(dir);
    const fifo = path.join(dir, 'model.safetensors');
    execFileSync('mkfifo', [fifo]);
    const { value, blockedOnFifo } = await watchFifo(fifo, () => runCli(['inspect', fifo]));
    expect(value.code).toBe(2);
    expect(blockedOnFifo).toBe(false);
    expect(value.stderr).toBe(`shardscope: ${fifo}: not a regular file or folder\n`);
  });

  it('a symlink loop given as the target is one line, exit 2', async () => {
    const loop = path.join(tmp, 'loop.safetensors');
    symlinkSync(loop, loop);
    const run = await runCli(['inspect', loop]);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr)).toBeNull();
    expect(run.stderr).toContain('loop.safetensors');
  });

  it('a dangling symlink in place of a shard the index names is NOT_FOUND naming the shard', async () => {
    const dir = path.join(tmp, 'dangling');
    cpSync(fixtureDir('hf_consolidated'), dir, { recursive: true });
    const shard = path.join(dir, 'model-00002-of-00002.safetensors');
    rmSync(shard);
    symlinkSync(path.join(tmp, 'no-such-blob'), shard);
    expect(await failure(dir)).toMatchObject({ code: 'NOT_FOUND' });
    const run = await runCli(['inspect', dir]);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr)).toBeNull();
    expect(run.stderr).toContain('model-00002-of-00002.safetensors');
  });
});
