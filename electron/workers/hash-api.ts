// What the hash worker does, as a typed API for WorkerPool / serveWorker: sha256 of whole tensors
// of one checkpoint folder, which each worker opens itself.

import type { TensorEntry } from '../../shared/model/checkpoint';

export interface HashJob {
  readonly root: string;
  readonly entries: readonly TensorEntry[];
}

export interface HashWorkerApi {
  /** sha256 hex of each entry's full C-contiguous bytes, in the order given. */
  hash: { args: HashJob; result: string[]; progress: never };
}
