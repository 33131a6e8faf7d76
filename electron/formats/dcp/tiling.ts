// Checks that a tensor's chunk boxes tile its global shape (formats.md section 5): every box
// inside the shape, no two boxes overlapping, and together covering every element. Identical boxes
// (replicas another writer did not deduplicate, or empty chunks from several ranks) collapse to
// one. A gap means the checkpoint is partial; the error names the first uncovered box.
//
// Exact method: cut every dim at every box boundary; the cuts make a grid whose cells are each
// either wholly inside a box or outside all of them, so marking the cells each box covers finds
// overlaps and gaps exactly. Grids over MAX_TILING_CELLS fall back to volume sums plus a pairwise
// overlap test swept along dim 0, itself capped at MAX_TILING_PAIRS comparisons.
// Before either: a tensor of a few chunks (nearly all of them) that are inside the shape, pairwise
// disjoint and distinct, and whose volumes add up to the shape's, tiles it exactly; that proof
// costs no allocation, so a 100k-key checkpoint skips 100k grids. Anything else (a gap, an
// overlap, a duplicate, a bad box) goes the long way, which finds and names it.

import { FormatError } from '../../../shared/errors';
import { numel } from '../../../shared/model/shape';
import { MAX_TILING_CELLS, MAX_TILING_PAIRS } from './limits';

export interface Box {
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
}

export interface TilingResult<T extends Box> {
  /** The chunks with identical boxes collapsed (first one kept), in their original order: the array passed in when none are. */
  readonly chunks: readonly T[];
  readonly duplicates: number;
  /** True when the overlap test was cut short by MAX_TILING_PAIRS. */
  readonly overlapCheckSkipped: boolean;
}

const fmt = (xs: readonly number[]): string => `(${xs.join(', ')})`;

function inconsistent(key: string, message: string): FormatError {
  return new FormatError('INCONSISTENT', `tensor "${key}": ${message}`, { key });
}

/** Chunk counts up to this try the allocation-free proof first (its n² / 2 box pairs also count against MAX_TILING_PAIRS). */
const QUICK_TILING_MAX_CHUNKS = 32;

export function checkTiling<T extends Box>(key: string, shape: readonly number[], chunks: readonly T[]): TilingResult<T> {
  const n = chunks.length;
  if (n <= QUICK_TILING_MAX_CHUNKS && (n * (n - 1)) / 2 <= MAX_TILING_PAIRS && tilesExactly(shape, chunks)) {
    return { chunks, duplicates: 0, overlapCheckSkipped: false };
  }
  const seen = new Set<string>();
  const unique: T[] = [];
  for (const c of chunks) {
    const id = `${c.offsets.join(',')}|${c.sizes.join(',')}`;
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push(c);
  }
  const total = numel(shape);
  if (total === null) throw new FormatError('LIMIT', `tensor "${key}": shape ${fmt(shape)} has more than 2^53 elements`, { key });
  const nonEmpty: T[] = [];
  let volume = 0;
  for (const c of unique) {
    if (c.offsets.length !== shape.length || c.sizes.length !== shape.length) {
      throw inconsistent(key, `chunk at offsets ${fmt(c.offsets)} has ${c.sizes.length} dims, the tensor ${shape.length}`);
    }
    for (let d = 0; d < shape.length; d++) {
      // offset == size is legal for an empty chunk (uneven sharding: offsets (2, 0), sizes (0, 3)).
      if ((c.offsets[d] as number) + (c.sizes[d] as number) > (shape[d] as number)) {
        throw inconsistent(key, `chunk at offsets ${fmt(c.offsets)} with sizes ${fmt(c.sizes)} lies outside shape ${fmt(shape)}`);
      }
    }
    const n = numel(c.sizes) as number; // bounded by the shape's numel, checked above
    if (n > 0) {
      nonEmpty.push(c);
      volume += n;
    }
  }
  const base = { chunks: unique, duplicates: chunks.length - unique.length };
  if (total === 0) return { ...base, overlapCheckSkipped: false };
  const grid = gridCheck(key, shape, nonEmpty);
  if (grid) return { ...base, overlapCheckSkipped: false };
  const skipped = pairwiseOverlap(key, nonEmpty);
  if (volume < total) throw inconsistent(key, `chunks cover ${volume} of ${total} elements; the checkpoint is partial`);
  if (volume > total && !skipped) throw inconsistent(key, `chunks hold ${volume} elements for ${total}`);
  return { ...base, overlapCheckSkipped: skipped };
}

/**
 * True when the boxes provably tile the shape with none repeated: each has the shape's rank and
 * lies inside it, no two overlap or are equal, and their volumes sum to the shape's. False means
 * "not proven" (the caller's full check then decides and names the problem).
 */
function tilesExactly(shape: readonly number[], boxes: readonly Box[]): boolean {
  const nd = shape.length;
  const total = numel(shape);
  if (total === null) return false;
  let volume = 0;
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i] as Box;
    if (a.offsets.length !== nd || a.sizes.length !== nd) return false;
    let n = 1;
    for (let d = 0; d < nd; d++) {
      const size = a.sizes[d] as number;
      if ((a.offsets[d] as number) + size > (shape[d] as number)) return false;
      n *= size; // ≤ the shape's numel (≤ 2^53) since the box is inside it
    }
    volume += n;
    for (let j = 0; j < i; j++) {
      const b = boxes[j] as Box;
      let overlap = true;
      let same = true;
      for (let d = 0; d < nd; d++) {
        const ao = a.offsets[d] as number;
        const bo = b.offsets[d] as number;
        const as = a.sizes[d] as number;
        const bs = b.sizes[d] as number;
        if (!(ao < bo + bs && bo < ao + as)) overlap = false;
        if (ao !== bo || as !== bs) same = false;
      }
      if (overlap || same) return false;
    }
  }
  return volume === total;
}

/** The exact grid check; false when the grid would be too large. */
function gridCheck(key: string, shape: readonly number[], boxes: readonly Box[]): boolean {
  const nd = shape.length;
  const cuts: number[][] = [];
  let cells = 1;
  for (let d = 0; d < nd; d++) {
    const s = new Set<number>([0, shape[d] as number]);
    for (const b of boxes) {
      s.add(b.offsets[d] as number);
      s.add((b.offsets[d] as number) + (b.sizes[d] as number));
    }
    const sorted = [...s].sort((x, y) => x - y);
    cuts.push(sorted);
    cells *= sorted.length - 1;
    if (cells > MAX_TILING_CELLS) return false;
  }
  const index = cuts.map((c) => new Map(c.map((v, i) => [v, i])));
  const strides = new Array<number>(nd);
  let acc = 1;
  for (let d = nd - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= (cuts[d] as number[]).length - 1;
  }
  const owner = new Int32Array(cells).fill(-1);
  boxes.forEach((b, bi) => {
    const lo = b.offsets.map((o, d) => index[d]?.get(o) as number);
    const hi = b.offsets.map((o, d) => index[d]?.get(o + (b.sizes[d] as number)) as number);
    const pos = [...lo];
    for (;;) {
      let cell = 0;
      for (let d = 0; d < nd; d++) cell += (pos[d] as number) * (strides[d] as number);
      const prev = owner[cell] as number;
      if (prev >= 0) {
        const other = boxes[prev] as Box;
        throw inconsistent(key, `chunks at offsets ${fmt(other.offsets)} (sizes ${fmt(other.sizes)}) and ${fmt(b.offsets)} (sizes ${fmt(b.sizes)}) overlap`);
      }
      owner[cell] = bi;
      let d = nd - 1;
      while (d >= 0) {
        pos[d] = (pos[d] as number) + 1;
        if ((pos[d] as number) < (hi[d] as number)) break;
        pos[d] = lo[d] as number;
        d--;
      }
      if (d < 0) break;
    }
  });
  const gap = owner.indexOf(-1);
  if (gap >= 0) {
    let rest = gap;
    const at: number[] = [];
    const len: number[] = [];
    for (let d = 0; d < nd; d++) {
      const i = Math.floor(rest / (strides[d] as number));
      rest -= i * (strides[d] as number);
      const c = cuts[d] as number[];
      at.push(c[i] as number);
      len.push((c[i + 1] as number) - (c[i] as number));
    }
    let covered = 0;
    for (const b of boxes) covered += numel(b.sizes) as number;
    throw inconsistent(key, `chunks cover ${covered} of ${numel(shape)} elements; nothing holds the box at offsets ${fmt(at)} with sizes ${fmt(len)} (the checkpoint is partial)`);
  }
  return true;
}

/** Pairwise overlap test swept along dim 0; returns true if cut short. */
function pairwiseOverlap(key: string, boxes: readonly Box[]): boolean {
  const sorted = [...boxes].sort((a, b) => (a.offsets[0] as number) - (b.offsets[0] as number));
  let pairs = 0;
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i] as Box;
    const aEnd = (a.offsets[0] as number) + (a.sizes[0] as number);
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j] as Box;
      if ((b.offsets[0] as number) >= aEnd) break;
      if (++pairs > MAX_TILING_PAIRS) return true;
      const overlaps = a.offsets.every((o, d) => o < (b.offsets[d] as number) + (b.sizes[d] as number) && (b.offsets[d] as number) < o + (a.sizes[d] as number));
      if (overlaps) throw inconsistent(key, `chunks at offsets ${fmt(a.offsets)} and ${fmt(b.offsets)} overlap`);
    }
  }
  return false;
}
