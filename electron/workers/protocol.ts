// The wire between the main thread and worker threads: seq-numbered calls and their answers,
// plus progress and log messages. Errors travel as AppError data (class instances and custom
// fields do not survive postMessage; codes do). Buffers in arguments or results are
// transferred, not copied, when the caller lists them.

import type { AppError, ErrorCode } from '../../shared/errors';

/** One method of a worker API: what it takes, what it returns, what progress it reports. */
export interface MethodSpec {
  readonly args: unknown;
  readonly result: unknown;
  readonly progress: unknown;
}

/** A worker API: method name → MethodSpec. */
export type WorkerApi<Api> = { [M in keyof Api]: MethodSpec };

export type MainToWorker =
  | { readonly kind: 'call'; readonly seq: number; readonly method: string; readonly args: unknown }
  | { readonly kind: 'cancel'; readonly seq: number };

export type LogLevel = 'info' | 'warn' | 'error';

export type WorkerToMain =
  | { readonly kind: 'result'; readonly seq: number; readonly value: unknown }
  | { readonly kind: 'error'; readonly seq: number; readonly error: AppError }
  | { readonly kind: 'progress'; readonly seq: number; readonly value: unknown }
  | { readonly kind: 'log'; readonly level: LogLevel; readonly message: string };

const ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NOT_FOUND', 'NOT_A_CHECKPOINT', 'TRUNCATED', 'CORRUPT', 'UNSUPPORTED', 'LIMIT', 'UNSAFE_PATH',
  'INCONSISTENT', 'IO', 'DISK_FULL', 'EXISTS', 'CANCELLED', 'VERIFY_FAILED', 'BAD_REQUEST', 'INTERNAL',
]);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function isAppError(x: unknown): x is AppError {
  return isRecord(x) && typeof x.code === 'string' && ERROR_CODES.has(x.code as ErrorCode) && typeof x.message === 'string';
}

export function isMainToWorker(x: unknown): x is MainToWorker {
  if (!isRecord(x) || typeof x.seq !== 'number') return false;
  if (x.kind === 'call') return typeof x.method === 'string';
  return x.kind === 'cancel';
}

export function isWorkerToMain(x: unknown): x is WorkerToMain {
  if (!isRecord(x)) return false;
  switch (x.kind) {
    case 'result':
    case 'progress':
      return typeof x.seq === 'number';
    case 'error':
      return typeof x.seq === 'number' && isAppError(x.error);
    case 'log':
      return (x.level === 'info' || x.level === 'warn' || x.level === 'error') && typeof x.message === 'string';
    default:
      return false;
  }
}
