// The one wire definition between the renderer and the Node side. The desktop app carries it
// over Electron IPC (preload → ipcMain.handle), `shardscope ui` over HTTP (POST /api/<command>,
// events as Server-Sent Events). The names of `Commands` and `Events` are the allow-list: nothing
// else crosses, and main checks every payload with guards.ts before any handler runs.
//
// Everything here is plain data that survives structured clone and JSON. Numbers that JSON cannot
// carry (NaN, ±Infinity) never appear: previews send them as strings, stats as counts.

import type { Result } from '../result';
import type { CheckpointFormat, Diagnostic, FileInfo, PathElement } from '../model/checkpoint';
import type { DType } from '../model/dtype';
import type { TensorStats } from '../model/stats';
import type { JobKind, JobProgress } from './progress';
import type { ConvertRequest, ConvertOutcome } from './convert-wire';
import type { DiffRequest, DiffOutcome } from './diff-wire';

export type { JobKind, JobProgress } from './progress';
export type { ConvertRequest, ConvertOutcome } from './convert-wire';
export type { DiffRequest, DiffOutcome } from './diff-wire';

/** Handle of a checkpoint opened on the Node side (the renderer never holds its bytes). */
export type CheckpointId = string;
/** Chosen by the renderer (crypto.randomUUID) so it can file progress before the start call returns. */
export type JobId = string;

export type AppMode = 'electron' | 'browser';

export interface RecentFolder {
  readonly path: string;
  readonly format: CheckpointFormat;
  /** Epoch milliseconds. */
  readonly openedAt: number;
}

export interface AppInfo {
  readonly mode: AppMode;
  readonly version: string;
  /** process.platform of the machine that reads the checkpoints. */
  readonly platform: string;
  /** The path given on the command line, opened on start; null for the start screen. */
  readonly initialPath: string | null;
  readonly recent: readonly RecentFolder[];
  /** Where the browser-mode folder browser starts. */
  readonly homeDir: string;
  readonly pathSeparator: '/' | '\\';
  /** Native folder dialogs (desktop app). Browser mode types paths and browses folders instead. */
  readonly canPickFolders: boolean;
  /** "Show in folder" opens the OS file manager (desktop app only). */
  readonly canShowInFolder: boolean;
}

/**
 * The checkpoint's keys as columns (one array per field, index = entry number) rather than one
 * object per key: a 100,000-key model crosses once, at open, in a few MB instead of ten.
 */
export interface EntryTable {
  readonly keys: readonly string[];
  /** planner_data path per entry ([key] when the layout has no nesting). */
  readonly paths: readonly (readonly PathElement[])[];
  /** 't' tensor, 'o' object, 'u' unsafe object (a pickle global outside the allow-list). */
  readonly kinds: readonly ('t' | 'o' | 'u')[];
  /** Tensor dtype, or the Python type name for objects. */
  readonly types: readonly string[];
  /** Tensor shape; [] for objects. */
  readonly shapes: readonly (readonly number[])[];
  /** Tensor bytes; 0 for objects. */
  readonly nbytes: readonly number[];
  /** Number of stored chunks (ranks' pieces) per tensor; 0 for objects. */
  readonly chunkCounts: readonly number[];
}

export interface DTypeTotal {
  readonly dtype: DType;
  readonly tensors: number;
  readonly elements: number;
  readonly bytes: number;
}

export interface CheckpointSummary {
  readonly id: CheckpointId;
  readonly root: string;
  /** Last path component, for titles and tabs. */
  readonly name: string;
  readonly format: CheckpointFormat;
  readonly worldSize: number | null;
  readonly info: Readonly<Record<string, string>>;
  readonly files: readonly FileInfo[];
  readonly diagnostics: readonly Diagnostic[];
  readonly totals: {
    readonly tensors: number;
    readonly objects: number;
    readonly unsafe: number;
    readonly elements: number;
    readonly bytes: number;
    readonly fileBytes: number;
  };
  readonly dtypes: readonly DTypeTotal[];
  readonly entries: EntryTable;
}

/** One stored piece of a tensor: the box it covers and where its bytes are. */
export interface ChunkView {
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly rank: number | null;
  /** 'raw' bytes in place, or a DCP 'torch-item' (a torch.save zip, maybe compressed). */
  readonly container: 'raw' | 'torch-item';
  readonly transforms: readonly string[];
}

export type EntryDetail =
  | {
      readonly kind: 'tensor';
      readonly key: string;
      readonly path: readonly PathElement[];
      readonly dtype: DType;
      readonly shape: readonly number[];
      readonly elements: number;
      readonly nbytes: number;
      readonly chunks: readonly ChunkView[];
    }
  | {
      readonly kind: 'object';
      readonly key: string;
      readonly path: readonly PathElement[];
      readonly pythonType: string;
      readonly repr: string | null;
      /** The global an unsafe pickle reached for (`posix.system`); never called. */
      readonly unsafeGlobal: string | null;
      readonly file: string | null;
      readonly offset: number | null;
    };

/**
 * One element: a number when JSON can carry it exactly; otherwise text: 'nan', 'inf', '-inf',
 * an int64 beyond 2^53 in decimal, 'True'/'False' for bool, `re+imj` for complex64.
 */
export type PreviewValue = number | string;

export interface TensorPreview {
  readonly key: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly elements: number;
  /** The first values in C order. */
  readonly values: readonly PreviewValue[];
}

/** Statistics of one tensor's values (shared/model/stats.ts), with what they describe. */
export interface TensorStatsView {
  readonly key: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly stats: TensorStats;
}

export interface DirEntry {
  readonly name: string;
  /** What the folder's file names suggest it holds (a cheap look; opening is the real test). */
  readonly looksLike: CheckpointFormat | null;
}

export interface DirListing {
  readonly path: string;
  readonly parent: string | null;
  readonly dirs: readonly DirEntry[];
  /** What the folder itself looks like. */
  readonly looksLike: CheckpointFormat | null;
  /** More sub-folders than MAX_LISTED_DIRS: the list is cut. */
  readonly truncated: boolean;
}

export type PickPurpose = 'open' | 'compare' | 'destination' | 'config';

type Empty = Record<string, never>;

/** Request → response of every command. The key is the command name on the wire. */
export interface Commands {
  'app.info': { args: Empty; result: AppInfo };
  /** Native dialog (desktop app): a folder, or for 'config' a JSON file. Browser mode answers UNSUPPORTED. */
  'dialog.pick': { args: { purpose: PickPurpose }; result: { path: string | null } };
  /** Sub-folders of a typed path (browser mode's open and destination fields). */
  'fs.listDir': { args: { path: string }; result: DirListing };
  'checkpoint.open': { args: { path: string }; result: CheckpointSummary };
  'checkpoint.close': { args: { id: CheckpointId }; result: { closed: boolean } };
  'checkpoint.entry': { args: { id: CheckpointId; key: string }; result: EntryDetail };
  'tensor.preview': { args: { id: CheckpointId; key: string; limit: number }; result: TensorPreview };
  /** Starts a job; its progress and TensorStatsView arrive as job.progress / job.done events. */
  'tensor.stats': { args: { id: CheckpointId; key: string; jobId: JobId }; result: { jobId: JobId } };
  'convert.start': { args: { id: CheckpointId; jobId: JobId; request: ConvertRequest }; result: { jobId: JobId } };
  'diff.start': { args: { a: CheckpointId; b: CheckpointId; jobId: JobId; request: DiffRequest }; result: { jobId: JobId } };
  'job.cancel': { args: { jobId: JobId }; result: { cancelled: boolean } };
  'recent.remove': { args: { path: string }; result: { recent: readonly RecentFolder[] } };
  /** Desktop app: reveal in the OS file manager. Browser mode answers { shown: false }. */
  'shell.showInFolder': { args: { path: string }; result: { shown: boolean } };
}

export type CommandName = keyof Commands;
export type ArgsOf<K extends CommandName> = Commands[K]['args'];
export type ResultOf<K extends CommandName> = Commands[K]['result'];

export type JobValue =
  | { readonly kind: 'stats'; readonly stats: TensorStatsView }
  | { readonly kind: 'convert'; readonly summary: ConvertOutcome }
  | { readonly kind: 'diff'; readonly report: DiffOutcome };

/** Node side → renderer. */
export interface Events {
  'job.progress': JobProgress;
  'job.done': { readonly jobId: JobId; readonly kind: JobKind; readonly outcome: Result<JobValue> };
  /** A path the user gave after start (second launch, macOS open-file, a drop on the dock icon). */
  'app.openRequested': { readonly path: string };
}

export type EventName = keyof Events;

/** The allow-lists, at runtime. `satisfies` keeps them equal to the maps' keys. */
export const COMMAND_NAMES = [
  'app.info',
  'dialog.pick',
  'fs.listDir',
  'checkpoint.open',
  'checkpoint.close',
  'checkpoint.entry',
  'tensor.preview',
  'tensor.stats',
  'convert.start',
  'diff.start',
  'job.cancel',
  'recent.remove',
  'shell.showInFolder',
] as const satisfies readonly CommandName[];

export const EVENT_NAMES = ['job.progress', 'job.done', 'app.openRequested'] as const satisfies readonly EventName[];

// Compile-time check that the lists name every key (a missing name fails here).
type Missing<All, Listed> = Exclude<All, Listed>;
const allCommandsListed: Missing<CommandName, (typeof COMMAND_NAMES)[number]> extends never ? true : never = true;
const allEventsListed: Missing<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : never = true;
void allCommandsListed;
void allEventsListed;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && (COMMAND_NAMES as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

/** Electron IPC channel names: one per command, plus one for events and the preload's drop grant. */
export const IPC_PREFIX = 'shardscope:';
export const IPC_EVENT_CHANNEL = 'shardscope:event';
/** Only the preload sends this, with a path from webUtils.getPathForFile (a real user drop). */
export const IPC_GRANT_DROP_CHANNEL = 'shardscope:grant-drop';

export type EventListener = <E extends EventName>(name: E, payload: Events[E]) => void;

/** What the preload exposes as `window.shardscope`: one function per command, and events. */
export interface ShardscopeBridge {
  readonly commands: { readonly [K in CommandName]: (args: ArgsOf<K>) => Promise<Result<ResultOf<K>>> };
  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  /** The OS path of a File from a drop; grants it to main. Null for a File with no path. */
  grantDroppedFile(file: unknown): Promise<string | null>;
}
