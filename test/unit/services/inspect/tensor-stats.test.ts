// One tensor's statistics: the figures torch computed for the fixtures (expected.json), on the
// calling thread and in a worker thread, and a cancel that ends the worker's read.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../../../shared/model/checkpoint';
import type { CheckpointFolder } from '../../../../electron/io/folder';
import { DTYPES } from '../../../../shared/model/dtype';
import { openCheckpoint } from '../../../../electron/services/inspect/open';
import { computeTensorStats, runTensorStatsInWorker } from '../../../../electron/services/inspect/tensor-stats';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'fixtures');

interface Want {
  stats?: { min: number | null; max: number | null; mean: number | null; nan: number; inf: number };
}

describe('computeTensorStats', () => {
  it.each(['dtypes', 'fsdp_train', 'uneven', 'fsdp_tp'])('%s: matches torch’s figures for every floating tensor', async (name) => {
    const want = (JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8')) as { entries: Record<string, Want> }).entries;
    const open = await openCheckpoint(path.join(FIXTURES, name, 'checkpoint'));
    try {
      let checked = 0;
      for (const e of open.model.entries) {
        const w = want[e.key]?.stats;
        if (e.kind !== 'tensor' || w === undefined || !DTYPES[e.dtype].floating) continue;
        const s = await computeTensorStats(open.folder, e);
        expect([s.nan, s.inf, s.min, s.max], e.key).toEqual([w.nan, w.inf, w.min, w.max]);
        if (w.mean !== null) expect(s.mean, e.key).toBeCloseTo(w.mean, 10);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    } finally {
      await open.close();
    }
  });
});

describe('runTensorStatsInWorker', () => {
  it('gives the same figures from a worker thread, with progress up to the tensor’s size', async () => {
    const open = await openCheckpoint(path.join(FIXTURES, 'fsdp_train', 'checkpoint'));
    try {
      const e = open.model.entries.find((x): x is TensorEntry => x.kind === 'tensor' && x.key === 'tok_embeddings.weight')!;
      const seen: number[] = [];
      const inWorker = await runTensorStatsInWorker(open.folder.root, e, { onProgress: (done, total) => (expect(total).toBe(e.nbytes), seen.push(done)) });
      expect(inWorker).toEqual(await computeTensorStats(open.folder, e));
      expect(seen.at(-1)).toBe(e.nbytes);
    } finally {
      await open.close();
    }
  });

  it('ends with CANCELLED when cancelled', async () => {
    const open = await openCheckpoint(path.join(FIXTURES, 'fsdp_train', 'checkpoint'));
    try {
      const e = open.model.entries.find((x): x is TensorEntry => x.kind === 'tensor')!;
      const ac = new AbortController();
      ac.abort();
      await expect(runTensorStatsInWorker(open.folder.root, e, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      await open.close();
    }
  });

  it('refuses complex64 in words, before reading anything', async () => {
    const e: TensorEntry = { kind: 'tensor', key: 'freqs_cis', path: ['freqs_cis'], dtype: 'complex64', shape: [4], nbytes: 32, chunks: [] };
    const untouchable = new Proxy({} as CheckpointFolder, { get: () => { throw new Error('read attempted'); } });
    await expect(computeTensorStats(untouchable, e)).rejects.toThrow('"freqs_cis" is complex64: statistics are computed for real dtypes only');
  });
});
