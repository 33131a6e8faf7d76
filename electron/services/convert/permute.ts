// The RoPE row permutation of q/k projection weights (torchtitan `_permute`, used by its
// `to_hf`): w.view(heads, dim1 // heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2).
// Within each head of `headDim` rows, output row j·half + i is source row 2i + j (j ∈ {0, 1}):
// the even source rows first, then the odd ones. A window of source row pairs [2a, 2b) of a
// head therefore lands as two contiguous runs of output rows, [a, b) and [half + a, half + b),
// which lets the writer stream a head with a bounded buffer instead of holding the tensor.

import { FormatError } from '../../../shared/errors';

export interface PermuteGeometry {
  readonly heads: number;
  readonly headRows: number;
  /** Row pairs per head: headRows / 2. */
  readonly half: number;
}

/** Checks that a [dim1, dim2] tensor splits into `heads` heads of an even number of rows. */
export function permuteGeometry(key: string, shape: readonly number[], heads: number): PermuteGeometry {
  const dim1 = shape[0];
  if (shape.length !== 2 || dim1 === undefined) {
    throw new FormatError('INCONSISTENT', `tensor "${key}" has shape [${shape.join(', ')}]; the RoPE permutation needs a 2-D weight`, { key });
  }
  if (!Number.isSafeInteger(heads) || heads < 1 || dim1 % (2 * heads) !== 0) {
    throw new FormatError(
      'INCONSISTENT',
      `tensor "${key}" has ${dim1} rows, which do not split into ${heads} heads of an even number of rows; check the head counts in the model config`,
      { key },
    );
  }
  const headRows = dim1 / heads;
  return { heads, headRows, half: headRows / 2 };
}

/** The source row that output row `outRow` comes from. */
export function permutedSourceRow(outRow: number, g: PermuteGeometry): number {
  const h = Math.floor(outRow / g.headRows);
  const r = outRow - h * g.headRows;
  const j = r >= g.half ? 1 : 0;
  const i = r - j * g.half;
  return h * g.headRows + 2 * i + j;
}

/**
 * Copies the rows of `pairs` (2·n consecutive source rows of `rowBytes` each) with parity
 * `parity` (0: even, 1: odd) into `out`, packed: n rows.
 */
export function takeRows(pairs: Uint8Array, rowBytes: number, parity: 0 | 1, out: Uint8Array): Uint8Array {
  const n = pairs.length / (2 * rowBytes);
  const dst = out.subarray(0, n * rowBytes);
  for (let i = 0; i < n; i++) {
    const from = (2 * i + parity) * rowBytes;
    dst.set(pairs.subarray(from, from + rowBytes), i * rowBytes);
  }
  return dst;
}
