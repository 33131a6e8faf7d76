// openCheckpoint for the app: the headers are parsed in a worker thread, so that opening a
// 100,000-key DCP folder (a second of pickle decoding) never blocks main's or the `ui` server's
// event loop. The model is plain data and crosses back by structured clone, its chunk lists
// packed into moved typed arrays (model-wire.ts); main then reads tensor bytes through its own
// NodeFolder on the same root.

import * as path from 'node:path';
import type { CheckpointModel } from '../../../shared/model/checkpoint';
import { NodeFolder } from '../../io/node-folder';
import { WorkerPool } from '../../workers/pool';
import type { OpenCheckpoint } from './open';
import { type PackedModel, unpackModel } from './model-wire';

export interface OpenWorkerApi {
  open: { args: { path: string }; result: PackedModel; progress: never };
}

const WORKER_MODULE = path.join(__dirname, `open.worker${path.extname(__filename)}`);

export async function openCheckpointInWorker(target: string, signal?: AbortSignal): Promise<OpenCheckpoint> {
  const pool = new WorkerPool<OpenWorkerApi>({ module: WORKER_MODULE, size: 1 });
  let model: CheckpointModel;
  try {
    model = unpackModel(await pool.call('open', { path: target }, signal ? { signal } : {}));
  } finally {
    await pool.close();
  }
  const folder = new NodeFolder(model.root);
  return { model, folder, close: () => folder.close() };
}
