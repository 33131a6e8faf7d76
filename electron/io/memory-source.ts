import { type ByteSource, checkRange } from './byte-source';

/** A ByteSource over bytes already in memory (tests, decompressed items). */
export class MemorySource implements ByteSource {
  readonly size: number;
  constructor(readonly name: string, private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return Promise.resolve(this.bytes.subarray(offset, offset + length));
  }
  readInto(target: Uint8Array, offset: number): Promise<void> {
    checkRange(this, offset, target.length);
    target.set(this.bytes.subarray(offset, offset + target.length));
    return Promise.resolve();
  }
  /** Synchronous access for parsers that already hold the whole thing. */
  bytesView(): Uint8Array {
    return this.bytes;
  }
}

/** A window [base, base+size) of another source, renamed for messages. */
export class SliceSource implements ByteSource {
  constructor(
    private readonly inner: ByteSource,
    private readonly base: number,
    readonly size: number,
    readonly name: string = inner.name,
  ) {
    checkRange(inner, base, size);
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return this.inner.read(this.base + offset, length);
  }
  async readInto(target: Uint8Array, offset: number): Promise<void> {
    checkRange(this, offset, target.length);
    if (this.inner.readInto) return this.inner.readInto(target, this.base + offset);
    target.set(await this.inner.read(this.base + offset, target.length));
  }
}
