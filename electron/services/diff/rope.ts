// A's rows in Hugging Face order for `diff --preset`: the q/k RoPE permutation that torchtitan's
// `to_hf` applies (geometry and row formula shared with convert: services/convert/permute.ts),
// so a torchtitan tensor can be compared row for row with its Hugging Face export.
// The permutation only moves whole rows within one head, so it streams one head at a time:
// memory is two head-sized buffers (head_dim rows), whatever the tensor.

import type { CheckpointFolder } from '../../io/folder';
import type { TensorEntry } from '../../../shared/model/checkpoint';
import { FormatError } from '../../../shared/errors';
import { readTensorBlocks } from '../tensor-data/assemble';
import { permuteGeometry, permutedSourceRow } from '../convert/permute';

export interface RopeReadOptions {
  readonly signal?: AbortSignal;
  readonly blockBytes?: number;
  /** Dim-0 rows [start, end); both must be multiples of the head size. Default: all rows. */
  readonly rows?: readonly [number, number];
}

/** Rows per head, checking that the permutation applies to this tensor (a 2-D weight). */
export function headRows(entry: TensorEntry, heads: number): number {
  return permuteGeometry(entry.key, entry.shape, heads).headRows;
}

/** Yields A's rows in Hugging Face order, one head per block. */
export async function* ropePermutedBlocks(
  folder: CheckpointFolder,
  entry: TensorEntry,
  heads: number,
  opts: RopeReadOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const geometry = permuteGeometry(entry.key, entry.shape, heads);
  const perHead = geometry.headRows;
  const dim0 = entry.shape[0] ?? 0;
  if (entry.nbytes === 0) return;
  const rowBytes = entry.nbytes / dim0;
  const [start, end] = opts.rows ?? [0, dim0];
  if (start % perHead !== 0 || end % perHead !== 0) {
    throw new FormatError('INTERNAL', `rows ${start}..${end} of "${entry.key}" do not align with heads of ${perHead} rows`, { key: entry.key });
  }
  const input = new Uint8Array(perHead * rowBytes);
  const output = new Uint8Array(perHead * rowBytes);
  for (let h0 = start; h0 < end; h0 += perHead) {
    let filled = 0;
    const read = { rows: [h0, h0 + perHead] as const, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.blockBytes ? { blockBytes: opts.blockBytes } : {}) };
    for await (const block of readTensorBlocks(folder, entry, read)) {
      input.set(block, filled);
      filled += block.length;
    }
    if (filled !== input.length) {
      throw new FormatError('INCONSISTENT', `tensor "${entry.key}": rows ${h0}..${h0 + perHead} gave ${filled} bytes, expected ${input.length}`, { key: entry.key });
    }
    for (let r = 0; r < perHead; r++) {
      const src = permutedSourceRow(r, geometry); // within head 0, the same as within any head
      output.set(input.subarray(src * rowBytes, (src + 1) * rowBytes), r * rowBytes);
    }
    yield output;
  }
}
