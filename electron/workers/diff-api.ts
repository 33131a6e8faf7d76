// What the diff worker does, as a typed API for WorkerPool / serveWorker. A job is plain data:
// the two checkpoint folders' paths and a task of tensor ranges to compare (services/diff/work.ts);
// each worker opens the files itself.

import type { ItemResult, WorkTask } from '../services/diff/work';

export interface DiffJob {
  readonly rootA: string;
  readonly rootB: string;
  readonly task: WorkTask;
}

export interface DiffWorkerApi {
  /** Answers once the thread has loaded its modules (lets the caller start threads early). */
  ready: { args: null; result: true; progress: never };
  /** Progress: bytes read since the last report. */
  compare: { args: DiffJob; result: ItemResult[]; progress: number };
}
