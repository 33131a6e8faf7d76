// What a reader call ends in, as a value a test can compare: 'value' when it returns, else the
// typed error's code (or the FormatError itself). Keeps "at the limit it reads, past it LIMIT"
// tests to one expect each.

import type { CheckpointFolder } from '../../electron/io/folder';
import { FormatError, toAppError, type ErrorCode } from '../../shared/errors';
import { VirtualFolder } from './virtual-folder';

export async function outcome(f: () => Promise<unknown> | unknown): Promise<ErrorCode | 'value'> {
  try {
    await f();
    return 'value';
  } catch (e) {
    return toAppError(e).code;
  }
}

export interface WholeFileLimitOutcomes {
  /** Outcome with the file exactly `limit` bytes long. */
  readonly at: ErrorCode | 'value';
  /** Outcome with the file one byte longer. */
  readonly past: ErrorCode | 'value';
  /** Bytes `read` took from the longer file: 0 when the size check comes before any read. */
  readonly pastBytesRead: number;
}

/**
 * A file read whole, at and one byte past its size limit: `read` runs on a virtual folder holding
 * only `name` (declared `limit` / `limit + 1` bytes long, starting with `head`, zeros after).
 */
export async function wholeFileLimitOutcomes(
  name: string,
  limit: number,
  head: Uint8Array,
  read: (folder: CheckpointFolder) => Promise<unknown>,
): Promise<WholeFileLimitOutcomes> {
  const at = await outcome(() => read(new VirtualFolder(new Map([[name, { size: limit, head }]]))));
  const pastFolder = new VirtualFolder(new Map([[name, { size: limit + 1, head }]]));
  const past = await outcome(() => read(pastFolder));
  return { at, past, pastBytesRead: pastFolder.sources.get(name)?.bytesRead ?? 0 };
}

/** The FormatError `p` rejects with; anything else (a value, another error) fails the test. */
/** The FormatError a synchronous call throws (any other outcome fails the test). */
export function failure(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

export async function formatFailure(p: Promise<unknown>): Promise<FormatError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}
