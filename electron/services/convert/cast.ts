// Float casts for `convert --dtype`, bit for bit as torch's `.to(dtype)` does on CPU.
//
// Checked against torch 2.14 (AVX512 kernels) by cast.test.ts with cast-golden.json, which
// holds every 8/16-bit source pattern and a few thousand float32/float64 ones. The rules:
// - Finite values round to nearest, ties to even; float16 keeps subnormals, and values at or
//   above 65520 become ±inf. float64 goes to float16/bfloat16 through float32, so it is rounded
//   twice, as torch (c10::Half / c10::BFloat16 have float constructors only) does.
// - Widening is exact. A NaN keeps its sign and payload and gets the quiet bit, as the hardware
//   conversions torch's kernels use do; narrowing to float16/float32 truncates the payload.
// - NaN to bfloat16: 0xFFFF from float32/float64 (torch's vectorized kernel blends in 0xFFFF),
//   0x7FC0 from float16 and float8 (those go through c10's round_to_nearest_even).
// - float8 sources (e4m3fn: no inf, 0x7F/0xFF are NaN; e5m2: float16's top byte) decode exactly.
// Only floating dtypes are cast; integers and bool are never touched.

import type { DType } from '../../../shared/model/dtype';
import type { CastTarget } from '../../../shared/model/convert';

export const CAST_TARGETS: readonly CastTarget[] = ['float64', 'float32', 'float16', 'bfloat16'];

const CASTABLE_SOURCES: ReadonlySet<DType> = new Set(['float64', 'float32', 'float16', 'bfloat16', 'float8_e4m3fn', 'float8_e5m2']);

/** The dtype a tensor is written with under `--dtype target`. */
export function castTargetFor(dtype: DType, target: CastTarget | null): DType {
  return target !== null && CASTABLE_SOURCES.has(dtype) ? target : dtype;
}

// Typed-array views read host byte order; safetensors is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('shardscope: cast.ts needs a little-endian host');

// ---------- decoding to float32 bits ----------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function f16ToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return (m === 0 ? sign | 0x7f800000 : sign | 0x7fc00000 | (m << 13)) >>> 0;
  if (e === 0) {
    if (m === 0) return sign >>> 0;
    f32[0] = m * 2 ** -24; // exact: a subnormal half is a small integer times 2^-24
    return (sign | u32[0]!) >>> 0;
  }
  return (sign | ((e + 112) << 23) | (m << 13)) >>> 0;
}

// float8_e4m3fn: 1 sign, 4 exponent (bias 7), 3 mantissa; 0x7F/0xFF are NaN, there is no inf.
// NaN decodes to 0x7FF00000 | sign, as c10's fp8e4m3fn_to_fp32_value computes it.
function e4m3ToF32Bits(b: number): number {
  const sign = (b & 0x80) << 24;
  const e = (b >>> 3) & 0xf;
  const m = b & 7;
  if (e === 0xf && m === 7) return (sign | 0x7ff00000) >>> 0;
  if (e === 0) {
    if (m === 0) return sign >>> 0;
    f32[0] = m * 2 ** -9;
    return (sign | u32[0]!) >>> 0;
  }
  return (sign | ((e + 120) << 23) | (m << 20)) >>> 0;
}

/**
 * float16 → float32 bits for all 65,536 values, built on first use: building it costs ~5 ms,
 * which every convert worker (and the CLI) paid at start-up even when nothing is cast.
 */
let f16Table: Uint32Array | null = null;
function f16ToF32Table(): Uint32Array {
  if (f16Table === null) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16ToF32Bits(h);
  }
  return f16Table;
}
const E4M3_TO_F32 = new Uint32Array(256);
const E5M2_TO_F32 = new Uint32Array(256);
for (let b = 0; b < 256; b++) {
  E4M3_TO_F32[b] = e4m3ToF32Bits(b);
  E5M2_TO_F32[b] = f16ToF32Bits(b << 8); // e5m2 is float16's top byte
}

// ---------- encoding from float32 bits ----------

/** float32 bits → bfloat16 bits, round to nearest even; `nan` is what a NaN becomes. */
export function f32BitsToBf16(u: number, nan: number): number {
  if ((u & 0x7fffffff) > 0x7f800000) return nan;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float32 bits → float16 bits, IEEE round to nearest even with subnormals and overflow to inf. */
export function f32BitsToF16(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a > 0x7f800000) return sign | 0x7e00 | ((a >>> 13) & 0x3ff);
  if (a >= 0x477ff000) return sign | 0x7c00; // ≥ 65520 rounds to inf (65520 is the tie, 65536 "even")
  if (a >= 0x38800000) {
    const r = a - 0x38000000; // rebias the exponent from 127 to 15
    return sign | ((r + 0xfff + ((r >>> 13) & 1)) >>> 13);
  }
  if (a <= 0x33000000) return sign; // ≤ 2^-25: half the smallest subnormal, ties to 0
  u32[0] = a;
  const q = f32[0]! * 2 ** 24; // exact in a double; < 1024
  let r = Math.floor(q);
  const frac = q - r;
  if (frac > 0.5 || (frac === 0.5 && (r & 1) === 1)) r++;
  return sign | r; // r = 1024 carries into the smallest normal, as it should
}

/** float64 (as two little-endian words) → float32 bits. */
function f64WordsToF32Bits(lo: number, hi: number, value: number): number {
  if ((hi & 0x7fffffff) > 0x7ff00000 || ((hi & 0x7fffffff) === 0x7ff00000 && lo !== 0)) {
    // NaN: keep the sign and the top 22 payload bits, set the quiet bit
    return ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29)) >>> 0;
  }
  f32[0] = value; // Math.fround: round to nearest even, subnormals, overflow to inf
  return u32[0]!;
}

// ---------- block casts ----------

/** Elements converted per pass through the float32-bits scratch buffer. */
const SCRATCH_ELEMS = 16384;

function aligned(bytes: Uint8Array, itemsize: number): Uint8Array {
  if (bytes.byteOffset % itemsize === 0) return bytes;
  return bytes.slice(); // a fresh copy starts at offset 0
}

function viewOf<T>(Ctor: { new (b: ArrayBufferLike, o: number, n: number): T }, bytes: Uint8Array, itemsize: number): T {
  return new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / itemsize);
}

/**
 * Casts `n` whole elements of `from` in `src` to `to`, into `out` (which needs
 * n × itemsize(to) bytes at a multiple of that itemsize) and returns the filled view.
 */
export function castElements(src: Uint8Array, from: DType, to: CastTarget, out: Uint8Array): Uint8Array {
  const inSize = ITEMSIZE[from];
  const outSize = ITEMSIZE[to]!;
  if (inSize === undefined) throw new Error(`cannot cast ${from}`);
  if (src.byteLength % inSize !== 0) throw new Error(`cast: ${src.byteLength} bytes is not a whole number of ${from} elements`);
  const n = src.byteLength / inSize;
  const dst = out.subarray(0, n * outSize);
  if (dst.byteLength !== n * outSize || dst.byteOffset % outSize !== 0) throw new Error('cast: output buffer too small or misaligned');
  if (from === to) {
    dst.set(src);
    return dst;
  }
  const s = aligned(src, inSize);
  if (inSize <= 2 && outSize === 2) {
    // 8/16-bit → 16-bit: one table lookup per element (the table is this same cast, precomputed).
    const lut = lookupTable(from, to);
    const o = viewOf(Uint16Array, dst, 2);
    const x = inSize === 1 ? s : viewOf(Uint16Array, s, 2);
    for (let i = 0; i < n; i++) o[i] = lut[x[i]!]!;
    return dst;
  }
  castGeneric(s, from, to, n, dst);
  return dst;
}

const LUTS = new Map<string, Uint16Array>();

/** Every source bit pattern cast once through the generic path. */
function lookupTable(from: DType, to: CastTarget): Uint16Array {
  const id = `${from}>${to}`;
  let lut = LUTS.get(id);
  if (lut === undefined) {
    const patterns = ITEMSIZE[from] === 1 ? Uint8Array.from({ length: 256 }, (_, i) => i) : new Uint8Array(Uint16Array.from({ length: 65536 }, (_, i) => i).buffer);
    lut = new Uint16Array(patterns.length / ITEMSIZE[from]!);
    castGeneric(patterns, from, to, lut.length, new Uint8Array(lut.buffer));
    LUTS.set(id, lut);
  }
  return lut;
}

/** Element by element, through float32 bits (or straight from float64). */
function castGeneric(s: Uint8Array, from: DType, to: CastTarget, n: number, dst: Uint8Array): void {
  if (from === 'float64') {
    const words = viewOf(Uint32Array, s, 4);
    const vals = viewOf(Float64Array, s, 8);
    if (to === 'float32') {
      const o = viewOf(Uint32Array, dst, 4);
      for (let i = 0; i < n; i++) o[i] = f64WordsToF32Bits(words[2 * i]!, words[2 * i + 1]!, vals[i]!);
    } else {
      const o = viewOf(Uint16Array, dst, 2);
      for (let i = 0; i < n; i++) {
        const b = f64WordsToF32Bits(words[2 * i]!, words[2 * i + 1]!, vals[i]!);
        o[i] = to === 'float16' ? f32BitsToF16(b) : f32BitsToBf16(b, 0xffff);
      }
    }
    return;
  }

  // Every other source goes through float32 bits, a slice at a time.
  const bf16Nan = from === 'float32' ? 0xffff : 0x7fc0;
  const scratch = new Uint32Array(Math.min(n, SCRATCH_ELEMS));
  for (let base = 0; base < n; base += SCRATCH_ELEMS) {
    const count = Math.min(SCRATCH_ELEMS, n - base);
    const bits = from === 'float32' ? viewOf(Uint32Array, s, 4).subarray(base, base + count) : scratch.subarray(0, count);
    decodeInto(s, from, base, count, bits);
    encodeFrom(bits, to, bf16Nan, dst, base);
  }
}

const ITEMSIZE: Readonly<Partial<Record<DType, number>>> = {
  float64: 8, float32: 4, float16: 2, bfloat16: 2, float8_e4m3fn: 1, float8_e5m2: 1,
};

function decodeInto(s: Uint8Array, from: DType, base: number, count: number, bits: Uint32Array): void {
  switch (from) {
    case 'float32':
      return; // `bits` is already a view of the source
    case 'float16': {
      const h = viewOf(Uint16Array, s, 2);
      const table = f16ToF32Table();
      for (let i = 0; i < count; i++) bits[i] = table[h[base + i]!]!;
      return;
    }
    case 'bfloat16': {
      const h = viewOf(Uint16Array, s, 2);
      for (let i = 0; i < count; i++) bits[i] = (h[base + i]! << 16) >>> 0;
      return;
    }
    case 'float8_e4m3fn':
      for (let i = 0; i < count; i++) bits[i] = E4M3_TO_F32[s[base + i]!]!;
      return;
    case 'float8_e5m2':
      for (let i = 0; i < count; i++) bits[i] = E5M2_TO_F32[s[base + i]!]!;
      return;
    default:
      throw new Error(`cannot cast ${from}`);
  }
}

function encodeFrom(bits: Uint32Array, to: CastTarget, bf16Nan: number, dst: Uint8Array, base: number): void {
  const count = bits.length;
  switch (to) {
    case 'float32':
      viewOf(Uint32Array, dst, 4).set(bits, base);
      return;
    case 'float64': {
      const w = viewOf(Uint32Array, dst, 4);
      const d = viewOf(Float64Array, dst, 8);
      for (let i = 0; i < count; i++) {
        const u = bits[i]!;
        if ((u & 0x7fffffff) > 0x7f800000) {
          // NaN: sign, quiet bit, payload moved up (a JS number would not keep the payload)
          const j = 2 * (base + i);
          w[j] = ((u & 7) << 29) >>> 0;
          w[j + 1] = ((u & 0x80000000) | 0x7ff80000 | ((u & 0x3fffff) >>> 3)) >>> 0;
        } else {
          u32[0] = u;
          d[base + i] = f32[0]!;
        }
      }
      return;
    }
    case 'float16': {
      const o = viewOf(Uint16Array, dst, 2);
      for (let i = 0; i < count; i++) o[base + i] = f32BitsToF16(bits[i]!);
      return;
    }
    case 'bfloat16': {
      const o = viewOf(Uint16Array, dst, 2);
      for (let i = 0; i < count; i++) o[base + i] = f32BitsToBf16(bits[i]!, bf16Nan);
      return;
    }
  }
}
