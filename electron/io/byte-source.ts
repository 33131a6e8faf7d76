// Bytes reach the format code only through a ByteSource: positional reads over a file handle,
// or an in-memory array in tests. Parsers never open files themselves.

export interface ByteSource {
  /** A name for messages: the file name relative to the checkpoint folder. */
  readonly name: string;
  readonly size: number;
  /**
   * Exactly `length` bytes from `offset`. Throws FormatError('TRUNCATED') when the range runs
   * past the end. The returned array may be a view into a reused buffer only if documented by
   * the implementation; by default it is owned by the caller.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Optional: fill `target` from `offset` without allocating (files implement it). */
  readInto?(target: Uint8Array, offset: number): Promise<void>;
}

import { FormatError } from '../../shared/errors';

export function checkRange(src: { name: string; size: number }, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError('CORRUPT', `invalid byte range ${offset}+${length}`, { file: src.name, offset });
  }
  if (offset + length > src.size) {
    throw new FormatError(
      'TRUNCATED',
      `bytes ${offset}..${offset + length} are past the end of the file (${src.size} bytes)`,
      { file: src.name, offset },
    );
  }
}
