// Which output file each tensor goes to, the way Hugging Face splits a state dict:
// huggingface_hub `split_state_dict_into_shards_factory` (serialization/_base.py) walks the
// tensors in order and starts a new shard when the next one would tip the current shard over
// `max_shard_size`; a tensor bigger than the limit gets a shard of its own (appended at once,
// so it can come before the shard being filled). A tensor never splits across files.
// File names: `model.safetensors` for one shard, else `model-{k:05d}-of-{n:05d}.safetensors`.

import { FormatError } from '../../../shared/errors';

/** huggingface_hub's MAX_SHARD_SIZE: 5 GB, decimal. */
export const DEFAULT_MAX_SHARD_SIZE = 5_000_000_000;

/** Decimal units as huggingface_hub `parse_size_to_int`; binary ones as transformers accepts them. */
const SIZE_UNITS: Readonly<Record<string, number>> = {
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/**
 * `5GB`, `500MB`, `1.5GB`, `1GiB`, or a plain byte count. As huggingface_hub does,
 * the value may be fractional and the result is truncated: int(value * multiplier).
 */
export function parseShardSize(size: string | number): number {
  const bad = (why: string): FormatError =>
    new FormatError('BAD_REQUEST', `--max-shard-size ${JSON.stringify(String(size))}: ${why} (examples: 5GB, 500MB, 1GiB, 1000000)`);
  let bytes: number;
  if (typeof size === 'number') {
    bytes = size;
  } else {
    const m = /^\s*(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*([a-zA-Z]*)\s*$/.exec(size);
    if (m === null) throw bad('not a size');
    const value = Number(size.trim().slice(0, size.trim().length - m[2]!.length));
    const unit = m[2]!.toUpperCase();
    if (unit === '' || unit === 'B') bytes = value;
    else {
      const mult = SIZE_UNITS[unit];
      if (mult === undefined) throw bad(`unit "${m[2]}" is not one of KB, MB, GB, TB, KiB, MiB, GiB, TiB`);
      bytes = value * mult;
    }
  }
  bytes = Math.trunc(bytes);
  if (!Number.isSafeInteger(bytes)) throw bad('too large');
  if (bytes < 1) throw bad('must be at least 1 byte');
  return bytes;
}

export interface ShardAssignment<T> {
  /** Output file name → its items, in the order they were assigned. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly items: readonly T[] }>;
  /** Sum of the sizes: the index's total_size. */
  readonly totalSize: number;
}

export const SINGLE_FILE_NAME = 'model.safetensors';
export const INDEX_FILE_NAME = 'model.safetensors.index.json';

export function shardFileName(k: number, n: number): string {
  const pad = (x: number): string => String(x).padStart(5, '0');
  return `model-${pad(k)}-of-${pad(n)}.safetensors`;
}

/** Greedy split in `items` order; `sizeOf` is the item's byte size in the output. */
export function assignShards<T>(items: readonly T[], sizeOf: (item: T) => number, maxShardSize: number): ShardAssignment<T> {
  const shards: T[][] = [];
  let current: T[] = [];
  let currentSize = 0;
  let totalSize = 0;
  for (const item of items) {
    const size = sizeOf(item);
    totalSize += size;
    if (size > maxShardSize) {
      shards.push([item]);
      continue;
    }
    if (currentSize + size > maxShardSize) {
      shards.push(current);
      current = [];
      currentSize = 0;
    }
    current.push(item);
    currentSize += size;
  }
  if (current.length > 0) shards.push(current);
  if (shards.length === 1) return { files: [{ name: SINGLE_FILE_NAME, items: shards[0]! }], totalSize };
  return { files: shards.map((s, i) => ({ name: shardFileName(i + 1, shards.length), items: s })), totalSize };
}
