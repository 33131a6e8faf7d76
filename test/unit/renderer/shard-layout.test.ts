// The chunk picture's geometry: dim-0 strips, uneven and empty shards, 2-D tiles, replicas, and
// cuts along dims the picture cannot show.

import { describe, expect, it } from 'vitest';
import type { ChunkView } from '../../../shared/ipc/contract';
import { layoutChunks, MAX_ASPECT, pictureSize, rankHue } from '../../../renderer/lib/shard-layout';

const chunk = (offsets: number[], sizes: number[], rank: number | null): ChunkView => ({
  offsets, sizes, rank, file: `__${rank}_0.distcp`, offset: 0, length: 0, container: 'torch-item', transforms: [],
});

describe('layoutChunks', () => {
  it('draws FSDP dim-0 shards of a matrix as horizontal strips', () => {
    const l = layoutChunks([40, 16], [chunk([0, 0], [20, 16], 0), chunk([20, 0], [20, 16], 1)]);
    expect(l.kind).toBe('matrix');
    expect(l.rects.map((r) => [r.x, r.y, r.w, r.h, r.rank])).toEqual([
      [0, 0, 1, 0.5, 0],
      [0, 0.5, 1, 0.5, 1],
    ]);
    expect(l.covered).toBe(1);
  });

  it('cuts a vector left to right, uneven shards at their own widths', () => {
    // uneven: 7 rows over 3 ranks → 3, 3, 1
    const l = layoutChunks([7], [chunk([0], [3], 0), chunk([3], [3], 1), chunk([6], [1], 2)]);
    expect(l.kind).toBe('vector');
    expect(l.rects.map((r) => [r.x, r.w])).toEqual([
      [0, 3 / 7],
      [3 / 7, 3 / 7],
      [6 / 7, 1 / 7],
    ]);
  });

  it('tiles a 2-D (FSDP × TP) cut', () => {
    const l = layoutChunks([10, 6], [chunk([0, 0], [5, 3], 0), chunk([0, 3], [5, 3], 1), chunk([5, 0], [5, 3], 2), chunk([5, 3], [5, 3], 3)]);
    expect(l.rects).toHaveLength(4);
    expect(l.rects.map((r) => [r.x, r.y])).toEqual([
      [0, 0],
      [0.5, 0],
      [0, 0.5],
      [0.5, 0.5],
    ]);
  });

  it('draws replicas (the same box on several ranks) once, with every chunk listed', () => {
    const l = layoutChunks([4, 4], [chunk([0, 0], [4, 4], 0), chunk([0, 0], [4, 4], 1)]);
    expect(l.rects).toHaveLength(1);
    expect(l.rects[0]!.chunks).toEqual([0, 1]);
  });

  it('reports cuts along dims beyond the picture, and chunks that leave a gap', () => {
    const l = layoutChunks([2, 2, 8], [chunk([0, 0, 0], [2, 2, 4], 0)]);
    expect(l.hiddenCuts).toEqual([2]);
    expect(l.covered).toBe(0.5);
  });

  it('has nothing to draw for an empty tensor, one box for a scalar', () => {
    expect(layoutChunks([0, 4], []).kind).toBe('empty');
    const s = layoutChunks([], [chunk([], [], 0)]);
    expect(s.kind).toBe('scalar');
    expect(s.rects).toHaveLength(1);
  });
});

describe('pictureSize and rankHue', () => {
  it('keeps the tensor’s aspect within bounds', () => {
    const tall = pictureSize(layoutChunks([100_000, 16], [chunk([0, 0], [100_000, 16], 0)]), 400);
    expect(tall.width / tall.height).toBeCloseTo(1 / MAX_ASPECT, 5);
    const band = pictureSize(layoutChunks([16], [chunk([0], [16], 0)]), 400);
    expect(band).toEqual({ width: 400, height: 44 });
  });

  it('gives neighbouring ranks distinct hues', () => {
    const hues = Array.from({ length: 8 }, (_, r) => rankHue(r));
    expect(new Set(hues).size).toBe(8);
  });
});
