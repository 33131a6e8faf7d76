// The model crosses from the open worker with its chunks packed into typed arrays: unpacked, it
// must be the model that was packed, on every fixture and on a hand-made one with every kind of
// chunk source, shared tuples included.

import { describe, expect, it } from 'vitest';
import { packModel, unpackModel } from '../../../../electron/services/inspect/model-wire';
import { openCheckpoint } from '../../../../electron/services/inspect/open';
import type { CheckpointModel } from '../../../../shared/model/checkpoint';
import { fixtureCases, fixtureDir } from '../../../support/fixtures';

describe('packModel / unpackModel', () => {
  it.each(fixtureCases())('%s: unpacked is the model', async (name) => {
    const ck = await openCheckpoint(fixtureDir(name));
    await ck.close();
    const { packed, transfer } = packModel(ck.model);
    expect(transfer.every((b) => b instanceof ArrayBuffer)).toBe(true);
    // Through a real structured clone, the typed arrays moved.
    const copy = structuredClone(packed, { transfer });
    expect(unpackModel(copy)).toEqual(ck.model);
  });

  it('keeps raw and torch-item sources, transforms, null ranks and empty chunk lists', () => {
    const shared = [0, 0];
    const model: CheckpointModel = {
      format: 'dcp',
      root: '/ck',
      worldSize: 2,
      files: [{ name: '__0_0.distcp', size: 10 }],
      diagnostics: [],
      info: {},
      entries: [
        { kind: 'object', key: 'step', path: ['step'], pythonType: 'int', repr: '3' },
        {
          kind: 'tensor', key: 'w', path: ['w'], dtype: 'float32', shape: [4, 2], nbytes: 32,
          chunks: [
            { offsets: shared, sizes: [2, 2], source: { kind: 'torch-item', file: '__0_0.distcp', offset: 5, length: 2 ** 40, transforms: ['stream.zstd/1'] }, rank: 0 },
            { offsets: [2, 0], sizes: [2, 2], source: { kind: 'raw', file: 'model.safetensors', offset: 0, length: 16 }, rank: null },
          ],
        },
        { kind: 'tensor', key: 'empty', path: ['empty'], dtype: 'bfloat16', shape: [0], nbytes: 0, chunks: [] },
        { kind: 'tensor', key: 'b', path: ['b'], dtype: 'float32', shape: [2], nbytes: 8, chunks: [{ offsets: shared, sizes: [2], source: { kind: 'torch-item', file: '__1_0.distcp', offset: 0, length: 8, transforms: [] }, rank: 1 }] },
      ],
    };
    const { packed, transfer } = packModel(model);
    const back = unpackModel(structuredClone(packed, { transfer }));
    expect(back).toEqual(model);
    const [w, , b] = back.entries.filter((e) => e.kind === 'tensor');
    expect(w?.kind === 'tensor' && b?.kind === 'tensor' && w.chunks[0]?.offsets === b.chunks[0]?.offsets).toBe(true); // shared tuples stay shared
  });
});
