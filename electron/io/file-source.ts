import { open, type FileHandle } from 'node:fs/promises';
import { type ByteSource, checkRange } from './byte-source';
import { FormatError } from '../../shared/errors';

/** Positional reads over one open file. */
export class FileSource implements ByteSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private readonly fh: FileHandle,
  ) {}

  static async open(absPath: string, name: string): Promise<FileSource> {
    const fh = await open(absPath, 'r');
    const st = await fh.stat();
    return new FileSource(name, st.size, fh);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    const buf = Buffer.allocUnsafe(length);
    await this.readInto(buf, offset);
    return buf;
  }

  /** Fill `buf` from `offset`, for callers that reuse buffers. */
  async readInto(buf: Uint8Array, offset: number): Promise<void> {
    checkRange(this, offset, buf.length);
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await this.fh.read(buf, done, buf.length - done, offset + done);
      if (bytesRead === 0) {
        throw new FormatError('TRUNCATED', `file ended at byte ${offset + done}, expected ${buf.length - done} more bytes`, {
          file: this.name,
          offset: offset + done,
        });
      }
      done += bytesRead;
    }
  }

  get handle(): FileHandle {
    return this.fh;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}
