import { describe, expect, it } from 'vitest';
import { createStatsAccumulator } from '../../../../electron/services/tensor-data/stats';

function f32bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
function f64bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float64Array(values).buffer);
}

/** A deterministic pseudo-random sequence (xorshift), so no test depends on Math.random. */
function series(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out.push((s / 2 ** 32 - 0.5) * 8 + 3);
  }
  return out;
}

describe('createStatsAccumulator', () => {
  it('counts NaN and ±inf apart and takes min/max/mean over finite values (the dtypes nan_inf case)', () => {
    const acc = createStatsAccumulator('float32');
    acc.push(f32bytes([NaN, Infinity, -Infinity, 1]));
    const s = acc.result();
    expect(s).toMatchObject({ count: 4, nan: 1, inf: 2, finite: 1, min: 1, max: 1, mean: 1, std: 0 });
    expect(s.histogram?.counts.reduce((x, y) => x + y, 0)).toBe(1);
  });

  it('gives null figures when no value is finite, and zeros for no values', () => {
    const acc = createStatsAccumulator('float16');
    acc.push(new Uint8Array([0x00, 0x7e, 0x00, 0x7c])); // NaN, +inf
    expect(acc.result()).toMatchObject({ count: 2, nan: 1, inf: 1, finite: 0, min: null, max: null, mean: null, std: null, histogram: null });
    expect(createStatsAccumulator('float32').result()).toMatchObject({ count: 0, finite: 0, mean: null });
  });

  it('matches a direct two-pass float64 computation, whatever the block boundaries', () => {
    const v = series(10_000);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    const bytes = f64bytes(v);
    for (const blockElems of [10_000, 4096, 777, 1]) {
      const acc = createStatsAccumulator('float64');
      for (let i = 0; i < v.length; i += blockElems) acc.push(bytes.subarray(8 * i, 8 * Math.min(v.length, i + blockElems)));
      const s = acc.result();
      expect(s.count).toBe(10_000);
      expect(s.min).toBe(Math.min(...v));
      expect(s.max).toBe(Math.max(...v));
      expect(Math.abs(s.mean! - mean) / Math.abs(mean)).toBeLessThan(1e-13);
      expect(Math.abs(s.std! - std) / std).toBeLessThan(1e-12);
    }
  });

  it('keeps the mean accurate when a large offset cancels (compensated sum)', () => {
    const v = [1e16, 1, -1e16, 1];
    const acc = createStatsAccumulator('float64');
    acc.push(f64bytes(v));
    expect(acc.result().mean).toBe(0.5);
  });

  it('histogram: every finite value lands in a bin, bins cover [min, max], and growth keeps counts exact', () => {
    const acc = createStatsAccumulator('float32', { bins: 8 });
    acc.push(f32bytes([0, 1, 1, 2])); // first range [0, 2]
    acc.push(f32bytes([7.5, -3])); // grows up then down
    acc.push(f32bytes([NaN, Infinity]));
    const s = acc.result();
    const h = s.histogram!;
    expect(h.counts.length).toBe(8);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(h.lo).toBeLessThanOrEqual(-3);
    expect(h.hi).toBeGreaterThanOrEqual(7.5);
    const w = (h.hi - h.lo) / 8;
    const binOf = (x: number): number => Math.min(7, Math.floor((x - h.lo) / w));
    const expectedCounts = new Array(8).fill(0);
    for (const x of [0, 1, 1, 2, 7.5, -3]) expectedCounts[binOf(x)]++;
    expect(h.counts).toEqual(expectedCounts);
  });

  it('histogram of a constant tensor puts everything in one bin', () => {
    const acc = createStatsAccumulator('bfloat16');
    acc.push(new Uint8Array([0x80, 0x3f, 0x80, 0x3f, 0x80, 0x3f])); // 1, 1, 1
    const h = acc.result().histogram!;
    expect(h.counts.filter((c) => c > 0)).toEqual([3]);
    expect(h.lo).toBeLessThanOrEqual(1);
    expect(h.hi).toBeGreaterThan(1);
  });

  it('integer and bool dtypes: min/max/mean of the values, no NaN', () => {
    const acc = createStatsAccumulator('int16');
    acc.push(new Uint8Array(new Int16Array([-5, 0, 5, 10]).buffer));
    expect(acc.result()).toMatchObject({ nan: 0, inf: 0, min: -5, max: 10, mean: 2.5 });
    const b = createStatsAccumulator('bool');
    b.push(new Uint8Array([1, 0, 0, 1]));
    expect(b.result()).toMatchObject({ min: 0, max: 1, mean: 0.5, std: 0.5 });
  });

  it('refuses an odd bin count and partial elements', () => {
    expect(() => createStatsAccumulator('float32', { bins: 7 })).toThrow(/even/);
    expect(() => createStatsAccumulator('float32').push(new Uint8Array(3))).toThrow(/whole number/);
  });
});
