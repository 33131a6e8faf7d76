// Worker thread for open-in-worker.ts: reads a checkpoint's headers and sends the model back.
// serveWorker refuses to run this module outside a worker thread.

import { serveWorker } from '../../workers/serve';
import { openCheckpoint } from './open';
import { packModel } from './model-wire';
import type { OpenWorkerApi } from './open-in-worker';

serveWorker<OpenWorkerApi>('open.worker', {
  open: async ({ path }) => {
    const ck = await openCheckpoint(path);
    try {
      const { packed, transfer } = packModel(ck.model);
      return { value: packed, transfer };
    } finally {
      await ck.close();
    }
  },
});
