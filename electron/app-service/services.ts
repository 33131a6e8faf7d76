// The real services behind the app's commands, adapted to the Session's Services interface:
// wire requests become each service's own options, and each service's progress becomes the
// one JobProgress shape the renderer draws.

import type { ConvertOptions, ConvertPhase } from '../../shared/model/convert';
import type { DiffOptions } from '../../shared/model/diff';
import type { ConvertRequest, DiffRequest } from '../../shared/ipc/contract';
import { openCheckpointInWorker } from '../services/inspect/open-in-worker';
import { previewTensor } from '../services/inspect/preview';
import { runTensorStatsInWorker } from '../services/inspect/tensor-stats';
import { convertCheckpoint } from '../services/convert/convert-checkpoint';
import { diffCheckpoints } from '../services/diff/diff-checkpoints';
import type { Services } from './session';

const CONVERT_PHASES: Readonly<Record<ConvertPhase, string>> = {
  plan: 'planning',
  write: 'writing shards',
  sync: 'flushing to disk',
  verify: 'verifying',
  commit: 'finishing',
};

export function convertOptions(r: ConvertRequest): ConvertOptions {
  return {
    modelOnly: r.modelOnly,
    dtype: r.dtype,
    ...(r.maxShardBytes !== null ? { maxShardSize: r.maxShardBytes } : {}),
    preset: r.preset !== null && r.configPath !== null ? { name: r.preset, configPath: r.configPath } : null,
    verify: r.verify,
    force: r.replaceExisting,
    // One click: the folder appears only once it is on disk (a laptop's battery, a USB drive).
    sync: true,
  };
}

export function diffOptions(r: DiffRequest): DiffOptions {
  return {
    ...(r.atol !== null ? { atol: r.atol } : {}),
    ...(r.rtol !== null ? { rtol: r.rtol } : {}),
    dtypeInsensitive: r.dtypeInsensitive,
    modelOnly: r.modelOnly,
    ...(r.preset !== null ? { preset: r.preset } : {}),
    ...(r.configPath !== null ? { config: r.configPath } : {}),
  };
}

export const DEFAULT_SERVICES: Services = {
  openCheckpoint: (p) => openCheckpointInWorker(p),
  previewTensor: (folder, entry, limit, signal) => previewTensor(folder, entry, limit, signal),
  tensorStats: (open, entry, { signal, onProgress }) =>
    runTensorStatsInWorker(open.folder.root, entry, {
      signal,
      onProgress: (done, total) => onProgress({ phase: 'reading', done, total, unit: 'bytes' }),
    }),
  convert: (source, r, { signal, onProgress }) =>
    convertCheckpoint(source, r.destination, convertOptions(r), {
      signal,
      onProgress: (p) => onProgress({ phase: CONVERT_PHASES[p.phase], done: p.bytesDone, total: p.bytesTotal, unit: 'bytes' }),
    }),
  diff: (a, b, r, { signal, onProgress }) =>
    diffCheckpoints(a, b, diffOptions(r), {
      signal,
      onProgress: (p) => onProgress({ phase: 'comparing', done: p.bytesDone, total: p.bytesTotal, unit: 'bytes' }),
    }),
};
