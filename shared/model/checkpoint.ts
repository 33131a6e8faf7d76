// The format-neutral checkpoint model. Readers (electron/services/inspect/open.ts) build it
// from any layout; inspect, convert and diff work on it without knowing the format.
// Everything here is plain data: it survives structured clone (IPC, postMessage) and JSON.

import type { DType } from './dtype';

/** A step of DCP's `planner_data` path: a dict key (string) or a list index (number). */
export type PathElement = string | number;

export type CheckpointFormat =
  | 'dcp'                   // .metadata + __R_I.distcp
  | 'safetensors'           // one *.safetensors file, no index
  | 'safetensors-sharded'   // model.safetensors.index.json + the files it names
  | 'dcp-hf-shards';        // shard-0000R-model-0000I-of-0000N.safetensors with DCP_SHARDING_INFO

/**
 * Where one chunk's bytes live. `file` is a bare file name relative to the checkpoint root
 * (already checked: no `/`, `\`, `..`, absolute paths).
 * - raw: the chunk's C-contiguous little-endian bytes are exactly [offset, offset+length).
 * - torch-item: a DCP item: a torch.save zip (after undoing `transforms`, e.g. ['stream.zstd/1'])
 *   whose data/0 record holds the chunk; resolved lazily when bytes are needed.
 */
export type ChunkSource =
  | { readonly kind: 'raw'; readonly file: string; readonly offset: number; readonly length: number }
  | {
      readonly kind: 'torch-item';
      readonly file: string;
      readonly offset: number;
      readonly length: number;
      readonly transforms: readonly string[];
    };

/** One box of a tensor: offsets + sizes in the global index space, and its bytes. */
export interface Chunk {
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  readonly source: ChunkSource;
  /** The rank that wrote it, from the file name, when known. */
  readonly rank: number | null;
}

export interface TensorEntry {
  readonly kind: 'tensor';
  /** Flat key: DCP's flattened key, or the safetensors tensor name. */
  readonly key: string;
  /** Nesting: planner_data for DCP; [key] for safetensors. */
  readonly path: readonly PathElement[];
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly nbytes: number;
  readonly chunks: readonly Chunk[];
}

/** A Python value shown as Python shows it. */
export interface ObjectEntry {
  readonly kind: 'object';
  readonly key: string;
  readonly path: readonly PathElement[];
  /** Python type name (`int`, `NoneType`, `tuple`, …) or `unsafe` for a global outside the allow-list. */
  readonly pythonType: string;
  /** Python's repr(); absent for unsafe objects. */
  readonly repr?: string;
  /** `module.name` of the global an unsafe pickle reached for (e.g. `posix.system`). */
  readonly global?: string;
  /** Where the item's bytes are (DCP bytes items). */
  readonly source?: ChunkSource;
}

export type Entry = TensorEntry | ObjectEntry;

export interface FileInfo {
  readonly name: string;
  readonly size: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem that does not stop the read. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly key?: string;
  readonly offset?: number;
}

export interface CheckpointModel {
  readonly format: CheckpointFormat;
  /** Absolute path of the folder (or of the single safetensors file). */
  readonly root: string;
  /** Number of ranks that wrote it, where the layout tells. */
  readonly worldSize: number | null;
  /** In the checkpoint's own order. Keys are unique. */
  readonly entries: readonly Entry[];
  readonly files: readonly FileInfo[];
  readonly diagnostics: readonly Diagnostic[];
  /** Format-level facts worth showing (DCP metadata version, safetensors __metadata__, …). */
  readonly info: Readonly<Record<string, string>>;
}

/** A tensor as `inspect` lists it: what it is and how many chunks hold it, not where their bytes are. */
export interface ListedTensor extends Omit<TensorEntry, 'chunks'> {
  readonly chunkCount: number;
}

export type ListedEntry = ListedTensor | ObjectEntry;

/**
 * A checkpoint as `inspect` lists it: the model without its chunk sources. A 100k-key DCP folder
 * has 400k chunks; a listing is checked as thoroughly as the model but never builds them.
 */
export interface CheckpointListing extends Omit<CheckpointModel, 'entries'> {
  readonly entries: readonly ListedEntry[];
}

export function listedEntry(e: Entry): ListedEntry {
  if (e.kind !== 'tensor') return e;
  const { chunks, ...rest } = e;
  return { ...rest, chunkCount: chunks.length };
}

/** The listing of a full model. */
export function listingOf(model: CheckpointModel): CheckpointListing {
  return { ...model, entries: model.entries.map(listedEntry) };
}
