import { describe, expect, it } from 'vitest';
import { batchBySize } from '../../../electron/workers/batch';

const id = (n: number): number => n;

describe('batchBySize', () => {
  it('closes a run once it reaches the byte bound, keeping order', () => {
    expect(batchBySize([3, 4, 1, 1, 5, 2], id, 5)).toEqual([[3, 4], [1, 1, 5], [2]]);
  });

  it('closes a run at the item bound too', () => {
    expect(batchBySize([0, 0, 0, 0, 0], id, 100, 2)).toEqual([[0, 0], [0, 0], [0]]);
  });

  it('gives no runs for no items, and one item over the bound its own run', () => {
    expect(batchBySize([], id, 5)).toEqual([]);
    expect(batchBySize([9, 1], id, 5)).toEqual([[9], [1]]);
  });
});
