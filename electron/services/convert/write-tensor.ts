// Streams one output tensor into its byte range of an output file: source blocks from
// readTensorBlocks (never the whole tensor), cast per block, RoPE-permuted per head through a
// bounded window of row pairs, written by position. Optionally hashes the bytes meant for the
// file, in file order, for --verify.

import { createHash, type Hash } from 'node:crypto';
import type { CheckpointFolder } from '../../io/folder';
import type { WriteTensorTask } from '../../workers/convert-api';
import type { CastTarget } from '../../../shared/model/convert';
import { DTYPES } from '../../../shared/model/dtype';
import { FormatError } from '../../../shared/errors';
import { blockingReads, readTensorBlocks, type TensorReadOptions } from '../tensor-data/assemble';
import { castElements, CAST_TARGETS } from './cast';
import { permuteGeometry, takeRows, type PermuteGeometry } from './permute';

/** Rows of one head held at once while permuting; a head bigger than this takes two passes. */
export const PERMUTE_WINDOW_BYTES = 8 * 1024 * 1024;

/** Where the bytes go: positional writes into the output file. */
export interface ByteSink {
  write(bytes: Uint8Array, position: number): Promise<void>;
}

export interface WriteTensorOptions {
  readonly signal?: AbortSignal;
  readonly hash: boolean;
  /** How to read the source (default: blockingReads(false)); pass blockingReads() once per job to reuse one buffer. */
  readonly read?: TensorReadOptions;
}

/** Writes the tensor; returns the sha256 (hex) of its output bytes when `hash`, else null. */
export async function writeTensor(folder: CheckpointFolder, task: WriteTensorTask, sink: ByteSink, opts: WriteTensorOptions): Promise<string | null> {
  const h = opts.hash ? createHash('sha256') : null;
  if (task.nbytes > 0) {
    const read: TensorReadOptions = { ...(opts.read ?? blockingReads(false)), ...(opts.signal ? { signal: opts.signal } : {}) };
    const w: Writing = { folder, task, sink, cast: castFor(task), h, read };
    const written = task.permuteHeads === null ? await writeStraight(w) : await writePermuted(w, permuteGeometry(task.source.key, task.source.shape, task.permuteHeads));
    if (written !== task.nbytes) {
      throw new FormatError('INTERNAL', `tensor "${task.source.key}": wrote ${written} bytes, expected ${task.nbytes}`, { key: task.source.key });
    }
  }
  return h === null ? null : h.digest('hex');
}

type Cast = ((block: Uint8Array) => Uint8Array) | null;

/** One tensor being written: from where, to where, the per-block cast, the hash, how to read. */
interface Writing {
  readonly folder: CheckpointFolder;
  readonly task: WriteTensorTask;
  readonly sink: ByteSink;
  readonly cast: Cast;
  readonly h: Hash | null;
  readonly read: TensorReadOptions;
}

/** The per-block conversion for this task (null: bytes pass through), with a reused output buffer. */
function castFor(task: WriteTensorTask): Cast {
  const from = task.source.dtype;
  if (task.dtype === from) return null;
  const to = task.dtype as CastTarget;
  if (!CAST_TARGETS.includes(to)) throw new FormatError('INTERNAL', `cannot cast "${task.source.key}" to ${task.dtype}`, { key: task.source.key });
  const ratio = DTYPES[to].itemsize / DTYPES[from].itemsize;
  let out = new Uint8Array(0);
  return (block) => {
    const need = block.length * ratio;
    if (out.length < need) out = new Uint8Array(need);
    return castElements(block, from, to, out);
  };
}

async function writeStraight({ folder, task, sink, cast, h, read }: Writing): Promise<number> {
  let pos = task.fileOffset;
  for await (const block of readTensorBlocks(folder, task.source, read)) {
    const data = cast === null ? block : cast(block);
    await sink.write(data, pos);
    h?.update(data);
    pos += data.length;
  }
  return pos - task.fileOffset;
}

async function writePermuted({ folder, task, sink, cast, h, read }: Writing, g: PermuteGeometry): Promise<number> {
  const cols = task.source.shape[1]!;
  const rowIn = cols * DTYPES[task.source.dtype].itemsize;
  const rowOut = cols * DTYPES[task.dtype].itemsize;
  const pairsPerWindow = Math.max(1, Math.min(g.half, Math.floor(PERMUTE_WINDOW_BYTES / (2 * Math.max(rowIn, rowOut)))));
  const window = new Uint8Array(2 * pairsPerWindow * rowIn);
  const run = new Uint8Array(pairsPerWindow * rowOut);

  /** Source rows [row0, row0 + 2n), cast: n row pairs in output bytes. */
  const readPairs = async (row0: number, n: number): Promise<Uint8Array> => {
    let at = 0;
    for await (const block of readTensorBlocks(folder, task.source, { ...read, rows: [row0, row0 + 2 * n] })) {
      window.set(block, at);
      at += block.length;
    }
    const rows = window.subarray(0, at);
    return cast === null ? rows : cast(rows);
  };
  let written = 0;
  const put = async (rows: Uint8Array, parity: 0 | 1, outRow: number): Promise<void> => {
    const data = takeRows(rows, rowOut, parity, run);
    await sink.write(data, task.fileOffset + outRow * rowOut);
    h?.update(data);
    written += data.length;
  };

  for (let head = 0; head < g.heads; head++) {
    const base = head * g.headRows;
    if (pairsPerWindow === g.half) {
      // The whole head fits: one read, even rows then odd rows.
      const rows = await readPairs(base, g.half);
      await put(rows, 0, base);
      await put(rows, 1, base + g.half);
      continue;
    }
    // Too big to hold: the even rows in one pass, the odd rows in a second, so bytes still go
    // out (and into the hash) in file order.
    for (const parity of [0, 1] as const) {
      for (let a = 0; a < g.half; a += pairsPerWindow) {
        const n = Math.min(pairsPerWindow, g.half - a);
        await put(await readPairs(base + 2 * a, n), parity, base + parity * g.half + a);
      }
    }
  }
  return written;
}
