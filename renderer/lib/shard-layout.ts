// Geometry of the chunk picture: how a tensor is cut across ranks, as rectangles in the unit
// square. Dim 0 runs down, dim 1 across; a 1-D tensor is one band cut into strips. Cuts along
// dims beyond 1 can't be drawn on paper; they are reported in `hiddenCuts` and shown in the
// table. Chunks with the same box are one rectangle with a replica count.

import type { ChunkView } from '../../shared/ipc/contract';

export interface ShardRect {
  /** Fractions of the picture, 0..1. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** Indexes into the chunk list that share this box (more than one: replicas). */
  readonly chunks: readonly number[];
  /** Rank of the first chunk, for the color; null when the layout doesn't say. */
  readonly rank: number | null;
}

export interface ShardLayout {
  readonly kind: 'scalar' | 'vector' | 'matrix' | 'empty';
  readonly rects: readonly ShardRect[];
  /** Dims (≥ 2) along which some chunk is cut; not visible in the picture. */
  readonly hiddenCuts: readonly number[];
  /** Rows/columns drawn, for the axis labels. */
  readonly rows: number;
  readonly cols: number;
  /** Fraction of the tensor's elements covered by at least one chunk (1 for a sound tensor). */
  readonly covered: number;
}

function boxId(c: ChunkView): string {
  return `${c.offsets.join(',')}|${c.sizes.join(',')}`;
}

export function layoutChunks(shape: readonly number[], chunks: readonly ChunkView[]): ShardLayout {
  if (shape.some((d) => d === 0)) return { kind: 'empty', rects: [], hiddenCuts: [], rows: 0, cols: 0, covered: 1 };
  const groups = new Map<string, number[]>();
  chunks.forEach((c, i) => {
    const id = boxId(c);
    const g = groups.get(id);
    if (g === undefined) groups.set(id, [i]);
    else g.push(i);
  });
  const hidden = new Set<number>();
  for (const c of chunks) {
    for (let d = 2; d < shape.length; d++) {
      if ((c.offsets[d] ?? 0) !== 0 || (c.sizes[d] ?? shape[d]) !== shape[d]) hidden.add(d);
    }
  }
  const rows = shape.length === 0 ? 1 : (shape[0] as number);
  const cols = shape.length >= 2 ? (shape[1] as number) : 1;
  const kind = shape.length === 0 ? 'scalar' : shape.length === 1 ? 'vector' : 'matrix';
  const rects: ShardRect[] = [];
  let area = 0;
  for (const idxs of groups.values()) {
    const c = chunks[idxs[0] as number] as ChunkView;
    let x = 0, y = 0, w = 1, h = 1;
    if (kind === 'vector') {
      // One band, cut left to right along dim 0.
      x = (c.offsets[0] ?? 0) / rows;
      w = (c.sizes[0] ?? rows) / rows;
    } else if (kind === 'matrix') {
      y = (c.offsets[0] ?? 0) / rows;
      h = (c.sizes[0] ?? rows) / rows;
      x = (c.offsets[1] ?? 0) / cols;
      w = (c.sizes[1] ?? cols) / cols;
    }
    rects.push({ x, y, w, h, chunks: idxs, rank: c.rank });
    let frac = 1;
    c.sizes.forEach((s, d) => {
      frac *= s / (shape[d] ?? 1);
    });
    area += frac;
  }
  rects.sort((a, b) => a.y - b.y || a.x - b.x);
  return { kind, rects, hiddenCuts: [...hidden].sort((a, b) => a - b), rows, cols, covered: Math.min(1, area) };
}

/** Drawing size for the picture: the tensor's aspect, squeezed into [1/MAX_ASPECT, MAX_ASPECT]. */
export const MAX_ASPECT = 4;

export function pictureSize(layout: ShardLayout, width: number): { width: number; height: number } {
  if (layout.kind === 'vector' || layout.kind === 'scalar') return { width, height: 44 };
  const aspect = Math.min(MAX_ASPECT, Math.max(1 / MAX_ASPECT, layout.cols / Math.max(1, layout.rows)));
  const height = Math.max(60, Math.min(320, width / aspect));
  return { width: Math.min(width, height * aspect), height };
}

/** A distinct hue per rank (golden-angle steps), stable across tensors. */
export function rankHue(rank: number | null): number {
  return rank === null ? 210 : Math.round((rank * 137.508 + 200) % 360);
}
