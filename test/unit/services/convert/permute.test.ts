// The permutation against an independent implementation: torchtitan's _permute written as
// index arithmetic over view(heads, half, 2, dim2).transpose(1, 2), and against the inverse
// of gen_realclient.py's reverse_permute (how the titan_llama fixture was made).
import { describe, expect, it } from 'vitest';
import { permuteGeometry, permutedSourceRow, takeRows } from '../../../../electron/services/convert/permute';

/** out[h][j][i] = in[h][i][j] for the view (heads, half, 2) of the rows. */
function titanPermuteRows(dim1: number, heads: number): number[] {
  const half = dim1 / heads / 2;
  const out: number[] = [];
  for (let h = 0; h < heads; h++) for (let j = 0; j < 2; j++) for (let i = 0; i < half; i++) out.push(h * half * 2 + i * 2 + j);
  return out;
}

/** gen_realclient's reverse_permute: view(heads, 2, half).transpose(1, 2): out[h][i][j] = in[h][j][i]. */
function reversePermuteRows(dim1: number, heads: number): number[] {
  const half = dim1 / heads / 2;
  const out: number[] = [];
  for (let h = 0; h < heads; h++) for (let i = 0; i < half; i++) for (let j = 0; j < 2; j++) out.push(h * half * 2 + j * half + i);
  return out;
}

describe('RoPE permutation', () => {
  it.each([
    [8, 1],
    [16, 4],
    [32, 4],
    [8, 2],
    [128, 8],
  ])('matches torchtitan _permute for %d rows, %d heads', (dim1, heads) => {
    const g = permuteGeometry('w', [dim1, 3], heads);
    const rows = Array.from({ length: dim1 }, (_, r) => permutedSourceRow(r, g));
    expect(rows).toEqual(titanPermuteRows(dim1, heads));
  });

  it('undoes the reverse_permute the titan_llama fixture was made with', () => {
    const g = permuteGeometry('w', [32, 32], 4);
    const rev = reversePermuteRows(32, 4); // titan[r] = hf[rev[r]]
    for (let r = 0; r < 32; r++) expect(rev[permutedSourceRow(r, g)]).toBe(r); // hf[r] back at r
  });

  it('takeRows packs the even or odd rows of a window of row pairs', () => {
    const rowBytes = 3;
    const pairs = Uint8Array.from({ length: 4 * 2 * rowBytes }, (_, i) => Math.floor(i / rowBytes)); // rows 0..7
    const out = new Uint8Array(4 * rowBytes);
    expect([...takeRows(pairs, rowBytes, 0, out)]).toEqual([0, 0, 0, 2, 2, 2, 4, 4, 4, 6, 6, 6]);
    expect([...takeRows(pairs, rowBytes, 1, out)]).toEqual([1, 1, 1, 3, 3, 3, 5, 5, 5, 7, 7, 7]);
  });

  it('refuses shapes that do not split into heads of an even number of rows', () => {
    expect(() => permuteGeometry('q', [12, 4], 4)).toThrow(/12 rows.*4 heads/);
    expect(() => permuteGeometry('q', [16], 4)).toThrow(/2-D/);
    expect(() => permuteGeometry('q', [16, 4, 2], 4)).toThrow(/2-D/);
  });
});
