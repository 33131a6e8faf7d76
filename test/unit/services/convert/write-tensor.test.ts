// writeTensor streams a tensor from its chunks into an output byte range: straight, cast,
// RoPE-permuted (in one pass per head, or two when a head is bigger than the window), and the
// hash it returns is the sha256 of exactly the bytes that land in the file.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import { writeTensor, PERMUTE_WINDOW_BYTES, type ByteSink } from '../../../../electron/services/convert/write-tensor';
import { BLOCKING_BLOCK_BYTES, blockingReads } from '../../../../electron/services/tensor-data/assemble';
import { castElements } from '../../../../electron/services/convert/cast';
import type { Chunk, TensorEntry } from '../../../../shared/model/checkpoint';
import { DTYPES, type DType } from '../../../../shared/model/dtype';
import type { WriteTensorTask } from '../../../../electron/workers/convert-api';

/** A tensor stored as `tiles` (row splits × column splits) raw chunks in one file. */
function stored(dtype: DType, shape: [number, number], bytes: Uint8Array, rowSplits = 1, colSplits = 1): { folder: MemoryFolder; entry: TensorEntry } {
  const item = DTYPES[dtype].itemsize;
  const [rows, cols] = shape;
  const chunks: Chunk[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  const rStep = Math.ceil(rows / rowSplits);
  const cStep = Math.ceil(cols / colSplits);
  for (let r0 = 0; r0 < rows; r0 += rStep) {
    for (let c0 = 0; c0 < cols; c0 += cStep) {
      const nr = Math.min(rStep, rows - r0);
      const nc = Math.min(cStep, cols - c0);
      const part = new Uint8Array(nr * nc * item);
      for (let r = 0; r < nr; r++) part.set(bytes.subarray(((r0 + r) * cols + c0) * item, ((r0 + r) * cols + c0 + nc) * item), r * nc * item);
      chunks.push({ offsets: [r0, c0], sizes: [nr, nc], source: { kind: 'raw', file: 'data.bin', offset, length: part.length }, rank: null });
      parts.push(part);
      offset += part.length;
    }
  }
  const file = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    file.set(p, at);
    at += p.length;
  }
  const entry: TensorEntry = { kind: 'tensor', key: 'w', path: ['w'], dtype, shape, nbytes: bytes.length, chunks };
  return { folder: new MemoryFolder(new Map([['data.bin', file]])), entry };
}

function memorySink(size: number): { sink: ByteSink; file: Uint8Array; writes: number[] } {
  const file = new Uint8Array(size);
  const writes: number[] = [];
  return { file, writes, sink: { write: async (b, pos) => { file.set(b, pos); writes.push(b.length); } } };
}

function f32Bytes(n: number, seed = 1): Uint8Array {
  const a = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    a[i] = (x / 2 ** 31 - 0.5) * 8;
  }
  return new Uint8Array(a.buffer);
}

/** torchtitan _permute on a row-major [rows, cols] byte array: out row (h, j, i) = in row (h, i, j). */
function referencePermute(bytes: Uint8Array, rows: number, rowBytes: number, heads: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const half = rows / heads / 2;
  let o = 0;
  for (let h = 0; h < heads; h++)
    for (let j = 0; j < 2; j++)
      for (let i = 0; i < half; i++) {
        const src = h * 2 * half + 2 * i + j;
        out.set(bytes.subarray(src * rowBytes, (src + 1) * rowBytes), o * rowBytes);
        o++;
      }
  return out;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const OFFSET = 24; // the tensor's bytes start after some header bytes

function task(entry: TensorEntry, dtype: DType, permuteHeads: number | null): WriteTensorTask {
  const nbytes = (entry.nbytes / DTYPES[entry.dtype].itemsize) * DTYPES[dtype].itemsize;
  return { source: entry, dtype, permuteHeads, fileOffset: OFFSET, nbytes };
}

describe('writeTensor', () => {
  it('copies a tensor assembled from 2-D tiles into its byte range, hashing what it wrote', async () => {
    const bytes = f32Bytes(12 * 10);
    const { folder, entry } = stored('float32', [12, 10], bytes, 2, 2);
    const { sink, file } = memorySink(OFFSET + bytes.length + 8);
    const hash = await writeTensor(folder, task(entry, 'float32', null), sink, { hash: true });
    expect(Buffer.from(file.subarray(OFFSET, OFFSET + bytes.length)).equals(Buffer.from(bytes))).toBe(true);
    expect(file.subarray(0, OFFSET).every((b) => b === 0)).toBe(true);
    expect(hash).toBe(sha(bytes));
  });

  it('casts per block', async () => {
    const bytes = f32Bytes(64 * 7);
    const { folder, entry } = stored('float32', [64, 7], bytes, 3);
    const { sink, file } = memorySink(OFFSET + bytes.length / 2);
    const hash = await writeTensor(folder, task(entry, 'bfloat16', null), sink, { hash: true });
    const want = castElements(bytes, 'float32', 'bfloat16', new Uint8Array(bytes.length / 2));
    expect(Buffer.from(file.subarray(OFFSET)).equals(Buffer.from(want))).toBe(true);
    expect(hash).toBe(sha(want));
  });

  it('permutes q/k rows per head as torchtitan _permute does, from tiled chunks, with a cast', async () => {
    const rows = 32;
    const cols = 6;
    const bytes = f32Bytes(rows * cols, 7);
    const { folder, entry } = stored('float32', [rows, cols], bytes, 2, 3);
    const { sink, file } = memorySink(OFFSET + rows * cols * 2);
    const hash = await writeTensor(folder, task(entry, 'float16', 4), sink, { hash: true });
    const cast = castElements(bytes, 'float32', 'float16', new Uint8Array(rows * cols * 2));
    const want = referencePermute(cast, rows, cols * 2, 4);
    expect(Buffer.from(file.subarray(OFFSET)).equals(Buffer.from(want))).toBe(true);
    expect(hash).toBe(sha(want));
  });

  it('permutes a head bigger than the window in two passes, still hashing in file order', async () => {
    const cols = PERMUTE_WINDOW_BYTES / 4 / 2 + 16; // a row pair is just over the window
    const rows = 8;
    const bytes = f32Bytes(rows * cols, 3);
    const { folder, entry } = stored('float32', [rows, cols], bytes, 2);
    const { sink, file, writes } = memorySink(OFFSET + bytes.length);
    const hash = await writeTensor(folder, task(entry, 'float32', 2), sink, { hash: true });
    const want = referencePermute(bytes, rows, cols * 4, 2);
    expect(Buffer.from(file.subarray(OFFSET)).equals(Buffer.from(want))).toBe(true);
    expect(hash).toBe(sha(want));
    expect(Math.max(...writes)).toBe(cols * 4); // one row at a time: the window held one pair
  });

  it('reuses one scratch buffer across tensors, straight and permuted, without stale bytes showing', async () => {
    const scratch = new Uint8Array(BLOCKING_BLOCK_BYTES).fill(0xee);
    const read = { ...blockingReads(), scratch };
    for (const [shape, heads] of [[[64, 7], null], [[3, 5], null], [[32, 6], 4]] as const) {
      const bytes = f32Bytes(shape[0] * shape[1], shape[0]);
      const { folder, entry } = stored('float32', [...shape], bytes, 3);
      const { sink, file } = memorySink(OFFSET + bytes.length);
      const hash = await writeTensor(folder, task(entry, 'float32', heads), sink, { hash: true, read });
      const want = heads === null ? bytes : referencePermute(bytes, shape[0], shape[1] * 4, heads);
      expect(Buffer.from(file.subarray(OFFSET)).equals(Buffer.from(want))).toBe(true);
      expect(hash).toBe(sha(want));
    }
  });

  it('writes nothing for an empty tensor and hashes it as empty', async () => {
    const entry: TensorEntry = { kind: 'tensor', key: 'e', path: ['e'], dtype: 'float32', shape: [0, 4], nbytes: 0, chunks: [] };
    const { sink, writes } = memorySink(OFFSET);
    expect(await writeTensor(new MemoryFolder(new Map()), task(entry, 'float32', null), sink, { hash: true })).toBe(sha(new Uint8Array(0)));
    expect(writes).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const bytes = f32Bytes(16 * 4);
    const { folder, entry } = stored('float32', [16, 4], bytes);
    const ac = new AbortController();
    ac.abort();
    await expect(writeTensor(folder, task(entry, 'float32', null), memorySink(OFFSET + bytes.length).sink, { hash: false, signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
