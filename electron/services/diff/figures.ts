// Element-wise comparison figures, accumulated slice by slice and merged across row ranges.
// The rules (bitwise / numpy.isclose, which positions count) are documented in shared/model/diff.ts.
//
// PartialFigures is plain data: workers send it back to the main thread, which merges the
// pieces of one tensor (sums add, maxima take the max) and turns them into ValueFigures.

import type { ValueFigures } from '../../../shared/model/diff';

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export interface PartialFigures {
  numel: number;
  nDifferent: number;
  /** Positions where both values are finite. */
  finitePairs: number;
  sumAbs: number;
  maxAbs: number;
  maxRel: number;
  /** Σab, Σa², Σb² over finite pairs (for the cosine). */
  dot: number;
  sumSqA: number;
  sumSqB: number;
  nanA: number;
  infA: number;
  nanB: number;
  infB: number;
}

export function emptyFigures(): PartialFigures {
  return { numel: 0, nDifferent: 0, finitePairs: 0, sumAbs: 0, maxAbs: 0, maxRel: 0, dot: 0, sumSqA: 0, sumSqB: 0, nanA: 0, infA: 0, nanB: 0, infB: 0 };
}

export function mergeFigures(into: PartialFigures, f: PartialFigures): PartialFigures {
  into.numel += f.numel;
  into.nDifferent += f.nDifferent;
  into.finitePairs += f.finitePairs;
  into.sumAbs += f.sumAbs;
  if (f.maxAbs > into.maxAbs) into.maxAbs = f.maxAbs;
  if (f.maxRel > into.maxRel) into.maxRel = f.maxRel;
  into.dot += f.dot;
  into.sumSqA += f.sumSqA;
  into.sumSqB += f.sumSqB;
  into.nanA += f.nanA;
  into.infA += f.infA;
  into.nanB += f.nanB;
  into.infB += f.infB;
  return into;
}

export function finishFigures(f: PartialFigures): ValueFigures {
  const denom = Math.sqrt(f.sumSqA) * Math.sqrt(f.sumSqB);
  let cosine: number | null = null;
  if (denom > 0 && Number.isFinite(denom) && Number.isFinite(f.dot)) {
    // Rounding can push |cos| a hair past 1.
    cosine = Math.max(-1, Math.min(1, f.dot / denom));
  }
  return {
    numel: f.numel,
    nDifferent: f.nDifferent,
    maxAbsDiff: f.maxAbs,
    meanAbsDiff: f.finitePairs > 0 ? f.sumAbs / f.finitePairs : 0,
    maxRelDiff: f.maxRel,
    cosine,
    nanA: f.nanA,
    infA: f.infA,
    nanB: f.nanB,
    infB: f.infB,
  };
}

type Values = Float64Array | Float32Array;

/**
 * Adds positions [0, n) of `a` against `b` to `f`. With `tol` null the bitwise rule applies to
 * the decoded values: equal when a === b with the same sign of zero, or both NaN. That is exact
 * bit equality for every float format (decoding is one-to-one apart from NaN payloads) and for
 * integers up to 2^53; 64-bit integers beyond that are recounted from raw bits by the caller.
 */
export function accumulate(f: PartialFigures, a: Values, b: Values, n: number, tol: Tolerance | null): void {
  let nDiff = 0, pairs = 0, sumAbs = 0, maxAbs = f.maxAbs, maxRel = f.maxRel;
  let dot = 0, sa = 0, sb = 0, nanA = 0, infA = 0, nanB = 0, infB = 0;
  const atol = tol === null ? 0 : tol.atol;
  const rtol = tol === null ? 0 : tol.rtol;
  const bitwise = tol === null;
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    // v − v is 0 exactly for finite v (NaN for NaN and ±inf).
    const xFinite = x - x === 0;
    const yFinite = y - y === 0;
    if (xFinite && yFinite) {
      const d = Math.abs(x - y);
      pairs++;
      sumAbs += d;
      if (d > maxAbs) maxAbs = d;
      if (y !== 0) {
        const r = d / Math.abs(y);
        if (r > maxRel) maxRel = r;
      }
      dot += x * y;
      sa += x * x;
      sb += y * y;
      const equal = bitwise ? x === y && (x !== 0 || 1 / x === 1 / y) : d <= atol + rtol * Math.abs(y);
      if (!equal) nDiff++;
    } else {
      const xNan = x !== x;
      const yNan = y !== y;
      if (xNan) nanA++;
      else if (!xFinite) infA++;
      if (yNan) nanB++;
      else if (!yFinite) infB++;
      // Both NaN (equal_nan), or the same infinity; anything else against a non-finite differs.
      if (!((xNan && yNan) || x === y)) nDiff++;
    }
  }
  // maxAbs and maxRel started from f's, so taking the larger keeps what the loop found.
  mergeFigures(f, { numel: n, nDifferent: nDiff, finitePairs: pairs, sumAbs, maxAbs, maxRel, dot, sumSqA: sa, sumSqB: sb, nanA, infA, nanB, infB });
}

/**
 * Figures of a region where both sides are known to be equal (bytes compared equal), from A's
 * values alone: counts and sums of squares, no differences.
 */
export function accumulateEqual(f: PartialFigures, a: Values, n: number): void {
  let pairs = 0, sq = 0, nan = 0, inf = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    if (x - x === 0) {
      pairs++;
      sq += x * x;
    } else if (x !== x) nan++;
    else inf++;
  }
  mergeFigures(f, { numel: n, nDifferent: 0, finitePairs: pairs, sumAbs: 0, maxAbs: 0, maxRel: 0, dot: sq, sumSqA: sq, sumSqB: sq, nanA: nan, infA: inf, nanB: nan, infB: inf });
}

/** Elements whose `size`-byte patterns differ (for 64-bit integers, where decoding can round). */
export function countDifferentElements(a: Uint8Array, b: Uint8Array, size: number): number {
  const n = a.length / size;
  let diff = 0;
  for (let i = 0, o = 0; i < n; i++, o += size) {
    for (let k = 0; k < size; k++) {
      if (a[o + k] !== b[o + k]) {
        diff++;
        break;
      }
    }
  }
  return diff;
}
