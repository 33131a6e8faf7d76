// First values of a tensor: read from the leading rows only, in C order, across every way the
// fixtures cut tensors (dim-0 shards, uneven and empty shards, 2-D tiles, scalars), and sent as
// numbers where JSON carries them exactly, text where it cannot.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../../../shared/model/checkpoint';
import { openCheckpoint } from '../../../../electron/services/inspect/open';
import { decodePreview, previewTensor } from '../../../../electron/services/inspect/preview';
import { readTensorBlocks } from '../../../../electron/services/tensor-data/read';
import { concatBytes } from '../../../support/bytes';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'fixtures');

async function allBytes(open: Awaited<ReturnType<typeof openCheckpoint>>, e: TensorEntry): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const b of readTensorBlocks(open.folder, e)) parts.push(b.slice());
  return concatBytes(...parts);
}

describe('previewTensor', () => {
  it.each(['dtypes', 'uneven', 'fsdp_tp', 'tp', 'hsdp', 'zstd'])('%s: the first values are the tensor’s first values', async (name) => {
    const open = await openCheckpoint(path.join(FIXTURES, name, 'checkpoint'));
    try {
      const tensors = open.model.entries.filter((e): e is TensorEntry => e.kind === 'tensor');
      expect(tensors.length).toBeGreaterThan(0);
      for (const e of tensors) {
        const limit = 7;
        const p = await previewTensor(open.folder, e, limit);
        const full = decodePreview(e.dtype, await allBytes(open, e));
        expect(p.values, e.key).toEqual(full.slice(0, limit));
        expect(p.elements).toBe(full.length);
      }
    } finally {
      await open.close();
    }
  });

  it('agrees with the dtypes torch wrote (expected.json)', async () => {
    const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'dtypes', 'expected.json'), 'utf8')) as { entries: Record<string, { kind: string; dtype: string; shape: number[] }> };
    const open = await openCheckpoint(path.join(FIXTURES, 'dtypes', 'checkpoint'));
    try {
      for (const e of open.model.entries) {
        if (e.kind !== 'tensor') continue;
        const p = await previewTensor(open.folder, e, 3);
        expect([p.dtype, p.shape], e.key).toEqual([expected.entries[e.key]!.dtype, expected.entries[e.key]!.shape]);
      }
    } finally {
      await open.close();
    }
  });
});

describe('decodePreview', () => {
  it('sends bool as True/False and int64 exactly, even past 2^53', () => {
    expect(decodePreview('bool', new Uint8Array([0, 1, 2]))).toEqual(['False', 'True', 'True']);
    const b = new Uint8Array(24);
    const v = new DataView(b.buffer);
    v.setBigInt64(0, 9007199254740993n, true); // 2^53 + 1: a float64 would say ...992
    v.setBigInt64(8, -5n, true);
    v.setBigInt64(16, -(2n ** 63n), true);
    expect(decodePreview('int64', b)).toEqual(['9007199254740993', -5, '-9223372036854775808']);
  });

  it('sends NaN and infinities as text, since JSON has no such numbers', () => {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setFloat32(0, Number.NaN, true);
    v.setFloat32(4, Number.POSITIVE_INFINITY, true);
    v.setFloat32(8, Number.NEGATIVE_INFINITY, true);
    v.setFloat32(12, 0.5, true);
    expect(decodePreview('float32', b)).toEqual(['nan', 'inf', '-inf', 0.5]);
  });

  it('writes complex64 as Python does: re±imj', () => {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setFloat32(0, 1.5, true);
    v.setFloat32(4, -2, true);
    v.setFloat32(8, 0, true);
    v.setFloat32(12, 0.25, true);
    expect(decodePreview('complex64', b)).toEqual(['1.5-2j', '0+0.25j']);
  });
});
