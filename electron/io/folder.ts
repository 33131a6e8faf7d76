// What format readers see of a checkpoint folder: its file list and positional reads.
// The Node implementation is node-folder.ts; tests may use an in-memory one (memory-folder.ts).

import type { ByteSource } from './byte-source';
import type { FileInfo } from '../../shared/model/checkpoint';

export interface CheckpointFolder {
  /** Absolute path, for messages and for reopening in a worker. */
  readonly root: string;
  /** Regular files directly inside the folder (symlinks followed), sorted by name. */
  listFiles(): Promise<readonly FileInfo[]>;
  /** Sub-folders directly inside the folder, sorted by name. */
  listDirs(): Promise<readonly string[]>;
  /**
   * A file directly inside the folder. `name` must be a bare file name (see formats/paths.ts);
   * anything else is refused with FormatError('UNSAFE_PATH'). Handles are cached until close().
   */
  open(name: string): Promise<ByteSource>;
  close(): Promise<void>;
}
