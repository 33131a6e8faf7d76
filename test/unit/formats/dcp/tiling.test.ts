import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTiling, type Box } from '../../../../electron/formats/dcp/tiling';
import { MAX_TILING_CELLS } from '../../../../electron/formats/dcp/limits';
import { FormatError } from '../../../../shared/errors';
import { failure } from '../../../support/outcome';

const box = (offsets: number[], sizes: number[]): Box => ({ offsets, sizes });


describe('checkTiling', () => {
  it('accepts the layouts torch writes', () => {
    expect(checkTiling('a', [10, 6], [box([0, 0], [5, 6]), box([5, 0], [5, 6])]).chunks.length).toBe(2); // dim-0
    expect(checkTiling('b', [6, 10], [box([0, 0], [6, 5]), box([0, 5], [6, 5])]).chunks.length).toBe(2); // dim-1
    const blocks = [box([0, 0], [3, 5]), box([0, 5], [3, 5]), box([3, 0], [3, 5]), box([3, 5], [3, 5])];
    expect(checkTiling('c', [6, 10], blocks).chunks.length).toBe(4);
    const interleaved = [box([0, 0], [3, 6]), box([5, 0], [3, 6]), box([3, 0], [2, 6]), box([8, 0], [2, 6])];
    expect(checkTiling('d', [10, 6], interleaved).chunks.length).toBe(4);
    expect(checkTiling('s', [], [box([], [])]).chunks.length).toBe(1); // scalar
    expect(checkTiling('e', [0, 4], [box([0, 0], [0, 4])]).chunks.length).toBe(1); // empty tensor
  });

  it('accepts empty chunks whose offset equals the dim size (uneven sharding)', () => {
    const r = checkTiling('model.b.weight', [2, 3], [box([0, 0], [1, 3]), box([1, 0], [1, 3]), box([2, 0], [0, 3])]);
    expect(r.chunks.length).toBe(3);
  });

  it('collapses identical boxes and counts them', () => {
    const r = checkTiling('r', [4], [box([0], [2]), box([2], [2]), box([0], [2]), box([1], [0]), box([1], [0])]);
    expect(r.chunks.map((c) => c.offsets[0])).toEqual([0, 2, 1]);
    expect(r.duplicates).toBe(2);
  });

  it('names a gap and the missing box', () => {
    const e = failure(() => checkTiling('layers.0.w', [6, 4], [box([0, 0], [3, 4]), box([3, 0], [2, 4])]));
    expect(e.code).toBe('INCONSISTENT');
    expect(e.key).toBe('layers.0.w');
    expect(e.message).toBe('tensor "layers.0.w": chunks cover 20 of 24 elements; nothing holds the box at offsets (5, 0) with sizes (1, 4) (the checkpoint is partial)');
    expect(failure(() => checkTiling('s', [], [])).message).toMatch(/chunks cover 0 of 1 elements/);
  });

  it('names overlapping boxes', () => {
    const e = failure(() => checkTiling('w', [4, 4], [box([0, 0], [3, 4]), box([2, 0], [2, 4])]));
    expect(e.message).toBe('tensor "w": chunks at offsets (0, 0) (sizes (3, 4)) and (2, 0) (sizes (2, 4)) overlap');
  });

  it('refuses boxes outside the shape or with the wrong rank', () => {
    expect(failure(() => checkTiling('w', [4], [box([2], [3])])).message).toBe('tensor "w": chunk at offsets (2) with sizes (3) lies outside shape (4)');
    expect(failure(() => checkTiling('w', [4, 1], [box([0], [4])])).message).toBe('tensor "w": chunk at offsets (0) has 1 dims, the tensor 2');
  });

  it('falls back past MAX_TILING_CELLS and still checks volume and overlap', () => {
    const n = 2100;
    // Each row split at a different column: (n+1) × (n+1) grid cells > MAX_TILING_CELLS.
    const rows = (): Box[] =>
      Array.from({ length: n }, (_, i) => {
        const cut = 1 + (i % (n - 1));
        return [box([i, 0], [1, cut]), box([i, cut], [1, n - cut])];
      }).flat();
    expect((n + 1) * (n + 1)).toBeGreaterThan(MAX_TILING_CELLS);
    expect(checkTiling('big', [n, n], rows()).overlapCheckSkipped).toBe(false);
    const gap = rows().slice(1);
    expect(failure(() => checkTiling('big', [n, n], gap)).message).toMatch(/chunks cover \d+ of 4410000 elements; the checkpoint is partial/);
    const overlapping = [...rows(), box([0, 0], [1, 1])];
    overlapping.splice(0, 1, box([0, 0], [1, 2]));
    expect(failure(() => checkTiling('big', [n, n], overlapping)).message).toMatch(/overlap/);
  });
});

/** Brute force: every cell of the shape counted; identical boxes collapse first (as checkTiling's contract says). */
function reference(shape: number[], boxes: Box[]): { ok: boolean; unique: number } {
  const unique = boxes.filter((b, i) => boxes.findIndex((c) => c.offsets.join() === b.offsets.join() && c.sizes.join() === b.sizes.join()) === i);
  if (boxes.some((b) => b.offsets.length !== shape.length || b.sizes.length !== shape.length || b.offsets.some((o, d) => o + (b.sizes[d] as number) > (shape[d] as number)))) {
    return { ok: false, unique: unique.length };
  }
  const cells = shape.reduce((a, b) => a * b, 1);
  const count = new Array<number>(cells).fill(0);
  for (const b of unique) {
    for (let cell = 0; cell < cells; cell++) {
      let rest = cell;
      let inside = true;
      for (let d = shape.length - 1; d >= 0; d--) {
        const x = rest % (shape[d] as number);
        rest = Math.floor(rest / (shape[d] as number));
        if (x < (b.offsets[d] as number) || x >= (b.offsets[d] as number) + (b.sizes[d] as number)) inside = false;
      }
      if (inside) count[cell] = (count[cell] as number) + 1;
    }
  }
  return { ok: count.every((c) => c === 1), unique: unique.length };
}

describe('checkTiling against brute force', () => {
  it('accepts exactly the layouts that cover every element once, whichever path decides', () => {
    const layout = fc.integer({ min: 1, max: 2 }).chain((nd) =>
      fc.tuple(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: nd, maxLength: nd }),
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: nd, maxLength: nd }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: nd, maxLength: nd })), { maxLength: 6 }),
      ),
    );
    // Also derive exact tilings (split every dim at random cuts) so the accepting side is exercised.
    const tiled = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.boolean()).map(([a, b, ca, cb, dup]) => {
      const cutsA = [...new Set([0, Math.min(ca, a), a])].sort((x, y) => x - y);
      const cutsB = [...new Set([0, Math.min(cb, b), b])].sort((x, y) => x - y);
      const boxes: Array<[number[], number[]]> = [];
      for (let i = 0; i + 1 < cutsA.length; i++) for (let j = 0; j + 1 < cutsB.length; j++) {
        boxes.push([[cutsA[i] as number, cutsB[j] as number], [(cutsA[i + 1] as number) - (cutsA[i] as number), (cutsB[j + 1] as number) - (cutsB[j] as number)]]);
      }
      if (dup && boxes.length > 0) boxes.push(boxes[0] as [number[], number[]]);
      return [[a, b], boxes] as [number[], Array<[number[], number[]]>];
    });
    fc.assert(
      fc.property(fc.oneof(layout, tiled), ([shape, raw]) => {
        const boxes = raw.map(([o, z]) => box(o, z));
        const want = reference(shape, boxes);
        let got: { ok: boolean; unique: number; duplicates?: number };
        try {
          const r = checkTiling('t', shape, boxes);
          got = { ok: true, unique: r.chunks.length, duplicates: r.duplicates };
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          got = { ok: false, unique: want.unique };
        }
        expect(got.ok).toBe(want.ok);
        if (got.ok) {
          expect(got.unique).toBe(want.unique);
          expect(got.duplicates).toBe(boxes.length - want.unique);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

