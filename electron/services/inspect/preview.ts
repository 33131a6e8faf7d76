// The first values of one tensor, for the details pane: read only the leading dim-0 rows that
// hold them, decode, and send numbers where JSON can carry them exactly (text otherwise).

import type { CheckpointFolder } from '../../io/folder';
import type { TensorEntry } from '../../../shared/model/checkpoint';
import { DTYPES } from '../../../shared/model/dtype';
import { numel } from '../../../shared/model/shape';
import { FormatError } from '../../../shared/errors';
import type { PreviewValue, TensorPreview } from '../../../shared/ipc/contract';
import { readTensorBlocks } from '../tensor-data/read';
import { decodeToFloat64 } from '../tensor-data/decode';

/** What the details pane shows by default: ten rows of ten. */
export const DEFAULT_PREVIEW_VALUES = 100;
/**
 * The reader yields whole dim-0 rows; a preview of a tensor whose single row is bigger than this
 * (e.g. shape [1, 2^31]) is refused rather than reading gigabytes for a hundred numbers.
 */
export const MAX_PREVIEW_ROW_BYTES = 256 * 1024 * 1024;
/** Small blocks: a preview needs a few KB, not the reader's 8 MiB default. */
const PREVIEW_BLOCK_BYTES = 64 * 1024;

export async function previewTensor(
  folder: CheckpointFolder,
  entry: TensorEntry,
  limit: number = DEFAULT_PREVIEW_VALUES,
  signal?: AbortSignal,
): Promise<TensorPreview> {
  const elements = numel(entry.shape) ?? 0;
  const want = Math.max(0, Math.min(limit, elements));
  const base = { key: entry.key, dtype: entry.dtype, shape: entry.shape, elements };
  if (want === 0) return { ...base, values: [] };
  const itemsize = DTYPES[entry.dtype].itemsize;
  const rowElements = entry.shape.length === 0 ? 1 : elements / (entry.shape[0] ?? 1);
  if (rowElements * itemsize > MAX_PREVIEW_ROW_BYTES) {
    throw new FormatError(
      'LIMIT',
      `first values of "${entry.key}": one row of shape ${JSON.stringify(entry.shape)} is ${rowElements * itemsize} bytes, above the ${MAX_PREVIEW_ROW_BYTES}-byte preview limit`,
      { key: entry.key },
    );
  }
  const rows = entry.shape.length === 0 ? undefined : ([0, Math.ceil(want / rowElements)] as const);
  const needBytes = want * itemsize;
  const bytes = new Uint8Array(needBytes);
  let have = 0;
  for await (const block of readTensorBlocks(folder, entry, { blockBytes: PREVIEW_BLOCK_BYTES, signal, ...(rows ? { rows } : {}) })) {
    const take = Math.min(block.length, needBytes - have);
    bytes.set(block.subarray(0, take), have); // blocks are reused by the reader: copy
    have += take;
    if (have >= needBytes) break;
  }
  return { ...base, values: decodePreview(entry.dtype, bytes.subarray(0, have)) };
}

/** Exported for tests: element bytes → wire values. */
export function decodePreview(dtype: TensorEntry['dtype'], bytes: Uint8Array): PreviewValue[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'bool':
      return Array.from(bytes, (b) => (b !== 0 ? 'True' : 'False'));
    case 'int64':
    case 'uint64': {
      // Exact: float64 would round values beyond 2^53 (step counters, token ids, hashes).
      const out: PreviewValue[] = [];
      for (let o = 0; o + 8 <= bytes.length; o += 8) {
        const v = dtype === 'int64' ? view.getBigInt64(o, true) : view.getBigUint64(o, true);
        const small = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER);
        out.push(small ? Number(v) : v.toString());
      }
      return out;
    }
    case 'complex64': {
      const out: PreviewValue[] = [];
      for (let o = 0; o + 8 <= bytes.length; o += 8) {
        const re = view.getFloat32(o, true);
        const im = view.getFloat32(o + 4, true);
        out.push(`${formatPart(re)}${im < 0 || Object.is(im, -0) ? '-' : '+'}${formatPart(Math.abs(im))}j`);
      }
      return out;
    }
    default:
      return Array.from(decodeToFloat64(dtype, bytes), wireNumber);
  }
}

function wireNumber(x: number): PreviewValue {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return x;
}

function formatPart(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(Math.fround(x) === x ? Number(x.toPrecision(7)) : x);
}
