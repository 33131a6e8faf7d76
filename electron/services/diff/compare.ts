// Compares the values of two tensors (or the same dim-0 row range of both), streaming.
//
// The two sides arrive as block streams whose block boundaries differ (each follows its own
// chunk layout), so they are re-cut into segments holding the same elements on both sides.
// Fast path: when both sides have the same dtype, a segment whose bytes are equal needs no
// decoding at all; a checkpoint compared with its own conversion is then a memcmp of every byte.
// Figures (sums of squares, NaN counts) of equal regions are only needed if the tensor turns
// out to differ somewhere, so they are computed lazily: a range whose bytes are all equal
// returns `figures: null`, and an equal prefix before the first difference is re-read (from A
// only) once the difference is found. Everything else is decoded in slices of SLICE_ELEMENTS,
// so memory stays bounded whatever the block size.

import { DTYPES, type DType } from '../../../shared/model/dtype';
import { FormatError } from '../../../shared/errors';
import { decodeToFloat32, decodeToFloat64 } from '../tensor-data/decode';
import { accumulate, accumulateEqual, countDifferentElements, emptyFigures, type PartialFigures, type Tolerance } from './figures';

/** Elements decoded at a time: 64 Ki × 8 bytes × 2 sides = 1 MiB of scratch. */
export const SLICE_ELEMENTS = 1 << 16;

export interface CompareRule {
  /** null: bitwise. */
  readonly tolerance: Tolerance | null;
  /** Cast both sides to float32 before comparing (--dtype-insensitive). */
  readonly castToFloat32: boolean;
}

export interface BlockStream {
  readonly dtype: DType;
  readonly blocks: AsyncIterable<Uint8Array>;
}

/** null figures: every byte equal (the range is equal under any rule). */
export interface RangeResult {
  readonly figures: PartialFigures | null;
  readonly bytesRead: number;
}

/**
 * Compares A and B element by element. `rereadA` restarts A's stream; it is called only when an
 * equal prefix must be revisited for its figures.
 */
export async function compareStreams(
  a: BlockStream,
  b: BlockStream,
  rule: CompareRule,
  rereadA: () => AsyncIterable<Uint8Array>,
  onBytes: (n: number) => void = () => {},
): Promise<RangeResult> {
  const decoder = new SliceDecoder(rule.castToFloat32);
  const sameDtype = a.dtype === b.dtype;
  const rawInt64 = sameDtype && !rule.castToFloat32 && rule.tolerance === null && (a.dtype === 'int64' || a.dtype === 'uint64');
  const sizeA = valueItemsize(a.dtype);
  const sizeB = valueItemsize(b.dtype);
  let figures: PartialFigures | null = null;
  let equalPrefix = 0;
  let bytesRead = 0;

  for await (const [sa, sb, n] of pairSegments(a.blocks, sizeA, b.blocks, sizeB)) {
    bytesRead += sa.length + sb.length;
    onBytes(sa.length + sb.length);
    const bytesEqual = sameDtype && equalBytes(sa, sb);
    if (figures === null) {
      if (bytesEqual) {
        equalPrefix += n;
        continue;
      }
      figures = emptyFigures();
    }
    if (bytesEqual) {
      decoder.equal(figures, a.dtype, sa, n);
    } else {
      const before = figures.nDifferent;
      decoder.pairs(figures, a.dtype, sa, b.dtype, sb, n, rule.tolerance);
      if (rawInt64) figures.nDifferent = before + countDifferentElements(sa, sb, 8);
    }
  }

  if (figures !== null && equalPrefix > 0) {
    // The first difference came after an equal stretch: collect that stretch's figures now.
    let left = equalPrefix;
    for await (const block of rereadA()) {
      const take = Math.min(left, block.length / sizeA);
      decoder.equal(figures, a.dtype, block.subarray(0, take * sizeA), take);
      bytesRead += take * sizeA;
      left -= take;
      if (left === 0) break;
    }
    if (left !== 0) throw new FormatError('INTERNAL', `re-reading ${equalPrefix} elements ended ${left} elements early`);
  }
  return { figures, bytesRead };
}

/** Figures of a region known to be equal on both sides, from A's bytes alone. */
export async function equalRegionFigures(a: BlockStream, rule: CompareRule, onBytes: (n: number) => void = () => {}): Promise<RangeResult> {
  const decoder = new SliceDecoder(rule.castToFloat32);
  const figures = emptyFigures();
  const size = valueItemsize(a.dtype);
  let bytesRead = 0;
  for await (const block of a.blocks) {
    bytesRead += block.length;
    onBytes(block.length);
    decoder.equal(figures, a.dtype, block, block.length / size);
  }
  return { figures, bytesRead };
}

/**
 * complex64 has no real value: it is compared as its float32 (real, imaginary) components, so
 * its counts are per component.
 */
function valueDtype(d: DType): DType {
  return d === 'complex64' ? 'float32' : d;
}

function valueItemsize(d: DType): number {
  return DTYPES[valueDtype(d)].itemsize;
}

function equalBytes(x: Uint8Array, y: Uint8Array): boolean {
  return Buffer.from(x.buffer, x.byteOffset, x.length).equals(Buffer.from(y.buffer, y.byteOffset, y.length));
}

/**
 * Decodes slices of both sides into scratch buffers (allocated on first use: ranges that are
 * byte-equal never need them) and feeds the figure kernels.
 */
class SliceDecoder {
  private scratch: [Float64Array | Float32Array, Float64Array | Float32Array] | null = null;

  constructor(private readonly toF32: boolean) {}

  private get xa(): Float64Array | Float32Array {
    return this.buffers()[0];
  }

  private get xb(): Float64Array | Float32Array {
    return this.buffers()[1];
  }

  private buffers(): [Float64Array | Float32Array, Float64Array | Float32Array] {
    this.scratch ??= this.toF32 ? [new Float32Array(SLICE_ELEMENTS), new Float32Array(SLICE_ELEMENTS)] : [new Float64Array(SLICE_ELEMENTS), new Float64Array(SLICE_ELEMENTS)];
    return this.scratch;
  }

  private decode(dtype: DType, bytes: Uint8Array, out: Float64Array | Float32Array): Float64Array | Float32Array {
    const d = valueDtype(dtype);
    return out instanceof Float32Array ? decodeToFloat32(d, bytes, out) : decodeToFloat64(d, bytes, out);
  }

  pairs(f: PartialFigures, da: DType, a: Uint8Array, db: DType, b: Uint8Array, n: number, tol: Tolerance | null): void {
    const ia = valueItemsize(da);
    const ib = valueItemsize(db);
    for (let i = 0; i < n; i += SLICE_ELEMENTS) {
      const m = Math.min(SLICE_ELEMENTS, n - i);
      const va = this.decode(da, a.subarray(i * ia, (i + m) * ia), this.xa);
      const vb = this.decode(db, b.subarray(i * ib, (i + m) * ib), this.xb);
      accumulate(f, va, vb, m, tol);
    }
  }

  equal(f: PartialFigures, da: DType, a: Uint8Array, n: number): void {
    const ia = valueItemsize(da);
    for (let i = 0; i < n; i += SLICE_ELEMENTS) {
      const m = Math.min(SLICE_ELEMENTS, n - i);
      accumulateEqual(f, this.decode(da, a.subarray(i * ia, (i + m) * ia), this.xa), m);
    }
  }
}

/**
 * Re-cuts two block streams into pairs of segments holding the same elements. A segment is a
 * view into the current block of its side; a side's stream is advanced only once its block is
 * used up, so both views stay valid until the consumer asks for the next pair.
 */
export async function* pairSegments(
  blocksA: AsyncIterable<Uint8Array>,
  sizeA: number,
  blocksB: AsyncIterable<Uint8Array>,
  sizeB: number,
): AsyncGenerator<[Uint8Array, Uint8Array, number]> {
  const ia = blocksA[Symbol.asyncIterator]();
  const ib = blocksB[Symbol.asyncIterator]();
  let ca: Uint8Array = new Uint8Array(0), oa = 0;
  let cb: Uint8Array = new Uint8Array(0), ob = 0;
  try {
    for (;;) {
      if (oa === ca.length) {
        const r = await ia.next();
        if (r.done) break;
        ca = wholeElements(r.value, sizeA, 'A');
        oa = 0;
        continue;
      }
      if (ob === cb.length) {
        const r = await ib.next();
        if (r.done) throw new FormatError('INCONSISTENT', 'B ended before A: the two tensors hold different numbers of elements');
        cb = wholeElements(r.value, sizeB, 'B');
        ob = 0;
        continue;
      }
      const n = Math.min((ca.length - oa) / sizeA, (cb.length - ob) / sizeB);
      yield [ca.subarray(oa, oa + n * sizeA), cb.subarray(ob, ob + n * sizeB), n];
      oa += n * sizeA;
      ob += n * sizeB;
    }
    // A is done: B must be done too (skipping empty blocks).
    while (ob === cb.length) {
      const r = await ib.next();
      if (r.done) return;
      cb = r.value;
      ob = 0;
    }
    throw new FormatError('INCONSISTENT', 'A ended before B: the two tensors hold different numbers of elements');
  } finally {
    await Promise.all([ia.return?.(), ib.return?.()]);
  }
}

function wholeElements(block: Uint8Array, size: number, side: string): Uint8Array {
  if (block.length % size !== 0) {
    throw new FormatError('INTERNAL', `side ${side} yielded a block of ${block.length} bytes, not a whole number of ${size}-byte elements`);
  }
  return block;
}
