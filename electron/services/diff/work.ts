// Units of work for the value comparison, and running one unit against two open folders.
//
// A tensor pair becomes one or more items (large tensors split into dim-0 row ranges, so two
// workers can share one big embedding), and items are batched into tasks of about TASK_BYTES
// (a worker takes the next task when it is free). Everything here is plain data: tasks and
// results cross to worker threads by structured clone.

import type { CheckpointFolder } from '../../io/folder';
import type { TensorEntry } from '../../../shared/model/checkpoint';
import { readTensorBlocks, type TensorReadOptions } from '../tensor-data/assemble';
import { compareStreams, equalRegionFigures, type CompareRule, type RangeResult } from './compare';
import { headRows, ropePermutedBlocks } from './rope';
import type { ValuePair } from './match';

/** A tensor larger than this is split into row ranges: big enough that per-range setup is noise. */
export const PIECE_BYTES = 64 * 1024 * 1024;
/** Tasks group small tensors up to this many bytes, so a 100k-key checkpoint is not 100k messages. */
export const TASK_BYTES = 64 * 1024 * 1024;
export const TASK_MAX_ITEMS = 512;
/**
 * Block size asked of readTensorBlocks (2 sides × 2 buffers per worker). Small enough that the
 * blocks of both sides are still in the core's L2 cache (1 MiB on the bench machine) when they
 * are compared; with blocking reads in the workers, per-read overhead is a few µs. Comparing
 * the 2.1 GiB bench input with its HF shards (compare phase, 2 workers, one lightly loaded run):
 * 128 KiB 0.80 s, 256 KiB 0.64 s, 512 KiB 0.65 s, 1 MiB 0.71 s; the fewer buffers, the lower RSS.
 */
export const DIFF_BLOCK_BYTES = 256 * 1024;

export interface WorkItem {
  /** Index of the pair in the run's list. */
  readonly pair: number;
  /** 'compare' reads both sides; 'equal' reads A only, for a range already found byte-equal. */
  readonly mode: 'compare' | 'equal';
  readonly a: TensorEntry;
  readonly b: TensorEntry;
  /** Dim-0 rows [start, end), or null for the whole tensor. */
  readonly rows: readonly [number, number] | null;
  readonly permuteHeads: number | null;
  /** Bytes the item reads on its first pass (for progress and batching). */
  readonly bytes: number;
}

export interface WorkTask {
  readonly rule: CompareRule;
  /** Upper bound of one block read from either side. */
  readonly blockBytes: number;
  readonly items: readonly WorkItem[];
}

export interface ItemResult extends RangeResult {
  readonly index: number;
}

/** Splits each pair into items; pairs with no elements need no reading and get none. */
export function planItems(pairs: readonly ValuePair[], pieceBytes = PIECE_BYTES): WorkItem[] {
  const items: WorkItem[] = [];
  pairs.forEach((p, pair) => {
    if (p.a.nbytes === 0 && p.b.nbytes === 0) return;
    const base = { pair, mode: 'compare' as const, a: p.a, b: p.b, permuteHeads: p.permuteHeads };
    const dim0 = p.a.shape[0];
    const perHead = p.permuteHeads !== null ? headRows(p.a, p.permuteHeads) : 1;
    const big = Math.max(p.a.nbytes, p.b.nbytes);
    if (dim0 === undefined || dim0 <= 1 || big <= pieceBytes) {
      items.push({ ...base, rows: null, bytes: p.a.nbytes + p.b.nbytes });
      return;
    }
    let step = Math.max(1, Math.floor(pieceBytes / (big / dim0)));
    step = Math.ceil(step / perHead) * perHead;
    for (let r = 0; r < dim0; r += step) {
      const end = Math.min(dim0, r + step);
      items.push({ ...base, rows: [r, end], bytes: ((p.a.nbytes + p.b.nbytes) * (end - r)) / dim0 });
    }
  });
  return items;
}

/** Items of the pair's ranges that were byte-equal, re-read from A for their figures. */
export function equalItem(item: WorkItem): WorkItem {
  const dim0 = item.a.shape[0] ?? 1;
  const rows = item.rows === null ? dim0 : item.rows[1] - item.rows[0];
  return { ...item, mode: 'equal', permuteHeads: null, bytes: item.a.shape.length === 0 ? item.a.nbytes : (item.a.nbytes * rows) / dim0 };
}

export function batchTasks(items: readonly WorkItem[], rule: CompareRule, blockBytes = DIFF_BLOCK_BYTES, taskBytes = TASK_BYTES, maxItems = TASK_MAX_ITEMS): WorkTask[] {
  const tasks: WorkTask[] = [];
  let cur: WorkItem[] = [];
  let bytes = 0;
  for (const it of items) {
    if (cur.length > 0 && (bytes + it.bytes > taskBytes || cur.length >= maxItems)) {
      tasks.push({ rule, blockBytes, items: cur });
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += it.bytes;
  }
  if (cur.length > 0) tasks.push({ rule, blockBytes, items: cur });
  return tasks;
}

export interface ItemIo {
  readonly a: CheckpointFolder;
  readonly b: CheckpointFolder;
  readonly signal?: AbortSignal;
  readonly onBytes?: (n: number) => void;
}

/** Runs one task's items in order. */
export async function runTask(task: WorkTask, io: ItemIo): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  for (let i = 0; i < task.items.length; i++) {
    out.push({ index: i, ...(await runItem(task.items[i]!, task.rule, task.blockBytes, io)) });
  }
  return out;
}

export function runItem(item: WorkItem, rule: CompareRule, blockBytes: number, io: ItemIo): Promise<RangeResult> {
  // Buffers no larger than the range itself: small tensors must not cost full-size blocks.
  const opts = (e: TensorEntry): TensorReadOptions => ({
    blockBytes: Math.max(1, Math.min(blockBytes, rangeBytes(e, item.rows))),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(item.rows ? { rows: item.rows } : {}),
  });
  const heads = item.permuteHeads;
  const blocksA = (): AsyncIterable<Uint8Array> => (heads !== null ? ropePermutedBlocks(io.a, item.a, heads, opts(item.a)) : readTensorBlocks(io.a, item.a, opts(item.a)));
  if (item.mode === 'equal') return equalRegionFigures({ dtype: item.a.dtype, blocks: blocksA() }, rule, io.onBytes);
  return compareStreams(
    { dtype: item.a.dtype, blocks: blocksA() },
    { dtype: item.b.dtype, blocks: readTensorBlocks(io.b, item.b, opts(item.b)) },
    rule,
    blocksA,
    io.onBytes,
  );
}

function rangeBytes(e: TensorEntry, rows: readonly [number, number] | null): number {
  const dim0 = e.shape[0];
  return rows === null || dim0 === undefined || dim0 === 0 ? e.nbytes : (e.nbytes / dim0) * (rows[1] - rows[0]);
}
