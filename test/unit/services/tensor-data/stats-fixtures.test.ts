// The streaming statistics against the `stats` torch computed (in float64) for every fixture tensor.
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../../../electron/services/inspect/open';
import { readTensorBlocks } from '../../../../electron/services/tensor-data/assemble';
import { createStatsAccumulator } from '../../../../electron/services/tensor-data/stats';
import { expectedEntries, fixtureCases, fixtureDir, type ExpectedTensor } from '../../../support/fixtures';

/** Small blocks, so that block merging is exercised even on these small tensors. */
const BLOCK_BYTES = 256;

function close(actual: number | null, expected: number | null): void {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Math.abs(actual! - expected) / scale).toBeLessThanOrEqual(1e-12);
}

describe('stats match expected.json', () => {
  for (const c of fixtureCases()) {
    const withStats = Object.entries(expectedEntries(c)).filter((kv): kv is [string, ExpectedTensor & { stats: NonNullable<ExpectedTensor['stats']> }] => kv[1].kind === 'tensor' && kv[1].stats !== undefined);
    if (withStats.length === 0) continue;
    it(`${c}: nan, inf, min, max and mean of ${withStats.length} tensors`, async () => {
      const ck = await openCheckpoint(fixtureDir(c));
      try {
        for (const [key, exp] of withStats) {
          const entry = ck.model.entries.find((e) => e.key === key);
          if (entry?.kind !== 'tensor') throw new Error(`${c}: no tensor ${key}`);
          const acc = createStatsAccumulator(entry.dtype);
          for await (const block of readTensorBlocks(ck.folder, entry, { blockBytes: BLOCK_BYTES })) acc.push(block);
          const s = acc.result();
          expect({ key, nan: s.nan, inf: s.inf, count: s.count }).toEqual({ key, nan: exp.stats.nan, inf: exp.stats.inf, count: exp.shape.reduce((a, b) => a * b, 1) });
          expect(s.min).toBe(exp.stats.min);
          expect(s.max).toBe(exp.stats.max);
          close(s.mean, exp.stats.mean);
          expect(s.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(s.finite);
        }
      } finally {
        await ck.close();
      }
    });
  }
});
