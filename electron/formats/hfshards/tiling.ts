// Do a tensor's parts (one box per rank) tile its global shape exactly? Formats.md section 5:
// volumes must add up and no two boxes may intersect; a box seen twice (same offsets and sizes,
// e.g. a replica written by two ranks) counts once. If the volumes fall short, a rank's part is
// missing: we say which tensor and which boxes we have instead of returning zeros.

import { FormatError } from '../../../shared/errors';
import { numel } from '../../../shared/model/shape';

export interface Part {
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Where it came from, for messages (a file name). */
  readonly file: string;
}

/** Per dimension, the largest offset + size over the parts: the global shape they imply. */
export function impliedShape(parts: readonly Part[]): number[] {
  const ndim = parts[0]?.sizes.length ?? 0;
  const shape = new Array<number>(ndim).fill(0);
  for (const p of parts) for (let d = 0; d < ndim; d++) shape[d] = Math.max(shape[d] as number, (p.offsets[d] as number) + (p.sizes[d] as number));
  return shape;
}

/** `[0:4, 0:16]` */
export function formatBox(p: Part): string {
  return `[${p.sizes.map((s, d) => `${p.offsets[d]}:${(p.offsets[d] as number) + s}`).join(', ')}]`;
}

/**
 * Throws FormatError('INCONSISTENT') unless `parts` tile `shape`; returns the parts with
 * duplicate boxes removed (first kept). All parts have `shape.length` dims and lie inside it.
 */
export function checkTiling<T extends Part>(key: string, shape: readonly number[], parts: readonly T[]): T[] {
  const seen = new Set<string>();
  const unique = parts.filter((p) => {
    const id = `${p.offsets.join(',')}|${p.sizes.join(',')}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const total = numel(shape);
  if (total === null) throw new FormatError('LIMIT', `tensor ${JSON.stringify(key)}: shape [${shape.join(', ')}] has more than 2^53 elements`, { key });
  const filled = unique.filter((p) => (numel(p.sizes) ?? 0) > 0);
  findOverlap(key, filled);
  const covered = filled.reduce((s, p) => s + (numel(p.sizes) as number), 0);
  if (covered !== total) {
    const shown = filled.slice(0, 8).map((p) => `${formatBox(p)} from ${p.file}`);
    const more = filled.length > 8 ? `, and ${filled.length - 8} more` : '';
    throw new FormatError(
      'INCONSISTENT',
      `tensor ${JSON.stringify(key)} (shape [${shape.join(', ')}]): its parts cover ${covered} of ${total} elements (${shown.join('; ') || 'no parts'}${more}); a rank's part is missing`,
      { key },
    );
  }
  return unique;
}

/** Pairwise intersection test, swept along the dimension with the most distinct offsets. */
function findOverlap(key: string, parts: readonly Part[]): void {
  const ndim = parts[0]?.sizes.length ?? 0;
  if (parts.length < 2) return;
  if (ndim === 0) {
    const [a, b] = parts as [Part, Part]; // two distinct non-empty 0-d boxes cannot exist; defensive
    throw overlapError(key, a, b);
  }
  let axis = 0;
  let best = -1;
  for (let d = 0; d < ndim; d++) {
    const distinct = new Set(parts.map((p) => p.offsets[d])).size;
    if (distinct > best) [axis, best] = [d, distinct];
  }
  const sorted = [...parts].sort((a, b) => (a.offsets[axis] as number) - (b.offsets[axis] as number));
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i] as Part;
    const aEnd = (a.offsets[axis] as number) + (a.sizes[axis] as number);
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j] as Part;
      if ((b.offsets[axis] as number) >= aEnd) break;
      if (intersects(a, b)) throw overlapError(key, a, b);
    }
  }
}

function intersects(a: Part, b: Part): boolean {
  for (let d = 0; d < a.sizes.length; d++) {
    const ao = a.offsets[d] as number;
    const bo = b.offsets[d] as number;
    if (!(ao < bo + (b.sizes[d] as number) && bo < ao + (a.sizes[d] as number))) return false;
  }
  return true;
}

function overlapError(key: string, a: Part, b: Part): FormatError {
  return new FormatError('INCONSISTENT', `tensor ${JSON.stringify(key)}: part ${formatBox(a)} from ${a.file} overlaps part ${formatBox(b)} from ${b.file}`, { key });
}
