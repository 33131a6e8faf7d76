// Streams a full tensor's bytes in C order from its chunks (formats.md section 5), with a
// bounded buffer, so that hashing, converting and diffing never hold a whole tensor.
//
// The output is produced in slabs of dim-0 rows. Two paths:
// - Chunks that span every trailing dimension (FSDP dim-0 shards, replicated tensors, safetensors):
//   the rows of a slab are one contiguous byte range of the chunk, read straight into the block
//   buffer, with the next read already in flight while the caller works on the current block.
// - Chunks cut along other dimensions (tensor parallel, 2-D FSDP+TP tiles): for each slab the
//   rows of every intersecting chunk are one contiguous read; they are scattered into the slab
//   buffer in runs of the innermost contiguous extent.
// Memory: two blocks of `blockBytes` (or one dim-0 row, if a row is larger), whatever the tensor;
// one without read-ahead.

import type { CheckpointFolder } from '../../io/folder';
import type { ByteSource } from '../../io/byte-source';
import type { Chunk, TensorEntry } from '../../../shared/model/checkpoint';
import { DTYPES } from '../../../shared/model/dtype';
import { FormatError } from '../../../shared/errors';
import { openChunk } from './chunk-source';

export interface TensorReadOptions {
  /** Upper bound on one yielded block (at least one dim-0 row). Default 8 MiB. */
  readonly blockBytes?: number;
  readonly signal?: AbortSignal;
  /** Only dim-0 rows [start, end). Default: all of them. */
  readonly rows?: readonly [number, number];
  /**
   * Start reading the next block before yielding this one (default true): overlaps an async read
   * with the caller's work. Pass false over a blocking folder (io/blocking-folder.ts): there a
   * read-ahead only runs the next read early on the same thread, evicting the block the caller
   * is about to use from this core's cache, and costs a second buffer (convert's workers, 2.1 GiB:
   * 2.03 s of CPU with it, 1.75 s without, both in 256 KiB blocks).
   */
  readonly readAhead?: boolean;
  /**
   * Without read-ahead: a buffer the caller reuses across tensors, read into instead of a new
   * one per tensor (full-row blocks only, when it holds a block; otherwise ignored). Its old
   * contents never show: full-row reads overwrite every byte they yield.
   */
  readonly scratch?: Uint8Array;
}

export const DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * Block size for a worker thread that reads through a BlockingFolder (convert's writes and
 * --verify, inspect --hash). Measured on the 2-core bench machine, convert of the 2.1 GiB bf16
 * DCP without --sync, process CPU (user + sys), median of 5: 256 KiB with read-ahead 2.03 s,
 * 256 KiB without 1.75 s, 1 MiB 1.60–1.65 s, 2 MiB the same but +14 MiB peak RSS, 4 MiB 3.3 s
 * (the kernel's copies run far slower). --verify: 2.97 s and 207 MiB with the defaults (two
 * 8 MiB blocks per tensor), 2.60 s and 107 MiB this way.
 */
export const BLOCKING_BLOCK_BYTES = 1024 * 1024;

/**
 * How a worker thread reads tensors through a BlockingFolder: BLOCKING_BLOCK_BYTES blocks, no
 * read-ahead, and with `reuseBuffer` one buffer for all the tensors read with these options
 * (make one per job); without, each tensor gets a buffer of its own size.
 */
export function blockingReads(reuseBuffer = true): TensorReadOptions {
  return { blockBytes: BLOCKING_BLOCK_BYTES, readAhead: false, ...(reuseBuffer ? { scratch: new Uint8Array(BLOCKING_BLOCK_BYTES) } : {}) };
}

interface Box {
  readonly chunk: Chunk;
  readonly row0: number;
  readonly rows: number;
  /** Spans every trailing dim: its rows are contiguous in output order. */
  readonly fullRow: boolean;
}

function abortIfNeeded(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FormatError('CANCELLED', 'cancelled');
}

/**
 * Yields the tensor's bytes (C order, little-endian) in blocks. A block is valid only until the
 * next iteration: copy it to keep it.
 */
export async function* readTensorBlocks(
  folder: CheckpointFolder,
  entry: TensorEntry,
  opts: TensorReadOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const itemsize = DTYPES[entry.dtype].itemsize;
  const shape = entry.shape;
  if (entry.nbytes === 0) return;
  const blockBytes = Math.max(opts.blockBytes ?? DEFAULT_BLOCK_BYTES, itemsize);

  if (shape.length === 0) {
    const chunk = entry.chunks[0];
    if (chunk === undefined) throw new FormatError('INCONSISTENT', `scalar "${entry.key}" has no chunk`, { key: entry.key });
    const src = await openChunk(folder, entry, chunk);
    yield await src.read(0, itemsize);
    return;
  }

  const dim0 = shape[0] ?? 0;
  const rowBytes = entry.nbytes / dim0;
  const [start, end] = opts.rows ?? [0, dim0];
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= dim0)) {
    throw new FormatError('BAD_REQUEST', `rows ${start}..${end} are outside tensor "${entry.key}" with ${dim0} rows`, { key: entry.key });
  }
  if (start === end) return;

  const boxes = uniqueBoxes(entry);
  const sources = new Map<Chunk, Promise<ByteSource>>();
  const sourceOf = (c: Chunk): Promise<ByteSource> => {
    let s = sources.get(c);
    if (s === undefined) {
      s = openChunk(folder, entry, c);
      sources.set(c, s);
    }
    return s;
  };

  // Never more rows than asked for: a 4 KiB tensor gets 4 KiB buffers, not 8 MiB ones.
  const rowsPerSlab = Math.min(end - start, Math.max(1, Math.floor(blockBytes / rowBytes)));
  const bufBytes = rowsPerSlab * rowBytes;
  const allFullRow = boxes.every((b) => b.fullRow);
  // Full-row reads overwrite every byte they yield; scattered slabs start zeroed so that nothing
  // stale could ever leak into an output, even from chunks that overlap.
  // (A plain Uint8Array view, not a Buffer: Buffer's slice() does not copy, and callers copy with it.)
  const alloc = (n: number): Uint8Array => {
    if (!allFullRow) return new Uint8Array(n);
    const b = Buffer.allocUnsafeSlow(n);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  };
  const readAhead = opts.readAhead !== false;
  const scratch = !readAhead && allFullRow && opts.scratch !== undefined && opts.scratch.length >= bufBytes ? opts.scratch : null;
  const buffers = [scratch ?? alloc(bufBytes), alloc(allFullRow && readAhead ? bufBytes : 0)];
  let which = 0;

  if (allFullRow) {
    // Sequential pieces: each piece lies within one chunk and within one block.
    const pieces = fullRowPieces(entry, boxes, start, end, rowBytes, blockBytes);
    const fetch = async (i: number): Promise<Uint8Array> => {
      const p = pieces[i]!;
      const buf = buffers[which]!.subarray(0, p.length);
      if (readAhead) which ^= 1;
      const src = await sourceOf(p.box.chunk);
      await readInto(src, buf, p.offset);
      return buf;
    };
    if (!readAhead) {
      for (let i = 0; i < pieces.length; i++) {
        abortIfNeeded(opts.signal);
        yield await fetch(i);
      }
      return;
    }
    let next = pieces.length > 0 ? fetch(0) : null;
    for (let i = 0; i < pieces.length; i++) {
      abortIfNeeded(opts.signal);
      const cur = await next!;
      next = i + 1 < pieces.length ? fetch(i + 1) : null;
      next?.catch(() => undefined); // surfaced when awaited
      yield cur;
    }
    return;
  }

  for (let r = start; r < end; r += rowsPerSlab) {
    abortIfNeeded(opts.signal);
    const r1 = Math.min(end, r + rowsPerSlab);
    const slab = buffers[0]!.subarray(0, (r1 - r) * rowBytes);
    if (r !== start) slab.fill(0);
    let covered = 0;
    for (const box of boxes) {
      const a = Math.max(r, box.row0);
      const b = Math.min(r1, box.row0 + box.rows);
      if (a >= b) continue;
      const src = await sourceOf(box.chunk);
      covered += await scatterRows(entry, box.chunk, src, a - box.row0, b - box.row0, slab, r, itemsize);
    }
    if (covered !== slab.length) {
      throw new FormatError(
        'INCONSISTENT',
        `tensor "${entry.key}": its chunks cover ${covered} of the ${slab.length} bytes of rows ${r}..${r1} (missing or overlapping chunks)`,
        { key: entry.key },
      );
    }
    yield slab;
  }
}

function uniqueBoxes(entry: TensorEntry): Box[] {
  const seen = new Set<string>();
  const out: Box[] = [];
  for (const chunk of entry.chunks) {
    const id = `${chunk.offsets.join(',')}/${chunk.sizes.join(',')}`;
    if (seen.has(id)) continue; // a replica: read one copy
    seen.add(id);
    const rows = chunk.sizes[0] ?? 0;
    if (rows === 0 || chunk.sizes.some((s) => s === 0)) continue; // empty chunk
    const fullRow = chunk.sizes.every((s, d) => d === 0 || (s === entry.shape[d] && chunk.offsets[d] === 0));
    out.push({ chunk, row0: chunk.offsets[0] ?? 0, rows, fullRow });
  }
  return out.sort((x, y) => x.row0 - y.row0);
}

interface Piece {
  readonly box: Box;
  /** Byte offset inside the chunk. */
  readonly offset: number;
  readonly length: number;
}

function fullRowPieces(entry: TensorEntry, boxes: readonly Box[], start: number, end: number, rowBytes: number, blockBytes: number): Piece[] {
  const pieces: Piece[] = [];
  let r = start;
  for (const box of boxes) {
    if (box.row0 + box.rows <= r) continue;
    if (box.row0 > r || r >= end) break;
    const last = Math.min(end, box.row0 + box.rows);
    let off = (r - box.row0) * rowBytes;
    const stop = (last - box.row0) * rowBytes;
    const step = Math.max(rowBytes, Math.floor(blockBytes / rowBytes) * rowBytes);
    while (off < stop) {
      const len = Math.min(step, stop - off);
      pieces.push({ box, offset: off, length: len });
      off += len;
    }
    r = last;
  }
  if (r < end) {
    throw new FormatError('INCONSISTENT', `tensor "${entry.key}": no chunk holds rows ${r}..${end}`, { key: entry.key });
  }
  return pieces;
}

async function readInto(src: ByteSource, target: Uint8Array, offset: number): Promise<void> {
  if (src.readInto) await src.readInto(target, offset);
  else target.set(await src.read(offset, target.length));
}

/**
 * Copies local rows [a, b) of `chunk` into `slab`, which holds global rows starting at `slabRow0`.
 * Returns the number of bytes written.
 */
async function scatterRows(
  entry: TensorEntry,
  chunk: Chunk,
  src: ByteSource,
  a: number,
  b: number,
  slab: Uint8Array,
  slabRow0: number,
  itemsize: number,
): Promise<number> {
  const shape = entry.shape;
  const sizes = chunk.sizes;
  const nd = shape.length;
  // Element strides of the full tensor and of the chunk.
  const outStride = new Array<number>(nd);
  const inStride = new Array<number>(nd);
  let o = 1;
  let c = 1;
  for (let d = nd - 1; d >= 0; d--) {
    outStride[d] = o;
    inStride[d] = c;
    o *= shape[d]!;
    c *= sizes[d]!;
  }
  // Innermost contiguous run: grows while the chunk spans whole trailing dims.
  let k = nd - 1;
  let run = sizes[k]!;
  while (k > 1 && sizes[k] === shape[k] && chunk.offsets[k] === 0) {
    k--;
    run *= sizes[k]!;
  }
  const runBytes = run * itemsize;
  const rowElems = inStride[0]!;
  const local = await src.read(a * rowElems * itemsize, (b - a) * rowElems * itemsize);
  // Iterate over index tuples of dims 0..k-1 within the chunk (dim 0 limited to [a, b)).
  const idx = new Array<number>(k).fill(0);
  idx[0] = a;
  let written = 0;
  for (;;) {
    let inOff = 0;
    let outOff = 0;
    for (let d = 0; d < k; d++) {
      const i = idx[d]!;
      inOff += (d === 0 ? i - a : i) * inStride[d]!;
      outOff += (d === 0 ? i + chunk.offsets[0]! - slabRow0 : i + chunk.offsets[d]!) * outStride[d]!;
    }
    for (let d = k; d < nd; d++) outOff += chunk.offsets[d]! * outStride[d]!;
    slab.set(local.subarray(inOff * itemsize, inOff * itemsize + runBytes), outOff * itemsize);
    written += runBytes;
    // advance
    let d = k - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      const limit = d === 0 ? b : sizes[d]!;
      if (idx[d]! < limit) break;
      idx[d] = d === 0 ? a : 0;
    }
    if (d < 0) break;
  }
  return written;
}
