// A checkpoint folder whose files may be far larger than memory: each file is a declared size plus
// the bytes that are actually known (a head, and optionally a tail); reads of the rest return
// lazily zeroed arrays. Lets limit tests present a 1 GiB `.metadata` or a 256 MiB index without
// writing one, so the reader's size checks (which must come before any read) are what is tested.

import type { ByteSource } from '../../electron/io/byte-source';
import { checkRange } from '../../electron/io/byte-source';
import type { CheckpointFolder } from '../../electron/io/folder';
import type { FileInfo } from '../../shared/model/checkpoint';
import { assertBareFileName } from '../../electron/formats/paths';
import { FormatError } from '../../shared/errors';

export interface VirtualFile {
  readonly size: number;
  /** Bytes at offset 0 (the rest reads as zeros). */
  readonly head?: Uint8Array;
}

export class VirtualSource implements ByteSource {
  /** Total bytes handed out by read(), so a test can see that a reader read nothing big. */
  bytesRead = 0;
  constructor(
    readonly name: string,
    private readonly file: VirtualFile,
  ) {}
  get size(): number {
    return this.file.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    this.bytesRead += length;
    const out = new Uint8Array(length); // calloc'd: untouched pages cost no memory
    const head = this.file.head;
    if (head !== undefined && offset < head.length) out.set(head.subarray(offset, Math.min(head.length, offset + length)), 0);
    return Promise.resolve(out);
  }
}

export class VirtualFolder implements CheckpointFolder {
  readonly sources = new Map<string, VirtualSource>();
  constructor(
    private readonly files: ReadonlyMap<string, VirtualFile>,
    readonly root = '/virtual',
  ) {}
  listFiles(): Promise<readonly FileInfo[]> {
    return Promise.resolve([...this.files].map(([name, f]) => ({ name, size: f.size })).sort((a, b) => (a.name < b.name ? -1 : 1)));
  }
  listDirs(): Promise<readonly string[]> {
    return Promise.resolve([]);
  }
  open(name: string): Promise<ByteSource> {
    assertBareFileName(name);
    const f = this.files.get(name);
    if (f === undefined) return Promise.reject(new FormatError('NOT_FOUND', `${name} is missing`, { file: name }));
    let s = this.sources.get(name);
    if (s === undefined) this.sources.set(name, (s = new VirtualSource(name, f)));
    return Promise.resolve(s);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
