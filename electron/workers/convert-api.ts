// What the convert worker does, as a typed API for WorkerPool / serveWorker. Jobs carry plain
// data only: the source folder's path and the entries to read (the model is plain data), the
// temp file to write into and where; each worker opens files itself.

import type { TensorEntry } from '../../shared/model/checkpoint';
import type { DType } from '../../shared/model/dtype';

export interface WriteTensorTask {
  readonly source: TensorEntry;
  /** Output dtype (differs from the source's when casting). */
  readonly dtype: DType;
  readonly permuteHeads: number | null;
  /** Absolute position of the tensor's bytes in the output file. */
  readonly fileOffset: number;
  /** Output bytes. */
  readonly nbytes: number;
}

/** Tests only: make writes fail as a full disk would. */
export interface WriteFault {
  /** errno code to raise, e.g. 'ENOSPC'. */
  readonly code: string;
  /** Fail the write that would take this job past this many bytes. */
  readonly afterBytes: number;
}

export interface WriteJob {
  /** Folder the source entries' chunk files are in. */
  readonly folderRoot: string;
  /** The pre-sized output file. */
  readonly outFile: string;
  readonly tensors: readonly WriteTensorTask[];
  /** Also return the sha256 of each tensor's output bytes (for --verify). */
  readonly hash: boolean;
  readonly fault?: WriteFault;
}

export interface WriteJobResult {
  /** Per tensor, in job order; null without `hash`. */
  readonly hashes: readonly (string | null)[];
  readonly bytes: number;
}

export interface HashJob {
  readonly folderRoot: string;
  readonly entries: readonly TensorEntry[];
}

export interface HashJobResult {
  readonly hashes: readonly string[];
}

export interface ConvertWorkerApi {
  /** Progress: bytes written since the last report. */
  write: { args: WriteJob; result: WriteJobResult; progress: number };
  /** Progress: bytes hashed since the last report. */
  hash: { args: HashJob; result: HashJobResult; progress: number };
}
