// Decode a block of little-endian tensor bytes of any real DType into float64 or float32 values.
// Used by diff (value figures), stats (min/max/mean/histogram) and the desktop stats view.
//
// Formats (bit layouts from IEEE 754 and the OCP 8-bit float spec that torch follows):
//   float64/32/16: IEEE binary64/32/16, subnormals included.
//   bfloat16: the top 16 bits of a float32.
//   float8_e4m3fn: 1 sign, 4 exponent (bias 7), 3 mantissa; no infinities; only S.1111.111
//     (0x7f, 0xff) is NaN, so the largest finite value is 0x7e = 448.
//   float8_e5m2: 1 sign, 5 exponent (bias 15), 2 mantissa; IEEE-like: exponent 31 is inf/NaN.
//   int8..int64, uint8..uint64: exact up to 2^53 in magnitude. int64/uint64 values beyond that
//     lose precision (rounded to the nearest float64: hi·2^32 + lo is one correctly rounded add).
//   bool: 0 or 1 (any non-zero byte decodes as 1).
// complex64 has no real value per element and is refused (UNSUPPORTED); callers compare it by bytes.
//
// Fast paths use typed-array views over the input when it is aligned for the element size and the
// host is little-endian (every platform Node ships on); otherwise the bytes are copied once into
// an aligned scratch buffer first. 16- and 8-bit floats go through lookup tables built on first use.

import type { DType } from '../../../shared/model/dtype';
import { DTYPES } from '../../../shared/model/dtype';
import { FormatError } from '../../../shared/errors';

export type DecodableDType = Exclude<DType, 'complex64'>;

/** True when decodeToFloat64/decodeToFloat32 accept this dtype. */
export function isDecodable(dtype: DType): dtype is DecodableDType {
  return dtype !== 'complex64';
}

/** Number of whole elements in `bytes`; throws when the length is not a multiple of the size. */
export function elementCount(dtype: DType, bytes: Uint8Array): number {
  const size = DTYPES[dtype].itemsize;
  if (bytes.length % size !== 0) {
    throw new FormatError('INTERNAL', `${bytes.length} bytes is not a whole number of ${dtype} elements (${size} bytes each)`);
  }
  return bytes.length / size;
}

/**
 * Decode `bytes` (little-endian, C order) into float64 values. Writes into `out` when given (it
 * must hold at least elementCount values) and returns the filled prefix; otherwise allocates.
 */
export function decodeToFloat64(dtype: DType, bytes: Uint8Array, out?: Float64Array): Float64Array {
  const n = elementCount(dtype, bytes);
  const dst = target(out, n, Float64Array, dtype);
  decodeInto(dtype, bytes, n, dst);
  return dst;
}

/**
 * Decode into float32 values, rounded to nearest even where the source has more precision
 * (float64, int32, uint32; int64/uint64 go through float64 first, so values beyond 2^53 are
 * rounded twice). Same `out` contract as decodeToFloat64.
 */
export function decodeToFloat32(dtype: DType, bytes: Uint8Array, out?: Float32Array): Float32Array {
  const n = elementCount(dtype, bytes);
  const dst = target(out, n, Float32Array, dtype);
  if (dtype === 'bfloat16' && HOST_LITTLE_ENDIAN) {
    // bf16 → f32 is exact: the bf16 bits are the float32's top half.
    const src = aligned(bytes, 2);
    const u16 = new Uint16Array(src.buffer, src.byteOffset, n);
    const u32 = new Uint32Array(dst.buffer, dst.byteOffset, n);
    for (let i = 0; i < n; i++) u32[i] = (u16[i] as number) << 16;
    return dst;
  }
  decodeInto(dtype, bytes, n, dst);
  return dst;
}

type FloatArray = Float64Array | Float32Array;

function target<T extends FloatArray>(out: T | undefined, n: number, Ctor: { new (n: number): T }, dtype: DType): T {
  if (!isDecodable(dtype)) throw new FormatError('UNSUPPORTED', `${dtype} values cannot be decoded to real numbers; compare them by bytes`);
  if (out === undefined) return new Ctor(n);
  if (out.length < n) throw new FormatError('INTERNAL', `output buffer holds ${out.length} values, ${n} needed`);
  return out.subarray(0, n) as T;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `bytes` itself when its offset suits `align`, else an aligned copy. */
function aligned(bytes: Uint8Array, align: number): Uint8Array {
  return bytes.byteOffset % align === 0 ? bytes : bytes.slice();
}

function decodeInto(dtype: DType, bytes: Uint8Array, n: number, dst: FloatArray): void {
  if (!HOST_LITTLE_ENDIAN) return decodeWithDataView(dtype, bytes, n, dst);
  switch (dtype) {
    case 'float64': { const s = aligned(bytes, 8); dst.set(new Float64Array(s.buffer, s.byteOffset, n)); return; }
    case 'float32': { const s = aligned(bytes, 4); dst.set(new Float32Array(s.buffer, s.byteOffset, n)); return; }
    case 'int32': { const s = aligned(bytes, 4); dst.set(new Int32Array(s.buffer, s.byteOffset, n)); return; }
    case 'uint32': { const s = aligned(bytes, 4); dst.set(new Uint32Array(s.buffer, s.byteOffset, n)); return; }
    case 'int16': { const s = aligned(bytes, 2); dst.set(new Int16Array(s.buffer, s.byteOffset, n)); return; }
    case 'uint16': { const s = aligned(bytes, 2); dst.set(new Uint16Array(s.buffer, s.byteOffset, n)); return; }
    case 'int8': dst.set(new Int8Array(bytes.buffer, bytes.byteOffset, n)); return;
    case 'uint8': dst.set(bytes); return;
    case 'bool': for (let i = 0; i < n; i++) dst[i] = bytes[i] === 0 ? 0 : 1; return;
    case 'float16': return lookup16(table('float16'), bytes, n, dst);
    case 'bfloat16': return lookup16(table('bfloat16'), bytes, n, dst);
    case 'float8_e4m3fn': return lookup8(table('float8_e4m3fn'), bytes, n, dst);
    case 'float8_e5m2': return lookup8(table('float8_e5m2'), bytes, n, dst);
    case 'int64':
    case 'uint64': {
      const s = aligned(bytes, 4);
      const u32 = new Uint32Array(s.buffer, s.byteOffset, 2 * n);
      const signed = dtype === 'int64';
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        const lo = u32[j] as number;
        const hiU = u32[j + 1] as number;
        const hi = signed ? hiU | 0 : hiU;
        dst[i] = hi * 4294967296 + lo;
      }
      return;
    }
    case 'complex64':
      throw new FormatError('UNSUPPORTED', 'complex64 values cannot be decoded to real numbers');
  }
}

function lookup16(t: Float64Array, bytes: Uint8Array, n: number, dst: FloatArray): void {
  const s = aligned(bytes, 2);
  const u16 = new Uint16Array(s.buffer, s.byteOffset, n);
  for (let i = 0; i < n; i++) dst[i] = t[u16[i] as number] as number;
}

function lookup8(t: Float64Array, bytes: Uint8Array, n: number, dst: FloatArray): void {
  for (let i = 0; i < n; i++) dst[i] = t[bytes[i] as number] as number;
}

// ---------------------------------------------------------------- bit-level decoders

/** Value of a binary float with `e` exponent bits and `m` mantissa bits (IEEE layout). */
function ieee(bits: number, e: number, m: number, infinities: boolean): number {
  const sign = (bits >>> (e + m)) & 1 ? -1 : 1;
  const exp = (bits >>> m) & ((1 << e) - 1);
  const man = bits & ((1 << m) - 1);
  const bias = (1 << (e - 1)) - 1;
  const maxExp = (1 << e) - 1;
  if (exp === maxExp && infinities) return man === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * man * 2 ** (1 - bias - m);
  return sign * (1 + man / (1 << m)) * 2 ** (exp - bias);
}

/** One element of a 16- or 8-bit float, from its bit pattern. Exported for tests and tables. */
export function decodeBits(dtype: 'float16' | 'bfloat16' | 'float8_e4m3fn' | 'float8_e5m2', bits: number): number {
  switch (dtype) {
    case 'float16': return ieee(bits, 5, 10, true);
    case 'bfloat16': return ieee(bits, 8, 7, true);
    case 'float8_e5m2': return ieee(bits, 5, 2, true);
    case 'float8_e4m3fn':
      // No infinities: exponent 15 holds normal numbers up to 448; only mantissa 111 is NaN.
      return (bits & 0x7f) === 0x7f ? NaN : ieee(bits, 4, 3, false);
  }
}

const TABLES = new Map<string, Float64Array>();

function table(dtype: 'float16' | 'bfloat16' | 'float8_e4m3fn' | 'float8_e5m2'): Float64Array {
  let t = TABLES.get(dtype);
  if (t === undefined) {
    const size = DTYPES[dtype].itemsize === 2 ? 65536 : 256;
    t = new Float64Array(size);
    for (let b = 0; b < size; b++) t[b] = decodeBits(dtype, b);
    TABLES.set(dtype, t);
  }
  return t;
}

/** Portable path for big-endian hosts: explicit little-endian reads. */
function decodeWithDataView(dtype: DType, bytes: Uint8Array, n: number, dst: FloatArray): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (dtype) {
      case 'float64': v = dv.getFloat64(8 * i, true); break;
      case 'float32': v = dv.getFloat32(4 * i, true); break;
      case 'int32': v = dv.getInt32(4 * i, true); break;
      case 'uint32': v = dv.getUint32(4 * i, true); break;
      case 'int16': v = dv.getInt16(2 * i, true); break;
      case 'uint16': v = dv.getUint16(2 * i, true); break;
      case 'int8': v = dv.getInt8(i); break;
      case 'uint8': v = dv.getUint8(i); break;
      case 'bool': v = dv.getUint8(i) === 0 ? 0 : 1; break;
      case 'float16': case 'bfloat16': v = table(dtype)[dv.getUint16(2 * i, true)] as number; break;
      case 'float8_e4m3fn': case 'float8_e5m2': v = table(dtype)[dv.getUint8(i)] as number; break;
      case 'int64': v = dv.getInt32(8 * i + 4, true) * 4294967296 + dv.getUint32(8 * i, true); break;
      case 'uint64': v = dv.getUint32(8 * i + 4, true) * 4294967296 + dv.getUint32(8 * i, true); break;
      case 'complex64': throw new FormatError('UNSUPPORTED', 'complex64 values cannot be decoded to real numbers');
    }
    dst[i] = v;
  }
}
