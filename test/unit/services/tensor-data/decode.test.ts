import { describe, expect, it } from 'vitest';
import { decodeBits, decodeToFloat32, decodeToFloat64, elementCount, isDecodable } from '../../../../electron/services/tensor-data/decode';
import type { DType } from '../../../../shared/model/dtype';

/** Little-endian bytes of unsigned integers of `size` bytes each. */
function le(size: number, ...values: Array<number | bigint>): Uint8Array {
  const out = new Uint8Array(size * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (size === 1) dv.setUint8(i, Number(v));
    else if (size === 2) dv.setUint16(2 * i, Number(v), true);
    else if (size === 4) dv.setUint32(4 * i, Number(v), true);
    else dv.setBigUint64(8 * i, BigInt.asUintN(64, BigInt(v)), true);
  });
  return out;
}

const f64 = (dtype: DType, bytes: Uint8Array): number[] => Array.from(decodeToFloat64(dtype, bytes));

describe('decodeToFloat64 on known bit patterns', () => {
  it('bfloat16: 0x3f80 = 1, 0xc000 = -2, 0x7f80 = inf, 0x7fc0 = NaN, 0x0001 = smallest subnormal', () => {
    expect(f64('bfloat16', le(2, 0x3f80, 0xc000, 0x7f80, 0xff80, 0x0001, 0x8000))).toEqual([1, -2, Infinity, -Infinity, 2 ** -133, -0]);
    expect(Number.isNaN(f64('bfloat16', le(2, 0x7fc0))[0])).toBe(true);
  });

  it('float16: normals, largest finite, subnormals, infinities, NaN', () => {
    expect(f64('float16', le(2, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x7c00, 0xfc00))).toEqual([
      1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, Infinity, -Infinity,
    ]);
    expect(Number.isNaN(f64('float16', le(2, 0x7e00))[0])).toBe(true);
    expect(Object.is(f64('float16', le(2, 0x8000))[0], -0)).toBe(true);
  });

  it('float8_e4m3fn: 0x7e = 448 (no inf), 0x7f and 0xff are NaN, 0x01 = 2^-9, 0x38 = 1', () => {
    expect(f64('float8_e4m3fn', le(1, 0x7e, 0xfe, 0x01, 0x08, 0x38, 0x78, 0xc0))).toEqual([448, -448, 2 ** -9, 2 ** -6, 1, 256, -2]);
    const nans = f64('float8_e4m3fn', le(1, 0x7f, 0xff));
    expect(nans.every(Number.isNaN)).toBe(true);
  });

  it('float8_e5m2: 0x7c = inf, 0x7b = 57344, 0x7d NaN, 0x01 = 2^-16, 0x3c = 1', () => {
    expect(f64('float8_e5m2', le(1, 0x7c, 0xfc, 0x7b, 0x01, 0x3c, 0xbc))).toEqual([Infinity, -Infinity, 57344, 2 ** -16, 1, -1]);
    expect(Number.isNaN(f64('float8_e5m2', le(1, 0x7d))[0])).toBe(true);
  });

  it('float32 and float64', () => {
    expect(f64('float32', le(4, 0x3f800000, 0xc0490fdb, 0x00000001, 0x7f800000))).toEqual([1, Math.fround(-Math.PI), 2 ** -149, Infinity]);
    const b = new Uint8Array(16);
    new DataView(b.buffer).setFloat64(0, Math.PI, true);
    new DataView(b.buffer).setFloat64(8, -1e300, true);
    expect(f64('float64', b)).toEqual([Math.PI, -1e300]);
  });

  it('integers: signed and unsigned widths, bool', () => {
    expect(f64('int8', le(1, 0x80, 0x7f, 0xff))).toEqual([-128, 127, -1]);
    expect(f64('uint8', le(1, 0x80, 0xff))).toEqual([128, 255]);
    expect(f64('int16', le(2, 0x8000, 0xffff))).toEqual([-32768, -1]);
    expect(f64('uint16', le(2, 0x8000, 0xffff))).toEqual([32768, 65535]);
    expect(f64('int32', le(4, 0x80000000, 0xffffffff))).toEqual([-(2 ** 31), -1]);
    expect(f64('uint32', le(4, 0x80000000, 0xffffffff))).toEqual([2 ** 31, 2 ** 32 - 1]);
    expect(f64('bool', le(1, 0, 1, 2))).toEqual([0, 1, 1]);
  });

  it('int64/uint64: exact up to 2^53, rounded to nearest beyond (the dtypes fixture holds -2^40, 0, 2^62)', () => {
    expect(f64('int64', le(8, -(2n ** 40n), 0n, 2n ** 62n, -1n, 2n ** 53n - 1n))).toEqual([-(2 ** 40), 0, 2 ** 62, -1, 2 ** 53 - 1]);
    // 2^53 + 1 is not a float64: it rounds to even (2^53).
    expect(f64('int64', le(8, 2n ** 53n + 1n))).toEqual([2 ** 53]);
    expect(f64('int64', le(8, -(2n ** 63n)))).toEqual([-(2 ** 63)]);
    expect(f64('uint64', le(8, 2n ** 64n - 1n, 2n ** 63n))).toEqual([2 ** 64, 2 ** 63]);
  });

  it('complex64 is refused with UNSUPPORTED', () => {
    expect(isDecodable('complex64')).toBe(false);
    expect(() => decodeToFloat64('complex64', new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});

describe('decode buffers and alignment', () => {
  it('decodes from an unaligned view the same as from an aligned copy', () => {
    const raw = le(4, 0x3f800000, 0x40000000, 0xbf800000);
    const shifted = new Uint8Array(raw.length + 1);
    shifted.set(raw, 1);
    const view = shifted.subarray(1);
    expect(view.byteOffset % 4).toBe(1);
    expect(f64('float32', view)).toEqual([1, 2, -1]);
    const raw16 = le(2, 0x3f80, 0x4000);
    const s16 = new Uint8Array(5);
    s16.set(raw16, 1);
    expect(f64('bfloat16', s16.subarray(1))).toEqual([1, 2]);
    expect(Array.from(decodeToFloat32('bfloat16', s16.subarray(1)))).toEqual([1, 2]);
  });

  it('writes into a caller buffer and returns exactly the decoded prefix', () => {
    const out = new Float64Array(10).fill(7);
    const got = decodeToFloat64('int16', le(2, 1, 2, 3), out);
    expect(got.buffer).toBe(out.buffer);
    expect(Array.from(got)).toEqual([1, 2, 3]);
    expect(out[3]).toBe(7);
    expect(() => decodeToFloat64('int16', le(2, 1, 2, 3), new Float64Array(2))).toThrow(/3 needed/);
  });

  it('refuses a byte count that is not a whole number of elements', () => {
    expect(() => elementCount('float32', new Uint8Array(6))).toThrow(/not a whole number of float32 elements/);
  });

  it('decodeToFloat32 rounds float64 to nearest and keeps bf16 exact', () => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, 0.1, true);
    expect(decodeToFloat32('float64', b)[0]).toBe(Math.fround(0.1));
    expect(Array.from(decodeToFloat32('bfloat16', le(2, 0x3f80, 0xff80, 0x0001)))).toEqual([1, -Infinity, 2 ** -133]);
    expect(Number.isNaN(decodeToFloat32('bfloat16', le(2, 0x7fc1))[0])).toBe(true);
  });
});

describe('every 16-bit pattern', () => {
  it('bfloat16 decodes as the top half of the float32 with those bits', () => {
    const u32 = new Uint32Array(1);
    const f32 = new Float32Array(u32.buffer);
    for (let bits = 0; bits < 65536; bits++) {
      u32[0] = bits << 16;
      const v = decodeBits('bfloat16', bits);
      if (Number.isNaN(f32[0]!)) expect(Number.isNaN(v)).toBe(true);
      else expect(Object.is(v, f32[0])).toBe(true);
    }
  });

  it('float16: re-encoding every decoded value by hand gives back its bits (sign, exponent, subnormals)', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const v = decodeBits('float16', bits);
      const exp = (bits >> 10) & 0x1f;
      if (exp === 0x1f) {
        expect((bits & 0x3ff) === 0 ? Math.abs(v) === Infinity : Number.isNaN(v)).toBe(true);
        continue;
      }
      const sign = v < 0 || Object.is(v, -0) ? 1 : 0;
      const a = Math.abs(v);
      const e = Math.floor(Math.log2(a));
      const enc = a < 2 ** -14 ? a / 2 ** -24 : (e + 15) * 1024 + (a / 2 ** e - 1) * 1024;
      expect((sign << 15) | enc).toBe(bits);
    }
  });
});
