// Worker thread for `inspect --hash`: hashes whole tensors. Refuses to run outside a worker.

import { serveWorker } from './serve';
import type { HashWorkerApi } from './hash-api';
import { BlockingFolder } from '../io/blocking-folder';
import { hashTensor } from '../services/inspect/hash';
import { blockingReads } from '../services/tensor-data/assemble';

serveWorker<HashWorkerApi>('hash.worker', {
  hash: async (job, ctx) => {
    // Blocking reads: this thread has nothing else to do meanwhile (see blocking-folder.ts).
    const folder = new BlockingFolder(job.root);
    try {
      const out: string[] = [];
      const read = blockingReads();
      for (const e of job.entries) out.push(await hashTensor(folder, e, ctx.signal, read));
      return { value: out };
    } finally {
      await folder.close();
    }
  },
});
