// The direct `.metadata` reader (dcp/metadata-fast.ts) must give exactly what the pickle machine
// gives: the same metadata, or (when it declines) the machine's own result or error. Compared on
// every torch-written `.metadata`, on mutated ones, under tight limits, and on generated ones
// with random shapes, offsets and lengths (BININT1 to LONG1, 0-d to 6-d Sizes), written the way
// CPython's pickler writes them and the plainer way the test writer does by default.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type DcpMetadata, parseDcpMetadata } from '../../electron/formats/dcp/metadata';
import { readTorchMetadata } from '../../electron/formats/dcp/metadata-fast';
import type { PickleLimits } from '../../electron/formats/pickle/limits';
import { FormatError } from '../../shared/errors';
import { fixtureCases, fixtureDir } from '../support/fixtures';
import { dcpMetadata, type DcpMetaSpec, type DcpStorageSpec } from '../support/dcp-bytes';
import { mutate, mutations } from '../support/mutate';

const RUNS = 300;

/** Everything parseDcpMetadata returns, as plain data. */
function summary(md: DcpMetadata): unknown {
  const ix = md.storageIndex;
  return {
    protocol: md.protocol,
    version: md.version,
    stateDict: [...md.stateDict],
    storage: Array.from({ length: ix.size }, (_, n) => ({ fqn: ix.fqn(n), offsets: ix.offsets(n), info: ix.info(n) })),
    plannerData: md.plannerData === null ? null : [...md.plannerData],
    storageMeta: md.storageMeta,
    extraFields: md.extraFields,
    opaqueGlobals: md.opaqueGlobals,
    diagnostics: md.diagnostics,
  };
}

function result(bytes: Uint8Array, fastPaths: boolean, limits?: Partial<PickleLimits>): unknown {
  try {
    return { value: summary(parseDcpMetadata(bytes, limits, { fastPaths })) };
  } catch (e) {
    if (e instanceof FormatError) return { error: e.code, message: e.message, offset: e.offset };
    throw e;
  }
}

function expectSame(bytes: Uint8Array, limits?: Partial<PickleLimits>): void {
  expect(result(bytes, true, limits)).toEqual(result(bytes, false, limits));
}

const cases = fixtureCases().filter((c) => existsSync(path.join(fixtureDir(c), '.metadata')));
const metadataOf = (c: string): Uint8Array => new Uint8Array(readFileSync(path.join(fixtureDir(c), '.metadata')));

describe('the direct .metadata reader gives what the pickle machine gives', () => {
  it('covers the DCP fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5); // 11 in test/fixtures; fewer in some SHARDSCOPE_FIXTURES sets
  });

  for (const c of cases) {
    it(`${c}: the direct reader takes it, with the same metadata`, () => {
      const bytes = metadataOf(c);
      expect(readTorchMetadata(bytes)).toBeDefined();
      const fast = result(bytes, true);
      expect(fast).toEqual(result(bytes, false));
      expect(fast).toHaveProperty('value');
    });
  }

  it('a repeated state_dict key keeps its first place and takes the last value, on both paths', () => {
    const t = (key: string, n: number): { meta: DcpMetaSpec; storage: DcpStorageSpec[] } => ({
      meta: { kind: 'tensor', key, dtype: 'bfloat16', shape: [n], chunks: [{ offsets: [0], sizes: [n] }] },
      storage: [{ offsets: [0], relativePath: '__0_0.distcp', offset: 0, length: 2 * n }],
    });
    for (const freshKeys of [true, false]) {
      const bytes = dcpMetadata([t('a', 1), t('b', 2), t('a', 3), t('é', 4), t('é', 5)], { cpython: true, freshKeys });
      const md = readTorchMetadata(bytes);
      expect(md).toBeDefined();
      expect(md?.stateKeys).toEqual(['a', 'b', 'é']);
      expect(md?.stateMetas.map((m) => (m.kind === 'tensor' ? m.size : null))).toEqual([[3], [2], [5]]);
      expectSame(bytes);
    }
  });

  it('mutated .metadata files: the same metadata or the same error', () => {
    const bases = cases.map(metadataOf);
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), mutations, (i, muts) => expectSame(mutate(bases[i]!, muts))),
      { numRuns: RUNS },
    );
  });

  it('tight limits: the same error at the same opcode', () => {
    // The largest .metadata at hand (fsdp_train's, in test/fixtures).
    const bytes = cases.map(metadataOf).reduce((a, b) => (b.length > a.length ? b : a));
    const limits = fc.record(
      {
        maxStackDepth: fc.integer({ min: 1, max: 200 }),
        maxMarkDepth: fc.integer({ min: 1, max: 8 }),
        maxMemoEntries: fc.integer({ min: 1, max: 4000 }),
        maxObjects: fc.integer({ min: 1, max: 20000 }),
        maxStringBytes: fc.integer({ min: 0, max: 64 }),
        maxLongBytes: fc.integer({ min: 0, max: 8 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(limits, (l) => expectSame(bytes, l)), { numRuns: RUNS });
  });

  it('generated checkpoints: random shapes, chunk boxes and item ranges', () => {
    const int = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 256, max: 65535 }), fc.integer({ min: 65536, max: 2 ** 31 - 1 }), fc.integer({ min: 2 ** 31, max: 2 ** 40 }));
    // Mostly well-formed (chunk boxes with the tensor's rank), sometimes not: both paths must agree either way.
    const tensor = fc.integer({ min: 0, max: 6 }).chain((rank) => {
      const dims = fc.array(int, { minLength: rank, maxLength: rank });
      const box = fc.oneof({ weight: 9, arbitrary: dims }, { weight: 1, arbitrary: fc.array(int, { maxLength: 6 }) });
      return fc.record({ shape: dims, chunks: fc.array(fc.record({ offsets: box, sizes: box }), { minLength: 1, maxLength: 4 }) });
    });
    const entry = fc.record({
      tensor,
      offset: int,
      length: int,
      transforms: fc.option(fc.constant(['stream.zstd']), { nil: undefined }),
      bytes: fc.boolean(),
      // A key repeated from an earlier entry (a dict keeps its first place, the last value), or not ASCII.
      name: fc.oneof({ weight: 8, arbitrary: fc.constant('plain') }, { weight: 1, arbitrary: fc.constant('repeat') }, { weight: 1, arbitrary: fc.constant('unicode') }),
      pick: fc.nat(),
    });
    // planner_data mostly in state_dict's order (as torch writes it), sometimes shuffled or short.
    const order = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.array(fc.nat(), { maxLength: 8 }) });
    let taken = 0;
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), fc.boolean(), order, fc.boolean(), (specs, cpython, picks, freshKeys) => {
        const entries = specs.map((s, k) => {
          const key = s.name === 'repeat' && k > 0 ? `layers.${s.pick % k}.w` : s.name === 'unicode' ? `layers.${k}.wé\u{1F600}` : `layers.${k}.w`;
          const { shape, chunks } = s.tensor;
          const meta: DcpMetaSpec = s.bytes ? { kind: 'bytes', key } : { kind: 'tensor', key, dtype: 'bfloat16', shape, chunks };
          const storage: DcpStorageSpec[] = s.bytes
            ? [{ offsets: null, relativePath: '__0_0.distcp', offset: s.offset, length: s.length }]
            : chunks.map((c, j) => ({ offsets: c.offsets, relativePath: `__${j}_0.distcp`, offset: s.offset, length: s.length, ...(s.transforms ? { transforms: s.transforms } : {}) }));
          return { meta, storage };
        });
        // picks: planner entries by index, repeats dropped (a Python dict has each key once)
        const plannerOrder = picks === null ? undefined : [...new Set(picks.map((p) => p % entries.length))];
        const bytes = dcpMetadata(entries, { cpython, freshKeys, ...(plannerOrder ? { plannerOrder } : {}) });
        if (readTorchMetadata(bytes) !== undefined) taken++;
        expectSame(bytes);
      }),
      { numRuns: RUNS },
    );
    expect(taken).toBeGreaterThan(RUNS / 4); // most CPython-mode files (the others: a 0xFF… int past 2^48, a 1-item list)
  });
});
