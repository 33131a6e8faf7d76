import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareStreams, pairSegments, type CompareRule } from '../../../../electron/services/diff/compare';
import { finishFigures } from '../../../../electron/services/diff/figures';
import type { DType } from '../../../../shared/model/dtype';

const BITWISE: CompareRule = { tolerance: null, castToFloat32: false };

/** Cuts `bytes` into blocks of the given sizes (cycled), as readTensorBlocks would yield them. */
async function* blocks(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let o = 0;
  let i = 0;
  while (o < bytes.length) {
    const n = Math.min(sizes[i++ % sizes.length]!, bytes.length - o);
    // A fresh copy each time, overwritten afterwards: catches any use of a stale block.
    const b = bytes.slice(o, o + n);
    yield b;
    b.fill(0xee);
    o += n;
  }
}

const f32 = (v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);
const f64 = (v: number[]): Uint8Array => new Uint8Array(new Float64Array(v).buffer);

async function run(da: DType, a: Uint8Array, db: DType, b: Uint8Array, rule = BITWISE, sizesA = [8], sizesB = [12]) {
  let rereads = 0;
  const r = await compareStreams(
    { dtype: da, blocks: blocks(a, sizesA) },
    { dtype: db, blocks: blocks(b, sizesB) },
    rule,
    () => {
      rereads++;
      return blocks(a, sizesA);
    },
  );
  return { ...r, rereads, figures: r.figures === null ? null : finishFigures(r.figures) };
}

describe('compareStreams', () => {
  it('equal bytes with different block boundaries: no figures, no decoding, no re-read', async () => {
    const v = f32([1, 2, 3, 4, 5, 6, 7]);
    const r = await run('float32', v, 'float32', v, BITWISE, [8, 4], [12]);
    expect(r.figures).toBeNull();
    expect(r.rereads).toBe(0);
    expect(r.bytesRead).toBe(56);
  });

  it('one value changed after an equal stretch: exact count and difference, figures over the whole tensor', async () => {
    const a = [0.5, -1, 2, 4, 8, 16, 3];
    const b = [...a];
    b[5] = 16.25;
    const r = await run('float32', f32(a), 'float32', f32(b));
    expect(r.rereads).toBe(1);
    const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
    const na = a.reduce((s, x) => s + x * x, 0);
    const nb = b.reduce((s, x) => s + x * x, 0);
    expect(r.figures).toEqual({
      numel: 7,
      nDifferent: 1,
      maxAbsDiff: 0.25,
      meanAbsDiff: 0.25 / 7,
      maxRelDiff: 0.25 / 16.25,
      cosine: dot / (Math.sqrt(na) * Math.sqrt(nb)),
      nanA: 0,
      infA: 0,
      nanB: 0,
      infB: 0,
    });
  });

  it('NaN against NaN at the same position is equal (any payload); NaN against a number differs', async () => {
    const a = new Uint32Array([0x7fc00000, 0x3f800000]);
    const b = new Uint32Array([0xffc00001, 0x3f800000]);
    const same = await run('float32', new Uint8Array(a.buffer), 'float32', new Uint8Array(b.buffer));
    expect(same.figures).toMatchObject({ nDifferent: 0, nanA: 1, nanB: 1 });
    const r = await run('float32', f32([1, 2, 3]), 'float32', f32([1, NaN, 3]));
    expect(r.figures).toMatchObject({ numel: 3, nDifferent: 1, nanA: 0, nanB: 1, maxAbsDiff: 0, meanAbsDiff: 0 });
  });

  it('bitwise: -0 and +0 differ; with a tolerance they are equal', async () => {
    const a = f32([-0, 1]);
    const b = f32([0, 1]);
    expect((await run('float32', a, 'float32', b)).figures?.nDifferent).toBe(1);
    expect((await run('float32', a, 'float32', b, { tolerance: { atol: 0, rtol: 0 }, castToFloat32: false })).figures?.nDifferent).toBe(0);
  });

  it('tolerance follows numpy.isclose: |a-b| <= atol + rtol*|b|, B is the reference, inf equals only inf', async () => {
    const rule: CompareRule = { tolerance: { atol: 0.5, rtol: 0.25 }, castToFloat32: false };
    // |a-b| vs bound (0.5 + 0.25|b|): 1.5 <= 1.5 equal; 1.5 > 1.25 differs (b smaller); inf = inf; inf vs 1e300 differs.
    const a = f64([5.5, 4.5, Infinity, Infinity, -Infinity]);
    const b = f64([4, 3, Infinity, 1e300, Infinity]);
    const r = await run('float64', a, 'float64', b, rule, [16], [24]);
    expect(r.figures).toMatchObject({ numel: 5, nDifferent: 3, infA: 3, infB: 2, maxAbsDiff: 1.5 });
  });

  it('--dtype-insensitive: bf16 against its float32 source compares after the cast', async () => {
    // bf16 1.0, 0.5, -2 (exact in f32) and 1/3 (rounded in bf16 to 0x3eab = 0.333984375).
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0x3f00, 0xc000, 0x3eab]).buffer);
    const src = f32([1, 0.5, -2, 1 / 3]);
    const rule: CompareRule = { tolerance: null, castToFloat32: true };
    const r = await run('bfloat16', bf, 'float32', src, rule, [2, 4], [4]);
    expect(r.figures).toMatchObject({ numel: 4, nDifferent: 1 });
    expect(r.figures!.maxAbsDiff).toBeCloseTo(0.333984375 - Math.fround(1 / 3), 15);
    const tol = await run('bfloat16', bf, 'float32', src, { tolerance: { atol: 0, rtol: 2 ** -8 }, castToFloat32: true });
    expect(tol.figures?.nDifferent).toBe(0);
  });

  it('float64 values that differ below float32 precision are equal after --dtype-insensitive', async () => {
    const a = f64([1, 1 + 2 ** -40]);
    const b = f64([1, 1]);
    expect((await run('float64', a, 'float64', b, BITWISE, [8], [16])).figures?.nDifferent).toBe(1);
    expect((await run('float64', a, 'float64', b, { tolerance: null, castToFloat32: true }, [8], [16])).figures?.nDifferent).toBe(0);
  });

  it('int64 beyond 2^53: values that round to the same float64 still count as different bitwise', async () => {
    const a = new Uint8Array(new BigInt64Array([2n ** 60n, 5n]).buffer);
    const b = new Uint8Array(new BigInt64Array([2n ** 60n + 1n, 5n]).buffer);
    const r = await run('int64', a, 'int64', b, BITWISE, [8], [16]);
    expect(r.figures).toMatchObject({ numel: 2, nDifferent: 1, maxAbsDiff: 0 });
  });

  it('a dtype change compares the values as numbers', async () => {
    const a = new Uint8Array(new Int32Array([1, 2, 3]).buffer);
    const r = await run('int32', a, 'float64', f64([1, 2, 3.5]), BITWISE, [4], [8]);
    expect(r.figures).toMatchObject({ numel: 3, nDifferent: 1, maxAbsDiff: 0.5 });
  });

  it('refuses streams of different lengths', async () => {
    await expect(run('float32', f32([1, 2]), 'float32', f32([1, 2, 3]))).rejects.toThrow(/A ended before B/);
    await expect(run('float32', f32([1, 2, 3]), 'float32', f32([1, 2]))).rejects.toThrow(/B ended before A/);
  });

  it('figures agree with a direct computation for arbitrary float32 data and block cuts', async () => {
    const finite = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(finite, finite, fc.boolean()), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        async (rows, ca, cb) => {
          const a = rows.map(([x]) => Math.fround(x));
          const b = rows.map(([x, y, keep]) => (keep ? Math.fround(x) : Math.fround(y)));
          const r = await run('float32', f32(a), 'float32', f32(b), BITWISE, [4 * ca], [4 * cb]);
          const diff = a.map((x, i) => Math.abs(x - b[i]!));
          const nDiff = a.filter((x, i) => !Object.is(x, b[i])).length;
          if (nDiff === 0) {
            expect(r.figures === null || r.figures.nDifferent === 0).toBe(true);
            return;
          }
          expect(r.figures!.numel).toBe(a.length);
          expect(r.figures!.nDifferent).toBe(nDiff);
          expect(r.figures!.maxAbsDiff).toBe(Math.max(...diff));
          expect(r.figures!.meanAbsDiff).toBeCloseTo(diff.reduce((s, d) => s + d, 0) / a.length, 6);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('pairSegments', () => {
  it('cuts two streams of different element sizes into segments holding the same elements', async () => {
    const a = new Uint8Array(new Uint16Array([1, 2, 3, 4, 5]).buffer);
    const b = f32([1, 2, 3, 4, 5]);
    const segs: number[] = [];
    for await (const [sa, sb, n] of pairSegments(blocks(a, [4, 6]), 2, blocks(b, [12, 8]), 4)) {
      expect(sa.length).toBe(2 * n);
      expect(sb.length).toBe(4 * n);
      expect(Array.from(new Uint16Array(sa.slice().buffer))).toEqual(Array.from(new Float32Array(sb.slice().buffer)));
      segs.push(n);
    }
    expect(segs.reduce((x, y) => x + y, 0)).toBe(5);
  });
});
