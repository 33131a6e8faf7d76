// Browser mode's folder browser: sub-folders only (no files, no dot-folders), marked when their
// file names look like a checkpoint, and plain errors for a file or a missing path.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandHome, listDir, looksLike } from '../../../electron/app-service/list-dir';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shardscope-ls-'));
  for (const d of ['step-1', 'step-2', 'hf', '.cache', 'empty']) mkdirSync(path.join(dir, d));
  writeFileSync(path.join(dir, 'step-1', '.metadata'), '');
  writeFileSync(path.join(dir, 'hf', 'model.safetensors.index.json'), '{}');
  writeFileSync(path.join(dir, 'notes.txt'), 'a file');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('listDir', () => {
  it('lists sub-folders with what they look like', async () => {
    const l = await listDir(dir);
    expect(l.path).toBe(dir);
    expect(l.parent).toBe(path.dirname(dir));
    expect(l.dirs).toEqual([
      { name: 'empty', looksLike: null },
      { name: 'hf', looksLike: 'safetensors-sharded' },
      { name: 'step-1', looksLike: 'dcp' },
      { name: 'step-2', looksLike: null },
    ]);
    expect(l.truncated).toBe(false);
  });

  it('says what is wrong with a file or a missing path', async () => {
    await expect(listDir(path.join(dir, 'notes.txt'))).rejects.toThrow(`${path.join(dir, 'notes.txt')} is a file, not a folder`);
    await expect(listDir(path.join(dir, 'gone'))).rejects.toThrow(`${path.join(dir, 'gone')}: no such folder`);
  });

  it('expands ~ as a shell does', () => {
    expect(expandHome('~', '/home/u')).toBe('/home/u');
    expect(expandHome('~/ckpt', '/home/u')).toBe(path.join('/home/u', 'ckpt'));
    expect(expandHome('/abs/~x', '/home/u')).toBe('/abs/~x');
  });

  it('recognises layouts by their file names', () => {
    expect(looksLike(['.metadata', '__0_0.distcp'])).toBe('dcp');
    expect(looksLike(['shard-00001-model-00001-of-00001.safetensors'])).toBe('dcp-hf-shards');
    expect(looksLike(['model.safetensors'])).toBe('safetensors');
    expect(looksLike(['README.md'])).toBeNull();
  });
});
