// Random chunk tilings of random tensors (1-D to 4-D, uneven, 2-D tiles, replicas, empty chunks)
// assemble to the same bytes as slicing the full tensor directly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryFolder } from '../../electron/io/memory-folder';
import { readTensorBlocks } from '../../electron/services/tensor-data/assemble';
import type { Chunk, TensorEntry } from '../../shared/model/checkpoint';
import type { DType } from '../../shared/model/dtype';

interface Case {
  shape: number[];
  cuts: number[][]; // per dim: sorted interior cut points
  itemsize: 1 | 2 | 4 | 8;
  replicate: boolean;
  blockBytes: number;
  rows: [number, number] | null;
}

const DT: Record<number, DType> = { 1: 'uint8', 2: 'bfloat16', 4: 'float32', 8: 'int64' };

const caseArb: fc.Arbitrary<Case> = fc
  .array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      cuts: fc.tuple(...shape.map((n) => fc.uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: 3 }).map((a) => a.sort((x, y) => x - y)))),
      itemsize: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
      replicate: fc.boolean(),
      blockBytes: fc.integer({ min: 1, max: 600 }),
      rows: fc.option(fc.tuple(fc.integer({ min: 0, max: shape[0]! }), fc.integer({ min: 0, max: shape[0]! })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]), { nil: null }),
    }),
  );

function boxes(shape: number[], cuts: number[][]): { offsets: number[]; sizes: number[] }[] {
  const ranges = shape.map((n, d) => {
    const pts = [0, ...cuts[d]!.filter((c) => c > 0 && c < n), n];
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < pts.length; i++) out.push([pts[i]!, pts[i + 1]!]);
    // an empty chunk at the end, as uneven FSDP writes (offset == size, size 0)
    if (d === 0 && cuts[d]!.includes(n)) out.push([n, n]);
    return out;
  });
  let acc: { offsets: number[]; sizes: number[] }[] = [{ offsets: [], sizes: [] }];
  for (const r of ranges) {
    acc = acc.flatMap((b) => r.map(([lo, hi]) => ({ offsets: [...b.offsets, lo], sizes: [...b.sizes, hi - lo] })));
  }
  return acc;
}

function sliceBox(full: Uint8Array, shape: number[], box: { offsets: number[]; sizes: number[] }, itemsize: number): Uint8Array {
  const n = box.sizes.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(n * itemsize);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let rem = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % box.sizes[d]!;
      rem = Math.floor(rem / box.sizes[d]!);
    }
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += (idx[d]! + box.offsets[d]!) * strides[d]!;
    out.set(full.subarray(src * itemsize, (src + 1) * itemsize), i * itemsize);
  }
  return out;
}

describe('readTensorBlocks', () => {
  it('assembles any tiling to the directly sliced bytes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const numel = c.shape.reduce((a, b) => a * b, 1);
        const full = new Uint8Array(numel * c.itemsize).map((_, i) => (i * 131 + 7) & 0xff);
        const files = new Map<string, Uint8Array>();
        const chunks: Chunk[] = [];
        const all = boxes(c.shape, c.cuts);
        const copies = c.replicate ? [...all, ...all.slice(0, 1)] : all;
        copies.forEach((b, i) => {
          const bytes = sliceBox(full, c.shape, b, c.itemsize);
          files.set(`c${i}`, bytes);
          chunks.push({ offsets: b.offsets, sizes: b.sizes, rank: i, source: { kind: 'raw', file: `c${i}`, offset: 0, length: bytes.length } });
        });
        const entry: TensorEntry = { kind: 'tensor', key: 't', path: ['t'], dtype: DT[c.itemsize]!, shape: c.shape, nbytes: full.length, chunks: chunks.reverse() };
        const got: number[] = [];
        const opts = c.rows ? { blockBytes: c.blockBytes, rows: c.rows } : { blockBytes: c.blockBytes };
        for await (const block of readTensorBlocks(new MemoryFolder(files), entry, opts)) got.push(...block);
        const rowBytes = full.length / c.shape[0]!;
        const want = c.rows ? full.subarray(c.rows[0] * rowBytes, c.rows[1] * rowBytes) : full;
        expect(Uint8Array.from(got)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same bytes without read-ahead, reading into a reused scratch buffer with stale bytes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 0, max: 700 }), async (c, scratchBytes) => {
        const numel = c.shape.reduce((a, b) => a * b, 1);
        const full = new Uint8Array(numel * c.itemsize).map((_, i) => (i * 89 + 3) & 0xff);
        const files = new Map<string, Uint8Array>();
        const chunks: Chunk[] = [];
        boxes(c.shape, c.cuts).forEach((b, i) => {
          const bytes = sliceBox(full, c.shape, b, c.itemsize);
          files.set(`c${i}`, bytes);
          chunks.push({ offsets: b.offsets, sizes: b.sizes, rank: i, source: { kind: 'raw', file: `c${i}`, offset: 0, length: bytes.length } });
        });
        const entry: TensorEntry = { kind: 'tensor', key: 't', path: ['t'], dtype: DT[c.itemsize]!, shape: c.shape, nbytes: full.length, chunks };
        const scratch = new Uint8Array(scratchBytes).fill(0xee); // what a previous tensor left
        const got: number[] = [];
        const opts = { blockBytes: c.blockBytes, readAhead: false, scratch, ...(c.rows ? { rows: c.rows } : {}) };
        for await (const block of readTensorBlocks(new MemoryFolder(files), entry, opts)) got.push(...block);
        const rowBytes = full.length / c.shape[0]!;
        const want = c.rows ? full.subarray(c.rows[0] * rowBytes, c.rows[1] * rowBytes) : full;
        expect(Uint8Array.from(got)).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a gap between chunks instead of returning zeros', async () => {
    const files = new Map([['a', new Uint8Array(8)]]);
    const entry: TensorEntry = {
      kind: 'tensor', key: 'w', path: ['w'], dtype: 'float32', shape: [2, 2], nbytes: 16,
      chunks: [{ offsets: [0, 0], sizes: [2, 1], rank: 0, source: { kind: 'raw', file: 'a', offset: 0, length: 8 } }],
    };
    const read = async (): Promise<void> => {
      for await (const _ of readTensorBlocks(new MemoryFolder(files), entry)) void _;
    };
    await expect(read()).rejects.toThrow('tensor "w": its chunks cover 8 of the 16 bytes of rows 0..2');
  });
});
