// cast.ts against what torch's `.to()` wrote (cast-golden.json, from gen-cast-golden.py run in
// the torch sandbox), plus hand-checked bit patterns that name the rules.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { castElements, castTargetFor, f32BitsToBf16, f32BitsToF16, CAST_TARGETS } from '../../../../electron/services/convert/cast';
import { DTYPES, type DType } from '../../../../shared/model/dtype';
import type { CastTarget } from '../../../../shared/model/convert';

interface Golden {
  exhaustive: Record<string, Record<string, string>>;
  listed: Record<string, { input: string; output: Record<string, string> }>;
}
const golden = JSON.parse(readFileSync(path.join(__dirname, 'cast-golden.json'), 'utf8')) as Golden;

function castAll(src: Uint8Array, from: DType, to: CastTarget): Uint8Array {
  const n = src.length / DTYPES[from].itemsize;
  return castElements(src, from, to, new Uint8Array(n * DTYPES[to].itemsize));
}

function allPatterns(bits: 8 | 16): Uint8Array {
  if (bits === 8) return Uint8Array.from({ length: 256 }, (_, i) => i);
  const a = new Uint16Array(65536).map((_, i) => i);
  return new Uint8Array(a.buffer);
}

/** First index where two outputs differ, in elements, with both values in hex. */
function firstDiff(a: Uint8Array, b: Uint8Array, itemsize: number): string {
  for (let i = 0; i < a.length; i += itemsize) {
    const x = Buffer.from(a.subarray(i, i + itemsize)).reverse().toString('hex');
    const y = Buffer.from(b.subarray(i, i + itemsize)).reverse().toString('hex');
    if (x !== y) return `element ${i / itemsize}: got 0x${x}, torch 0x${y}`;
  }
  return 'none';
}

describe('cast matches torch .to() on every 8- and 16-bit pattern', () => {
  for (const [from, byTarget] of Object.entries(golden.exhaustive)) {
    for (const [to, sha] of Object.entries(byTarget)) {
      it(`${from} -> ${to}`, () => {
        const src = allPatterns(DTYPES[from as DType].itemsize === 1 ? 8 : 16);
        const out = castAll(src, from as DType, to as CastTarget);
        expect(createHash('sha256').update(out).digest('hex')).toBe(sha);
      });
    }
  }
});

describe('cast matches torch .to() on listed float32 / float64 patterns', () => {
  for (const [from, { input, output }] of Object.entries(golden.listed)) {
    for (const [to, want] of Object.entries(output)) {
      it(`${from} -> ${to}`, () => {
        const src = new Uint8Array(Buffer.from(input, 'base64'));
        const expected = new Uint8Array(Buffer.from(want, 'base64'));
        const out = castAll(src, from as DType, to as CastTarget);
        expect(out.length).toBe(expected.length);
        expect(firstDiff(out, expected, DTYPES[to as DType].itemsize)).toBe('none');
      });
    }
  }
});

describe('cast rules on known bit patterns', () => {
  it('float32 -> bfloat16 rounds to nearest even and never turns a NaN into inf', () => {
    expect(f32BitsToBf16(0x3f808000, 0xffff)).toBe(0x3f80); // tie, even stays
    expect(f32BitsToBf16(0x3f818000, 0xffff)).toBe(0x3f82); // tie, odd rounds up
    expect(f32BitsToBf16(0x3f808001, 0xffff)).toBe(0x3f81);
    expect(f32BitsToBf16(0x7f7fffff, 0xffff)).toBe(0x7f80); // max float rounds up to inf
    expect(f32BitsToBf16(0x7fffffff, 0xffff)).toBe(0xffff); // NaN whose rounding would carry out
    expect(f32BitsToBf16(0xff800000, 0xffff)).toBe(0xff80);
  });

  it('float32 -> float16 keeps subnormals and overflows to inf', () => {
    expect(f32BitsToF16(0x3f800000)).toBe(0x3c00); // 1.0
    expect(f32BitsToF16(0x477fe000)).toBe(0x7bff); // 65504, the largest half
    expect(f32BitsToF16(0x477fefff)).toBe(0x7bff); // just under the tie
    expect(f32BitsToF16(0x477ff000)).toBe(0x7c00); // 65520: the tie rounds to inf
    expect(f32BitsToF16(0x33800000)).toBe(0x0001); // 2^-24, the smallest subnormal
    expect(f32BitsToF16(0x33000000)).toBe(0x0000); // 2^-25: tie to even zero
    expect(f32BitsToF16(0x33000001)).toBe(0x0001);
    expect(f32BitsToF16(0xb3c00000)).toBe(0x8002); // -1.5 * 2^-24: tie to even 2
    expect(f32BitsToF16(0x387fe000)).toBe(0x0400); // rounds up into the smallest normal
    expect(f32BitsToF16(0x7fa00000)).toBe(0x7f00); // signalling NaN comes out quiet
  });

  it('float64 -> float16 / bfloat16 rounds through float32, as torch does', () => {
    const d = new Float64Array([1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -8 + 2 ** -40]);
    const src = new Uint8Array(d.buffer);
    expect([...new Uint16Array(castAll(src, 'float64', 'float16').buffer)]).toEqual([0x3c00, 0x3c04]);
    expect([...new Uint16Array(castAll(src, 'float64', 'bfloat16').buffer)]).toEqual([0x3f80, 0x3f80]);
  });

  it('reads a source that is not aligned to its element size', () => {
    const f = new Float32Array([1.5, -2.25, 65504, 1e-7]);
    const raw = new Uint8Array(f.byteLength + 1);
    raw.set(new Uint8Array(f.buffer), 1);
    const out = castAll(raw.subarray(1), 'float32', 'float16');
    expect([...new Uint16Array(out.buffer)]).toEqual([0x3e00, 0xc080, 0x7bff, 0x0002]);
  });

  it('only floating dtypes change, and only to a target', () => {
    expect(castTargetFor('int64', 'bfloat16')).toBe('int64');
    expect(castTargetFor('bool', 'float16')).toBe('bool');
    expect(castTargetFor('float8_e4m3fn', 'bfloat16')).toBe('bfloat16');
    expect(castTargetFor('float32', null)).toBe('float32');
    expect(CAST_TARGETS).toEqual(['float64', 'float32', 'float16', 'bfloat16']);
  });
});
