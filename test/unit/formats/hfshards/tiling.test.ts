import { describe, expect, it } from 'vitest';
import { checkTiling, impliedShape, type Part } from '../../../../electron/formats/hfshards/tiling';
import { FormatError } from '../../../../shared/errors';

const p = (offsets: number[], sizes: number[], file = 'f'): Part => ({ offsets, sizes, file });

describe('checkTiling', () => {
  it('accepts dim-1 (row-wise TP) chunks', () => {
    const parts = [p([0, 0], [6, 5]), p([0, 5], [6, 5])];
    expect(impliedShape(parts)).toEqual([6, 10]);
    expect(checkTiling('w', [6, 10], parts)).toHaveLength(2);
  });

  it('accepts uneven dim-0 chunks with an empty chunk whose offset equals the dim size', () => {
    const parts = [p([0, 0], [1, 3]), p([1, 0], [1, 3]), p([2, 0], [0, 3])];
    expect(impliedShape(parts)).toEqual([2, 3]);
    expect(checkTiling('b', [2, 3], parts)).toHaveLength(3);
  });

  it('accepts a scalar written by every rank once', () => {
    expect(checkTiling('step', [], [p([], []), p([], [])])).toHaveLength(1);
  });

  it('finds an overlap among many column-sharded parts', () => {
    const parts = Array.from({ length: 64 }, (_, i) => p([0, i * 2], [4, 2], `r${i}`));
    parts.push(p([0, 7], [4, 2], 'late'));
    expect(() => checkTiling('w', [4, 128], parts)).toThrow(FormatError);
    expect(() => checkTiling('w', [4, 128], parts)).toThrow('part [0:4, 6:8] from r3 overlaps part [0:4, 7:9] from late');
  });

  it('reports a missing part with the boxes it has', () => {
    expect(() => checkTiling('w', [4, 4], [p([0, 0], [2, 4], 'a')])).toThrow('tensor "w" (shape [4, 4]): its parts cover 8 of 16 elements ([0:2, 0:4] from a); a rank\'s part is missing');
  });
});
