// The store's state, slice by slice. Slices hold ids, summaries and small views of one tensor at
// a time (details, first values, stats); never tensor bytes (house style rule 15).

import type { AppError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import type {
  AppInfo,
  CheckpointId,
  CheckpointSummary,
  ConvertRequest,
  DiffRequest,
  EntryDetail,
  JobId,
  JobKind,
  JobProgress,
  JobValue,
  RecentFolder,
  TensorPreview,
} from '../../shared/ipc/contract';
import type { EntryTree } from '../lib/entry-tree';
import type { TableView } from '../lib/diff-rows';

export type Loadable<T> = { readonly state: 'loading' } | { readonly state: 'ready'; readonly value: T } | { readonly state: 'error'; readonly error: AppError };

export interface Loaded {
  readonly summary: CheckpointSummary;
  readonly tree: EntryTree;
}

export type Screen = 'start' | 'inspect' | 'compare';
export type OpenPurpose = 'open' | 'compare';

export interface AppSlice {
  info: AppInfo | null;
  bootError: AppError | null;
  recent: readonly RecentFolder[];
  /** One-line message at the bottom of the window. */
  notice: { readonly tone: 'error' | 'info'; readonly text: string } | null;
  screen: Screen;
  boot(): Promise<void>;
  notify(tone: 'error' | 'info', text: string): void;
  dismissNotice(): void;
  setScreen(screen: Screen): void;
  removeRecent(path: string): Promise<void>;
}

export interface CheckpointsSlice {
  checkpoints: Readonly<Record<CheckpointId, Loaded>>;
  activeId: CheckpointId | null;
  compareId: CheckpointId | null;
  /** The path being opened, and why. */
  opening: { readonly path: string; readonly purpose: OpenPurpose } | null;
  openError: AppError | null;
  /** The browser-mode "type a path" dialog. */
  pathDialog: OpenPurpose | null;
  openPath(path: string, purpose?: OpenPurpose): Promise<boolean>;
  /** Desktop: native dialog; browser: the path dialog. */
  chooseAndOpen(purpose: OpenPurpose): Promise<void>;
  setPathDialog(p: CheckpointsSlice['pathDialog']): void;
  closeCheckpoint(id: CheckpointId): Promise<void>;
  clearOpenError(): void;
}

export interface SelectionSlice {
  selectedKey: string | null;
  /** Expanded node ids per checkpoint. */
  expanded: Readonly<Record<CheckpointId, ReadonlySet<number>>>;
  query: string;
  select(key: string | null): void;
  toggle(id: CheckpointId, node: number, open?: boolean): void;
  setQuery(q: string): void;
}

export interface DetailsSlice {
  details: Readonly<Record<string, Loadable<EntryDetail>>>;
  previews: Readonly<Record<string, Loadable<TensorPreview>>>;
  /** Stats job of each (checkpoint, key). */
  statsJobs: Readonly<Record<string, JobId>>;
  loadDetail(id: CheckpointId, key: string): Promise<void>;
  loadPreview(id: CheckpointId, key: string): Promise<void>;
  computeStats(id: CheckpointId, key: string): Promise<void>;
}

export interface JobState {
  readonly kind: JobKind;
  readonly progress: JobProgress | null;
  readonly outcome: Result<JobValue> | null;
}

export interface JobsSlice {
  jobs: Readonly<Record<JobId, JobState>>;
  startJob(kind: JobKind, start: (jobId: JobId) => Promise<Result<{ jobId: JobId }>>): Promise<JobId | null>;
  cancelJob(jobId: JobId): Promise<void>;
  onProgress(p: JobProgress): void;
  onDone(jobId: JobId, kind: JobKind, outcome: Result<JobValue>): void;
}

export interface ConvertSlice {
  convertOpen: boolean;
  convertJobId: JobId | null;
  convertError: AppError | null;
  /** The last request, to show what is being written where. */
  convertRequest: ConvertRequest | null;
  openConvert(): void;
  closeConvert(): void;
  startConvert(request: ConvertRequest): Promise<void>;
}

export interface DiffSlice {
  diffJobId: JobId | null;
  diffRequest: DiffRequest;
  diffTable: TableView;
  diffSelected: string | null;
  setDiffRequest(r: Partial<DiffRequest>): void;
  startDiff(): Promise<void>;
  setDiffTable(v: Partial<TableView>): void;
  selectDiffRow(key: string | null): void;
}

export type Store = AppSlice & CheckpointsSlice & SelectionSlice & DetailsSlice & JobsSlice & ConvertSlice & DiffSlice;

/** Key of per-(checkpoint, key) maps. */
export function itemKey(id: CheckpointId, key: string): string {
  return `${id}\u0000${key}`;
}
