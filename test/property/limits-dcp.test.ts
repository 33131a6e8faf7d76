// The DCP reader's named limits (electron/formats/dcp/limits.ts), each at and past its value:
// .metadata size, bytes-item size, tensor data.pkl size, zstd output (slack over a tensor chunk,
// the cap on a bytes item, real compressed frames whose headers cannot bound them), zstd window,
// compressed item size, the tiling checks' cell and pair ceilings, and repr length.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  MAX_BYTES_ITEM_BYTES,
  MAX_IN_MEMORY_CHUNK_BYTES,
  MAX_METADATA_BYTES,
  MAX_OBJECT_REPR_CHARS,
  MAX_TENSOR_PICKLE_BYTES,
  MAX_TILING_CELLS,
  MAX_TILING_PAIRS,
  MAX_ZSTD_WINDOW_BYTES,
  ZSTD_ITEM_SLACK_BYTES,
} from '../../electron/formats/dcp/limits';
import { readDcp } from '../../electron/formats/dcp/reader';
import { openItemSource } from '../../electron/formats/dcp/chunk';
import { decompressZstd, scanZstdFrames } from '../../electron/formats/dcp/transforms';
import { checkTiling } from '../../electron/formats/dcp/tiling';
import { hashTensor } from '../../electron/services/inspect/hash';
import { MemoryFolder } from '../../electron/io/memory-folder';
import { toAppError, type ErrorCode } from '../../shared/errors';
import { outcome, wholeFileLimitOutcomes } from '../support/outcome';
import { concatBytes, le, OPS, pattern, pickle, tensorDataPkl, torchSaveTensor, zstdRawFrame } from '../support/bytes';
import { buildDcp, type DcpEntrySpec } from '../support/dcp-bytes';
import { VirtualSource } from '../support/virtual-folder';

const NUM_RUNS = 50;
const FRAMES = path.resolve(__dirname, '..', 'fixtures', 'bad', 'zstd-frames');

/** Opens a DCP folder in memory and hashes every tensor (tensor items are only read then). */
async function readAndHash(files: Map<string, Uint8Array>): Promise<void> {
  const folder = new MemoryFolder(files);
  const model = await readDcp(folder);
  for (const e of model.entries) if (e.kind === 'tensor') await hashTensor(folder, e);
}

const W: DcpEntrySpec = { kind: 'tensor', key: 'w', dtype: 'float32', shape: [4, 3] };
const W_BYTES = 48;

/** The same 24-byte P(n) the zstd-frames README describes. */
function framePattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 12)) & 0xff;
  return b;
}

describe('MAX_METADATA_BYTES (1 GiB): .metadata is read whole', () => {
  it('at the limit it is read (and refused as arranged: opcode 0xFF); one byte more is LIMIT before any read', async () => {
    const head = Uint8Array.of(OPS.PROTO, 4, 0xff);
    expect(await wholeFileLimitOutcomes('.metadata', MAX_METADATA_BYTES, head, readDcp)).toEqual({ at: 'CORRUPT', past: 'LIMIT', pastBytesRead: 0 });
  });
});

describe('MAX_BYTES_ITEM_BYTES (64 MiB): a bytes item, stored or decompressed', () => {
  /** A DCP folder with one bytes item whose stored bytes are `stored` (plain or zstd). */
  const objectFolder = (stored: Uint8Array, zstd: boolean) =>
    buildDcp([{ kind: 'object', key: 'obj', dataPkl: pickle(null, { protocol: 2 }) }], { zstd, mutateStored: () => stored });

  it('stored: an item of exactly 64 MiB is read (raw bytes, repr cut); one byte more is LIMIT', async () => {
    const at = objectFolder(new Uint8Array(MAX_BYTES_ITEM_BYTES), false);
    const model = await readDcp(new MemoryFolder(at));
    expect(model.entries[0]).toMatchObject({ kind: 'object', pythonType: 'bytes' });
    expect((model.entries[0] as { repr: string }).repr.length).toBeLessThanOrEqual(MAX_OBJECT_REPR_CHARS);
    expect(await outcome(() => readDcp(new MemoryFolder(objectFolder(new Uint8Array(MAX_BYTES_ITEM_BYTES + 1), false))))).toBe('LIMIT');
  });

  it('zstd: RLE blocks decompressing to exactly 64 MiB are read; one byte more is LIMIT', async () => {
    const rle = (n: number): Uint8Array => {
      const blocks: Uint8Array[] = [le(0xfd2fb528, 4), Uint8Array.of(0x00, 17 << 3)]; // no FCS, 128 MiB window
      for (let left = n; left > 0; left -= 128 * 1024) {
        const size = Math.min(left, 128 * 1024);
        blocks.push(le((size << 3) | (1 << 1) | (left <= 128 * 1024 ? 1 : 0), 3), Uint8Array.of(0x41));
      }
      return concatBytes(...blocks);
    };
    const model = await readDcp(new MemoryFolder(objectFolder(rle(MAX_BYTES_ITEM_BYTES), true)));
    expect(model.entries[0]).toMatchObject({ kind: 'object', pythonType: 'bytes' });
    expect(await outcome(() => readDcp(new MemoryFolder(objectFolder(rle(MAX_BYTES_ITEM_BYTES + 1), true))))).toBe('LIMIT');
  });

  it('zstd: a real compressed frame (40 KB → 80 MiB, its headers state no size) stops at the cap with LIMIT', async () => {
    const bomb = new Uint8Array(readFileSync(path.join(FRAMES, 'bomb-80mib.zst')));
    expect(scanZstdFrames(bomb, MAX_BYTES_ITEM_BYTES).exact).toBe(false);
    expect(await outcome(() => readDcp(new MemoryFolder(objectFolder(bomb, true))))).toBe('LIMIT');
  });
});

describe('the zstd output cap, on a real compressed frame (decompressZstd is where every cap is applied)', () => {
  const frame = new Uint8Array(readFileSync(path.join(FRAMES, 'pattern-300000.zst')));
  const content = framePattern(300_000);
  it('property: a cap at or above the content size gives exactly the content; below it, LIMIT', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300_000 - 2000, max: 300_000 + 2000 }), (cap) => {
        let got: Uint8Array | ErrorCode;
        try {
          got = decompressZstd(frame, cap);
        } catch (e) {
          got = toAppError(e).code;
        }
        if (cap >= content.length) expect(got).toEqual(content);
        else expect(got).toBe('LIMIT');
      }),
      { numRuns: 20 }, // fzstd decodes this frame in ~50 ms (several times that under vitest)
    );
  });
});

describe('ZSTD_ITEM_SLACK_BYTES (64 KiB): a zstd tensor item may decompress to the chunk plus this much zip', () => {
  /** The w item zipped with a last padding record sized so the zip is `size` bytes. */
  const itemOfSize = (size: number): Uint8Array => {
    const base = torchSaveTensor('float32', [4, 3], pattern(W_BYTES), undefined, [{ name: 'archive/pad', data: new Uint8Array(0) }]);
    const item = torchSaveTensor('float32', [4, 3], pattern(W_BYTES), undefined, [{ name: 'archive/pad', data: new Uint8Array(size - base.length) }]);
    expect(item.length).toBe(size);
    return item;
  };
  const cap = W_BYTES + ZSTD_ITEM_SLACK_BYTES;
  it('property: an item of n bytes reads when n ≤ chunk + slack, LIMIT past it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: cap - 300, max: cap + 300 }), async (n) => {
        const files = buildDcp([W], { zstd: true, mutateItem: () => itemOfSize(n) });
        expect(await outcome(() => readAndHash(files))).toBe(n <= cap ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_TENSOR_PICKLE_BYTES (1 MiB): a tensor item\'s data.pkl is read whole', () => {
  /** The tensor's data.pkl, grown to `size` bytes by a string pushed and popped first. */
  const pklOfSize = (size: number): Uint8Array => {
    const real = tensorDataPkl('float32', [4, 3]);
    const pad = size - real.length - 6; // BINUNICODE + u32 + POP
    return concatBytes(real.subarray(0, 2), [OPS.BINUNICODE], le(pad, 4), new Uint8Array(pad).fill(0x61), [OPS.POP], real.subarray(2));
  };
  it('property: data.pkl of n bytes around 1 MiB reads when n ≤ the limit, LIMIT past it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_TENSOR_PICKLE_BYTES - 100, max: MAX_TENSOR_PICKLE_BYTES + 100 }), async (n) => {
        const pkl = pklOfSize(n);
        expect(pkl.length).toBe(n);
        const files = buildDcp([W], { mutateItem: () => torchSaveTensor('float32', [4, 3], pattern(W_BYTES), pkl) });
        expect(await outcome(() => readAndHash(files))).toBe(n <= MAX_TENSOR_PICKLE_BYTES ? 'value' : 'LIMIT');
      }),
      { numRuns: 20 },
    );
  });
});

describe('MAX_ZSTD_WINDOW_BYTES (128 MiB): the window fzstd allocates up front', () => {
  it('property: every window descriptor byte gives a scan when the window ≤ 128 MiB, LIMIT past it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (wd) => {
        const base = 2 ** (10 + (wd >> 3));
        const window = base + (base / 8) * (wd & 7);
        const frame = concatBytes(le(0xfd2fb528, 4), [0x00, wd], le(1, 3)); // one empty raw block, last
        let code: ErrorCode | 'value' = 'value';
        try {
          scanZstdFrames(frame, 1 << 20);
        } catch (e) {
          code = toAppError(e).code;
        }
        expect(code).toBe(window <= MAX_ZSTD_WINDOW_BYTES ? 'value' : 'LIMIT');
      }),
      { numRuns: 256 },
    );
  });
});

describe('MAX_IN_MEMORY_CHUNK_BYTES (1 GiB): a compressed item is read whole to decompress', () => {
  it('a 1 GiB compressed item is read (and refused as arranged: zeros are no zstd frame); one byte more is LIMIT before any read', async () => {
    const source = (length: number) => ({ kind: 'torch-item' as const, file: 'big.distcp', offset: 0, length, transforms: ['stream.zstd/1'] });
    const at = new VirtualSource('big.distcp', { size: MAX_IN_MEMORY_CHUNK_BYTES + 1 });
    expect(await outcome(() => openItemSource(at, source(MAX_IN_MEMORY_CHUNK_BYTES), 'w', 1 << 20))).toBe('CORRUPT');
    const past = new VirtualSource('big.distcp', { size: MAX_IN_MEMORY_CHUNK_BYTES + 1 });
    expect(await outcome(() => openItemSource(past, source(MAX_IN_MEMORY_CHUNK_BYTES + 1), 'w', 1 << 20))).toBe('LIMIT');
    expect(past.bytesRead).toBe(0);
  });
});

describe('MAX_TILING_CELLS (4 Mi) and MAX_TILING_PAIRS (16 Mi): the chunk-tiling check stays bounded', () => {
  /**
   * A [1, A, A+1] tensor cut into 2A chunks: row j of dim 1 split at column j+1. Every chunk
   * starts at 0 on dim 0 (so the pairwise test compares all pairs) and the grid has A·(A+1) cells.
   */
  const staircase = (a: number) => {
    const chunks: Array<{ offsets: number[]; sizes: number[] }> = [];
    for (let j = 0; j < a; j++) {
      chunks.push({ offsets: [0, j, 0], sizes: [1, 1, j + 1] }, { offsets: [0, j, j + 1], sizes: [1, 1, a - j] });
    }
    return { shape: [1, a, a + 1], chunks };
  };

  it('at 2047·2048 cells (under 4 Mi) the exact grid check runs; past 4 Mi the pairwise check runs; both accept the tiling', () => {
    const grid = staircase(2047);
    expect(2047 * 2048).toBeLessThanOrEqual(MAX_TILING_CELLS);
    expect(checkTiling('t', grid.shape, grid.chunks)).toMatchObject({ duplicates: 0, overlapCheckSkipped: false });
    const pairwise = staircase(2048);
    expect(2048 * 2049).toBeGreaterThan(MAX_TILING_CELLS);
    expect(checkTiling('t', pairwise.shape, pairwise.chunks)).toMatchObject({ duplicates: 0, overlapCheckSkipped: false });
  }, 60_000);

  it('pairwise: 5 792 chunks (16 770 736 pairs, at most 2^24) are all compared; 5 794 (16 782 321 pairs) stop at the limit and say so', () => {
    const at = staircase(2896);
    expect((5792 * 5791) / 2).toBeLessThanOrEqual(MAX_TILING_PAIRS);
    expect(checkTiling('t', at.shape, at.chunks).overlapCheckSkipped).toBe(false);
    const past = staircase(2897);
    expect((5794 * 5793) / 2).toBeGreaterThan(MAX_TILING_PAIRS);
    expect(checkTiling('t', past.shape, past.chunks).overlapCheckSkipped).toBe(true);
  }, 120_000);

  it('an overlap is still found on either side of the cell limit', () => {
    for (const a of [100, 2048]) {
      const s = staircase(a);
      const bad = [...s.chunks, { offsets: [0, 0, 0], sizes: [1, 2, 1] }]; // rows 0 and 1 of column 0: in two chunks already
      expect(() => checkTiling('t', s.shape, bad)).toThrow(/overlap/);
    }
  }, 60_000);
});

describe('MAX_OBJECT_REPR_CHARS (100 000): the repr kept for a bytes item', () => {
  it('property: a str whose repr is n characters is kept whole when n ≤ the limit, cut to the limit (ending in …) past it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_OBJECT_REPR_CHARS - 50, max: MAX_OBJECT_REPR_CHARS + 50 }), async (n) => {
        const files = buildDcp([{ kind: 'object', key: 's', dataPkl: pickle('x'.repeat(n - 2), { protocol: 2 }) }]);
        const model = await readDcp(new MemoryFolder(files));
        const repr = (model.entries[0] as { repr: string }).repr;
        if (n <= MAX_OBJECT_REPR_CHARS) expect(repr).toBe(`'${'x'.repeat(n - 2)}'`);
        else {
          expect(repr).toHaveLength(MAX_OBJECT_REPR_CHARS);
          expect(repr.endsWith('…')).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// A reminder for zstdRawFrame users: a frame of raw blocks with its size declared reads back exactly.
it('zstdRawFrame (test builder) round-trips through decompressZstd', () => {
  const content = pattern(300_001);
  expect(decompressZstd(zstdRawFrame(content), content.length)).toEqual(content);
});
