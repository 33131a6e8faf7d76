// The Node side of one app window (or one `ui` server): the checkpoints it has open, by id, and
// its running jobs. The renderer holds ids and summaries; bytes stay here.

import * as path from 'node:path';
import { FormatError } from '../../shared/errors';
import type { Entry, TensorEntry } from '../../shared/model/checkpoint';
import type { TensorStats } from '../../shared/model/stats';
import type {
  CheckpointSummary,
  ConvertOutcome,
  ConvertRequest,
  DiffOutcome,
  DiffRequest,
  TensorPreview,
} from '../../shared/ipc/contract';
import type { CheckpointFolder } from '../io/folder';
import type { OpenCheckpoint } from '../services/inspect/open';
import type { Host } from './host';
import { JobRunner, type ProgressUpdate } from './jobs';
import type { RecentStore } from './recent';
import { summarize } from './summarize';

/** Checkpoints open at once: each holds file handles; a session rarely needs more than a pair. */
export const MAX_OPEN_CHECKPOINTS = 32;

export interface JobOptions {
  readonly signal: AbortSignal;
  readonly onProgress: (u: ProgressUpdate) => void;
}

/** The services the app calls; injected so tests can run the handlers without workers. */
export interface Services {
  openCheckpoint(path: string): Promise<OpenCheckpoint>;
  previewTensor(folder: CheckpointFolder, entry: TensorEntry, limit: number, signal?: AbortSignal): Promise<TensorPreview>;
  tensorStats(open: OpenCheckpoint, entry: TensorEntry, opts: JobOptions): Promise<TensorStats>;
  convert(source: string, request: ConvertRequest, opts: JobOptions): Promise<ConvertOutcome>;
  diff(a: string, b: string, request: DiffRequest, opts: JobOptions): Promise<DiffOutcome>;
}

interface Opened {
  readonly open: OpenCheckpoint;
  readonly byKey: Map<string, Entry>;
}

export class Session {
  readonly jobs: JobRunner;
  private readonly opened = new Map<string, Opened>();
  private nextId = 1;

  constructor(readonly host: Host, readonly services: Services, readonly recent: RecentStore) {
    this.jobs = new JobRunner((name, payload) => host.emit(name, payload));
  }

  async open(target: string): Promise<CheckpointSummary> {
    const abs = path.resolve(target);
    const refused = this.host.allowPath(abs, 'read');
    if (refused !== null) throw new FormatError(refused.code, refused.message, { file: abs });
    if (this.opened.size >= MAX_OPEN_CHECKPOINTS) {
      throw new FormatError('LIMIT', `${MAX_OPEN_CHECKPOINTS} checkpoints are open; close one before opening ${abs}`);
    }
    const open = await this.services.openCheckpoint(abs);
    const id = `c${this.nextId++}`;
    this.opened.set(id, { open, byKey: new Map(open.model.entries.map((e) => [e.key, e])) });
    this.host.grantPath(abs, 'read');
    await this.recent.add(abs, open.model.format);
    return summarize(id, open.model);
  }

  get(id: string): OpenCheckpoint {
    const o = this.opened.get(id);
    if (o === undefined) throw new FormatError('NOT_FOUND', `checkpoint ${id} is not open (it was closed, or the app restarted)`);
    return o.open;
  }

  entry(id: string, key: string): Entry {
    const o = this.opened.get(id);
    if (o === undefined) this.get(id);
    const e = o?.byKey.get(key);
    if (e === undefined) throw new FormatError('NOT_FOUND', `${o?.open.model.root ?? id}: no key "${key}"`, { key });
    return e;
  }

  tensor(id: string, key: string): TensorEntry {
    const e = this.entry(id, key);
    if (e.kind !== 'tensor') throw new FormatError('BAD_REQUEST', `"${key}" is a ${e.pythonType} value, not a tensor`, { key });
    return e;
  }

  async close(id: string): Promise<boolean> {
    const o = this.opened.get(id);
    if (o === undefined) return false;
    this.opened.delete(id);
    await o.open.close();
    return true;
  }

  async dispose(): Promise<void> {
    this.jobs.cancelAll();
    await Promise.all([...this.opened.keys()].map((id) => this.close(id)));
  }
}
