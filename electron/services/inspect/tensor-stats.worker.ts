// Worker thread for tensor-stats.ts: opens the checkpoint folder itself, streams one tensor
// through the statistics accumulator, and reports progress at most PROGRESS_EVENTS_PER_SECOND.
// serveWorker refuses to run this module outside a worker thread.

import { PROGRESS_EVENTS_PER_SECOND } from '../../../shared/ipc/progress';
import { NodeFolder } from '../../io/node-folder';
import { serveWorker } from '../../workers/serve';
import { computeTensorStats, type StatsWorkerApi } from './tensor-stats';

const GAP_MS = 1000 / PROGRESS_EVENTS_PER_SECOND;

serveWorker<StatsWorkerApi>('tensor-stats.worker', {
  stats: async ({ root, entry }, ctx) => {
    const folder = new NodeFolder(root);
    let last = -Infinity;
    try {
      const stats = await computeTensorStats(folder, entry, {
        signal: ctx.signal,
        onProgress: (done, total) => {
          const now = performance.now();
          if (now - last < GAP_MS && done < total) return;
          last = now;
          ctx.progress({ done, total });
        },
      });
      return { value: stats };
    } finally {
      await folder.close();
    }
  },
});
