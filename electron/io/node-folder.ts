import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { CheckpointFolder } from './folder';
import type { ByteSource } from './byte-source';
import { FileSource } from './file-source';
import { assertBareFileName } from '../formats/paths';
import type { FileInfo } from '../../shared/model/checkpoint';
import { FormatError } from '../../shared/errors';

/** A checkpoint folder on disk. Symlinks the folder holds are followed as the OS does. */
export class NodeFolder implements CheckpointFolder {
  private readonly handles = new Map<string, Promise<FileSource>>();
  private entries: Promise<{ files: FileInfo[]; dirs: string[] }> | undefined;

  constructor(readonly root: string) {}

  private scan(): Promise<{ files: FileInfo[]; dirs: string[] }> {
    this.entries ??= (async () => {
      const names = (await readdir(this.root)).sort();
      const files: FileInfo[] = [];
      const dirs: string[] = [];
      for (const name of names) {
        let st;
        try {
          st = await stat(path.join(this.root, name));
        } catch {
          continue; // a dangling link: not part of the checkpoint
        }
        if (st.isFile()) files.push({ name, size: st.size });
        else if (st.isDirectory()) dirs.push(name);
      }
      return { files, dirs };
    })();
    return this.entries;
  }

  async listFiles(): Promise<readonly FileInfo[]> {
    return (await this.scan()).files;
  }

  async listDirs(): Promise<readonly string[]> {
    return (await this.scan()).dirs;
  }

  open(name: string): Promise<ByteSource> {
    let h = this.handles.get(name);
    if (h === undefined) {
      h = this.openListed(name);
      this.handles.set(name, h);
      h.catch(() => this.handles.delete(name));
    }
    return h;
  }

  /**
   * Only regular files the folder lists are opened: a name from a file can't reach a FIFO or a
   * device (opening one would block forever), nor anything outside the folder.
   */
  private async openListed(name: string): Promise<FileSource> {
    assertBareFileName(name);
    const listed = (await this.scan()).files.some((f) => f.name === name);
    if (!listed) {
      let what = 'is missing from the checkpoint folder';
      try {
        const st = await stat(path.join(this.root, name));
        if (!st.isFile()) what = 'is not a regular file';
      } catch {
        // missing: the default text
      }
      throw new FormatError('NOT_FOUND', `${name} ${what}`, { file: name });
    }
    return FileSource.open(path.join(this.root, name), name);
  }

  /** The FileSource itself, for callers that want readInto(). */
  openFile(name: string): Promise<FileSource> {
    return this.open(name) as Promise<FileSource>;
  }

  async close(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map(async (h) => (await h.catch(() => null))?.close()));
  }
}
