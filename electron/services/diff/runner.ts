// Where diff tasks run: in worker threads through the shared WorkerPool (workers/pool.ts, the
// `diff.worker` module), or in the calling thread when threads = 0.

import { setMaxListeners } from 'node:events';
import type { CheckpointFolder } from '../../io/folder';
import { WorkerPool } from '../../workers/pool';
import type { DiffWorkerApi } from '../../workers/diff-api';
import { runTask, type ItemResult, type WorkTask } from './work';

export interface TaskRunner {
  /** Runs a task; `onBytes` reports bytes read as they are read. */
  run(task: WorkTask, onBytes: (n: number) => void): Promise<ItemResult[]>;
}

export function inlineRunner(a: CheckpointFolder, b: CheckpointFolder, signal?: AbortSignal): TaskRunner {
  return { run: (task, onBytes) => runTask(task, { a, b, onBytes, ...(signal ? { signal } : {}) }) };
}

/** A pool of diff worker threads; they open the checkpoints by path (handles don't cross threads). */
export class DiffWorkers {
  private readonly pool: WorkerPool<DiffWorkerApi>;
  // Every queued call listens for cancel, and hundreds of queued tasks are normal here, so the
  // caller's signal is relayed through one signal exempt from the 10-listener leak warning.
  private readonly relay = new AbortController();
  private readonly onAbort = (): void => this.relay.abort();

  constructor(
    readonly size: number,
    private readonly signal?: AbortSignal,
  ) {
    this.pool = new WorkerPool<DiffWorkerApi>({ module: 'diff.worker', size });
    setMaxListeners(0, this.relay.signal);
    if (signal?.aborted) this.relay.abort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /**
   * Starts every thread now, so that loading their modules (~0.1 s of CPU each) overlaps the
   * main thread's opening of the checkpoints instead of following it.
   */
  warm(): void {
    for (let i = 0; i < this.size; i++) this.pool.call('ready', null, { signal: this.relay.signal }).catch(() => undefined);
  }

  runner(rootA: string, rootB: string): TaskRunner {
    return { run: (task, onBytes) => this.pool.call('compare', { rootA, rootB, task }, { onProgress: onBytes, signal: this.relay.signal }) };
  }

  close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    return this.pool.close();
  }
}
