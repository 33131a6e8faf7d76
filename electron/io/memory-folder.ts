import type { CheckpointFolder } from './folder';
import type { ByteSource } from './byte-source';
import { MemorySource } from './memory-source';
import { assertBareFileName } from '../formats/paths';
import { FormatError } from '../../shared/errors';
import type { FileInfo } from '../../shared/model/checkpoint';

/** An in-memory folder for tests: name → bytes. */
export class MemoryFolder implements CheckpointFolder {
  constructor(
    private readonly files: ReadonlyMap<string, Uint8Array>,
    readonly root = '/memory',
    private readonly dirs: readonly string[] = [],
  ) {}
  listFiles(): Promise<readonly FileInfo[]> {
    return Promise.resolve([...this.files].map(([name, b]) => ({ name, size: b.length })).sort((a, b) => (a.name < b.name ? -1 : 1)));
  }
  listDirs(): Promise<readonly string[]> {
    return Promise.resolve([...this.dirs]);
  }
  open(name: string): Promise<ByteSource> {
    assertBareFileName(name);
    const b = this.files.get(name);
    if (b === undefined) return Promise.reject(new FormatError('NOT_FOUND', `${name} is missing from the checkpoint folder`, { file: name }));
    return Promise.resolve(new MemorySource(name, b));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
