// sha256 of every tensor of a checkpoint, for `inspect --hash`. Small checkpoints hash in this
// thread; large ones in worker threads, one per core (sha256 runs at ~1.7 GB/s on one core, so a
// single thread, not the disk, would bound a multi-GB checkpoint).

import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import type { CheckpointFolder } from '../../io/folder';
import type { CheckpointModel, TensorEntry } from '../../../shared/model/checkpoint';
import { hashTensor } from './hash';
import { WorkerPool } from '../../workers/pool';
import { batchBySize } from '../../workers/batch';
import type { HashWorkerApi } from '../../workers/hash-api';

/** Below this many tensor bytes, starting threads costs more than it saves. */
const IN_THREAD_BYTES = 256 * 1024 * 1024;
/** Bytes per worker job: small enough to balance, large enough that messages cost nothing. */
const JOB_BYTES = 64 * 1024 * 1024;

export interface HashAllTuning {
  /** Tensor bytes below which hashing stays in this thread (tests set 0 to use workers). */
  readonly inThreadBytes?: number;
  readonly jobBytes?: number;
}

export async function hashAllTensors(
  model: CheckpointModel,
  folder: CheckpointFolder,
  signal?: AbortSignal,
  tuning: HashAllTuning = {},
): Promise<Map<string, string>> {
  const tensors = model.entries.filter((e): e is TensorEntry => e.kind === 'tensor');
  const total = tensors.reduce((n, e) => n + e.nbytes, 0);
  const threads = Math.min(4, availableParallelism());
  const out = new Map<string, string>();
  if (total < (tuning.inThreadBytes ?? IN_THREAD_BYTES) || threads < 2) {
    for (const e of tensors) out.set(e.key, await hashTensor(folder, e, signal));
    return out;
  }
  const jobs = batchBySize(tensors, (e) => e.nbytes, tuning.jobBytes ?? JOB_BYTES);
  if (signal) setMaxListeners(0, signal); // one abort listener per queued job, by design
  const pool = new WorkerPool<HashWorkerApi>({ module: 'hash.worker', size: threads });
  try {
    const results = await Promise.all(jobs.map((entries) => pool.call('hash', { root: folder.root, entries }, signal ? { signal } : {})));
    jobs.forEach((entries, j) => entries.forEach((e, i) => out.set(e.key, results[j]![i]!)));
    return out;
  } finally {
    await pool.close();
  }
}
