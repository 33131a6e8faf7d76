// Statistics of one tensor (min, max, mean, std, NaN and Inf counts, histogram) for the details
// pane. The numbers come from tensor-data/stats.ts over the streamed blocks; this module adds
// progress, cancel, and running it in a worker thread (workers/pool.ts) so that a 10 GB
// embedding table never blocks main's (or the `ui` server's) event loop.

import * as path from 'node:path';
import type { CheckpointFolder } from '../../io/folder';
import type { TensorEntry } from '../../../shared/model/checkpoint';
import type { TensorStats } from '../../../shared/model/stats';
import { FormatError } from '../../../shared/errors';
import { WorkerPool } from '../../workers/pool';
import { readTensorBlocks } from '../tensor-data/read';
import { createStatsAccumulator } from '../tensor-data/stats';

export interface StatsRunOptions {
  readonly signal?: AbortSignal;
  /** Bytes read so far of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Streams the tensor through the accumulator on the calling thread. */
export async function computeTensorStats(folder: CheckpointFolder, entry: TensorEntry, opts: StatsRunOptions = {}): Promise<TensorStats> {
  if (entry.dtype === 'complex64') {
    throw new FormatError('UNSUPPORTED', `"${entry.key}" is complex64: statistics are computed for real dtypes only`, { key: entry.key });
  }
  const acc = createStatsAccumulator(entry.dtype);
  let done = 0;
  opts.onProgress?.(0, entry.nbytes);
  for await (const block of readTensorBlocks(folder, entry, opts.signal ? { signal: opts.signal } : {})) {
    acc.push(block);
    done += block.length;
    opts.onProgress?.(done, entry.nbytes);
  }
  return acc.result();
}

/** The worker's API (tensor-stats.worker.ts serves it). */
export interface StatsWorkerApi {
  stats: { args: { readonly root: string; readonly entry: TensorEntry }; result: TensorStats; progress: { readonly done: number; readonly total: number } };
}

/** Beside this file, with this file's extension: .js when compiled, .ts under vitest. */
const WORKER_MODULE = path.join(__dirname, `tensor-stats.worker${path.extname(__filename)}`);

/**
 * Runs computeTensorStats in a worker thread that opens `root` itself (file handles don't cross
 * threads). One short-lived worker per request: stats are asked for one tensor at a time, and
 * nothing lingers between clicks.
 */
export async function runTensorStatsInWorker(root: string, entry: TensorEntry, opts: StatsRunOptions = {}): Promise<TensorStats> {
  const pool = new WorkerPool<StatsWorkerApi>({ module: WORKER_MODULE, size: 1 });
  try {
    return await pool.call('stats', { root, entry }, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => opts.onProgress?.(p.done, p.total),
    });
  } finally {
    await pool.close();
  }
}
