// What every CLI verb shares: output streams and the exit-code convention.
//   0 done (diff: identical), 1 diff found differences / verification failed, 2 bad input or usage.

import type { Writable } from 'node:stream';

export const EXIT_OK = 0;
export const EXIT_DIFFERENT = 1;
export const EXIT_BAD_INPUT = 2;

export interface CliContext {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Set by a verb; main() returns it. */
  exitCode: number;
}
