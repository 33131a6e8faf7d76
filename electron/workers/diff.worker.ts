// Worker thread for `diff`: compares tensor ranges of two checkpoints. Refuses to run outside a
// worker (serveWorker checks). The work itself lives in services/diff/.

import { serveWorker } from './serve';
import type { DiffWorkerApi } from './diff-api';
import { BlockingFolder } from '../io/blocking-folder';
import { runTask } from '../services/diff/work';
import { PROGRESS_EVENTS_PER_SECOND } from '../../shared/ipc/progress';

/**
 * Progress is batched by time: the main thread throttles to ~10 events/s anyway, and each
 * postMessage wakes it (costly on a busy 2-core machine: up to 0.5 ms per message measured).
 */
const PROGRESS_INTERVAL_MS = 1000 / PROGRESS_EVENTS_PER_SECOND;

serveWorker<DiffWorkerApi>('diff.worker', {
  ready: () => Promise.resolve({ value: true }),
  compare: async (job, ctx) => {
    // Each job opens both folders and closes them when done: no file handle outlives a job.
    // Blocking reads: this thread has nothing else to do meanwhile (see blocking-folder.ts).
    const a = new BlockingFolder(job.rootA);
    const b = job.rootB === job.rootA ? a : new BlockingFolder(job.rootB);
    let pending = 0;
    let last = performance.now();
    try {
      const results = await runTask(job.task, {
        a,
        b,
        signal: ctx.signal,
        onBytes: (n) => {
          pending += n;
          const now = performance.now();
          if (now - last >= PROGRESS_INTERVAL_MS) {
            ctx.progress(pending);
            pending = 0;
            last = now;
          }
        },
      });
      if (pending > 0) ctx.progress(pending);
      return { value: results };
    } finally {
      await Promise.all([a.close(), b === a ? undefined : b.close()]);
    }
  },
});
