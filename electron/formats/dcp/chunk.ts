// One DCP tensor chunk's bytes (formats.md 3.3): slice the item from its .distcp file, undo the
// transform, open the torch.save zip, rebuild the tensor from data.pkl and serve exactly
// numel × itemsize bytes in C order, little-endian.
// Fast path (every fixture item): uncompressed, contiguous, little-endian → a SliceSource over the
// file, nothing copied. zstd items are decompressed under a cap into memory. Non-contiguous strides
// and big-endian storages are gathered into memory with bounds checks (unverified in fixtures).

import { FormatError, type ErrorWhere } from '../../../shared/errors';
import type { ChunkSource, Diagnostic } from '../../../shared/model/checkpoint';
import { type DType, itemsize } from '../../../shared/model/dtype';
import { byteSize, contiguousStrides, formatShape } from '../../../shared/model/shape';
import type { ByteSource } from '../../io/byte-source';
import type { CheckpointFolder } from '../../io/folder';
import { MemorySource, SliceSource } from '../../io/memory-source';
import { assertBareFileName } from '../paths';
import { TorchZip } from '../torchzip/records';
import { parseTensorPickle, readSmallRecord, type TensorRebuild } from './item';
import { MAX_IN_MEMORY_CHUNK_BYTES, ZSTD_ITEM_SLACK_BYTES } from './limits';
import { decompressZstd, parseTransforms } from './transforms';

export type TorchItemSource = Extract<ChunkSource, { kind: 'torch-item' }>;

export interface ChunkExpectation {
  readonly key: string;
  readonly dtype: DType;
  readonly sizes: readonly number[];
}

export interface ChunkOpenOptions {
  /** Receives problems that don't stop the read (CRC mismatches). */
  readonly onDiagnostic?: (d: Diagnostic) => void;
}

/**
 * Adds the item's place to an error from inside it: zip and pickle offsets are relative to the
 * item, so the message says which item of which file.
 */
export async function inItem<T>(where: { file: string; key: string; offset: number }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FormatError && e.file === undefined) {
      const inner = e.offset === undefined ? '' : ` (item byte ${e.offset})`;
      throw new FormatError(e.code, `${where.file}: item for "${where.key}" at byte ${where.offset}: ${e.message}${inner}`, {
        file: where.file,
        key: where.key,
        offset: where.offset,
      });
    }
    throw e;
  }
}

/** Opens the item's bytes as a zip source, transforms undone. `maxPlain` caps decompressed output. */
export async function openItemSource(file: ByteSource, source: TorchItemSource, key: string, maxPlain: number): Promise<ByteSource> {
  const where: ErrorWhere = { file: source.file, key, offset: source.offset };
  const transform = parseTransforms(source.transforms, where);
  if (source.offset + source.length > file.size) {
    throw new FormatError(
      'TRUNCATED',
      `${source.file}: item for "${key}" at byte ${source.offset} ends at byte ${source.offset + source.length} but the file has ${file.size} bytes`,
      where,
    );
  }
  if (transform === null) return new SliceSource(file, source.offset, source.length, source.file);
  if (source.length > MAX_IN_MEMORY_CHUNK_BYTES) {
    throw new FormatError('LIMIT', `${source.file}: compressed item for "${key}" is ${source.length} bytes, more than the ${MAX_IN_MEMORY_CHUNK_BYTES}-byte limit`, where);
  }
  const compressed = await file.read(source.offset, source.length);
  return new MemorySource(source.file, decompressZstd(compressed, maxPlain, where));
}

function checkExpected(t: TensorRebuild, expect: ChunkExpectation): void {
  if (t.dtypeName !== expect.dtype) {
    throw new FormatError('INCONSISTENT', `item holds a ${t.dtypeName} tensor but .metadata says ${expect.dtype}`);
  }
  if (t.size.length !== expect.sizes.length || t.size.some((s, i) => s !== expect.sizes[i])) {
    throw new FormatError('INCONSISTENT', `item holds a tensor of shape ${formatShape(t.size)} but .metadata says the chunk is ${formatShape(expect.sizes)}`);
  }
}

function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  const want = contiguousStrides(size);
  return size.every((s, i) => s <= 1 || stride[i] === want[i]);
}

function byteSwap(buf: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < buf.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = buf[a] as number;
      buf[a] = buf[b] as number;
      buf[b] = t;
    }
  }
}

/** Copies a strided view from `storage` (elements from `first`) into C order. */
function gather(storage: Uint8Array, first: number, t: TensorRebuild, width: number, out: Uint8Array): void {
  const n = t.size.length;
  if (n === 0) {
    out.set(storage.subarray((t.storageOffset - first) * width, (t.storageOffset - first + 1) * width));
    return;
  }
  const idx = new Array<number>(n).fill(0);
  const inner = t.size[n - 1] as number;
  const innerStride = t.stride[n - 1] as number;
  let o = 0;
  for (;;) {
    let e = t.storageOffset - first;
    for (let d = 0; d < n - 1; d++) e += (idx[d] as number) * (t.stride[d] as number);
    for (let k = 0; k < inner; k++) {
      const src = (e + k * innerStride) * width;
      out.set(storage.subarray(src, src + width), o);
      o += width;
    }
    let d = n - 2;
    while (d >= 0) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (t.size[d] as number)) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

/**
 * A ByteSource over exactly the chunk's C-contiguous little-endian bytes (numel × itemsize).
 * Checks the item's dtype and shape against `.metadata` (INCONSISTENT otherwise).
 */
export async function openTorchItemChunk(
  folder: CheckpointFolder,
  source: TorchItemSource,
  expect: ChunkExpectation,
  options: ChunkOpenOptions = {},
): Promise<ByteSource> {
  assertBareFileName(source.file, { file: source.file, key: expect.key });
  const width = itemsize(expect.dtype);
  const chunkBytes = byteSize(expect.sizes, width);
  if (chunkBytes === null) {
    throw new FormatError('LIMIT', `chunk of "${expect.key}" with sizes ${formatShape(expect.sizes)} is larger than 2^53 bytes`, { key: expect.key });
  }
  const file = await folder.open(source.file);
  return inItem({ file: source.file, key: expect.key, offset: source.offset }, async () => {
    const item = await openItemSource(file, source, expect.key, chunkBytes + ZSTD_ITEM_SLACK_BYTES);
    const zip = await TorchZip.open(item);
    const pkl = await readSmallRecord(zip, 'data.pkl');
    if (!pkl.crcOk) {
      options.onDiagnostic?.({ severity: 'warning', message: `data.pkl CRC-32 mismatch in the item for "${expect.key}"`, file: source.file, key: expect.key, offset: source.offset });
    }
    const t = parseTensorPickle(pkl.bytes);
    checkExpected(t, expect);
    let order = 'little';
    if (zip.has('byteorder')) {
      order = new TextDecoder().decode((await readSmallRecord(zip, 'byteorder')).bytes).trim();
      if (order !== 'little' && order !== 'big') throw new FormatError('CORRUPT', `byteorder record says "${order.slice(0, 20)}"`);
    }
    const rec = await zip.range(`data/${t.storage.key}`);
    if (rec.size % width !== 0) throw new FormatError('CORRUPT', `storage data/${t.storage.key} is ${rec.size} bytes, not a multiple of ${width}`);
    if (chunkBytes === 0) return new MemorySource(source.file, new Uint8Array(0));
    const storageElems = rec.size / width;
    let last = t.storageOffset;
    for (let d = 0; d < t.size.length; d++) last += ((t.size[d] as number) - 1) * (t.stride[d] as number);
    if (last >= storageElems) {
      throw new FormatError('CORRUPT', `tensor reaches storage element ${last} but data/${t.storage.key} holds ${storageElems}`);
    }
    if (order === 'little' && isContiguous(t.size, t.stride)) {
      return new SliceSource(item, rec.offset + t.storageOffset * width, chunkBytes, source.file);
    }
    if (chunkBytes > MAX_IN_MEMORY_CHUNK_BYTES) {
      throw new FormatError('LIMIT', `chunk needs gathering in memory (non-contiguous or big-endian) and is ${chunkBytes} bytes, more than the ${MAX_IN_MEMORY_CHUNK_BYTES}-byte limit`);
    }
    const spanElems = last - t.storageOffset + 1;
    if (spanElems * width > MAX_IN_MEMORY_CHUNK_BYTES) {
      throw new FormatError('LIMIT', `strided chunk spans ${spanElems * width} storage bytes, more than the ${MAX_IN_MEMORY_CHUNK_BYTES}-byte limit`);
    }
    const span = await item.read(rec.offset + t.storageOffset * width, spanElems * width);
    const out = new Uint8Array(chunkBytes);
    gather(span, t.storageOffset, t, width, out);
    if (order === 'big') byteSwap(out, width);
    return new MemorySource(source.file, out);
  });
}
