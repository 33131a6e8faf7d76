// Errors cross every edge (IPC, worker messages, CLI) as plain values with a closed code set.

export type ErrorCode =
  | 'NOT_FOUND'            // a file or folder is missing
  | 'NOT_A_CHECKPOINT'     // a folder holds no layout Shardscope reads
  | 'TRUNCATED'            // a file ends before a structure it declares
  | 'CORRUPT'              // bytes do not follow the format
  | 'UNSUPPORTED'          // valid, but a variant Shardscope does not handle (unknown transform, dtype)
  | 'LIMIT'                // a named safety limit was exceeded
  | 'UNSAFE_PATH'          // a path inside a file leads outside the checkpoint folder
  | 'INCONSISTENT'         // parts disagree (chunks do not tile a tensor, dtype mismatch, …)
  | 'IO'                   // the OS refused a read or write
  | 'DISK_FULL'            // ENOSPC / EDQUOT while writing
  | 'EXISTS'               // destination exists and --force was not given
  | 'CANCELLED'            // the user cancelled
  | 'VERIFY_FAILED'        // --verify found a difference
  | 'BAD_REQUEST'          // bad CLI usage or IPC payload
  | 'INTERNAL';            // a bug

export interface AppError {
  readonly code: ErrorCode;
  /** One plain line, naming the file, key or offset where it applies. */
  readonly message: string;
  readonly file?: string;
  readonly key?: string;
  readonly offset?: number;
}

export interface ErrorWhere {
  file?: string;
  key?: string;
  offset?: number;
}

/** Thrown inside parsers and services; turned into an AppError at module edges. */
export class FormatError extends Error {
  readonly code: ErrorCode;
  file?: string;
  key?: string;
  offset?: number;
  constructor(code: ErrorCode, message: string, where: ErrorWhere = {}) {
    super(message);
    this.name = 'FormatError';
    this.code = code;
    this.file = where.file;
    this.key = where.key;
    this.offset = where.offset;
  }

  /** Attach a file name if none is set yet (parsers don't know which file they read). */
  inFile(file: string): this {
    if (this.file === undefined) this.file = file;
    return this;
  }
}

export function isFormatError(e: unknown): e is FormatError {
  return e instanceof FormatError;
}

/** The last component of a path, for either separator (shared/ has no node:path). */
function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}

/** Control characters (a NUL in a hostile path) shown escaped, never raw on a terminal. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The one line users see: `path/to/file: key "k": at byte N: message`. Parsers often start their
 * message with the bare file name; the full path replaces it rather than repeating it.
 */
export function describeError(e: AppError): string {
  const parts: string[] = [];
  let message = e.message;
  if (e.file !== undefined) {
    const base = baseName(e.file);
    if (base !== '' && message.startsWith(`${base}: `)) message = message.slice(base.length + 2);
    if (!message.includes(e.file)) parts.push(e.file);
  }
  if (e.key !== undefined && !message.includes(e.key)) parts.push(`key "${e.key}"`);
  if (e.offset !== undefined && !/\bbytes?\b|\boffset\b/.test(message)) parts.push(`at byte ${e.offset}`);
  parts.push(message);
  return printable(parts.join(': '));
}

export function toAppError(e: unknown): AppError {
  if (e instanceof FormatError) {
    const out: { -readonly [K in keyof AppError]: AppError[K] } = { code: e.code, message: e.message };
    if (e.file !== undefined) out.file = e.file;
    if (e.key !== undefined) out.key = e.key;
    if (e.offset !== undefined) out.offset = e.offset;
    return out;
  }
  const err = e as { code?: unknown; message?: unknown; path?: unknown } | null;
  const sys = typeof err?.code === 'string' ? err.code : undefined;
  const path = typeof err?.path === 'string' ? err.path : undefined;
  if (sys === 'ENOSPC' || sys === 'EDQUOT') {
    return { code: 'DISK_FULL', message: `no space left on the device${path ? ` writing ${path}` : ''}`, ...(path ? { file: path } : {}) };
  }
  if (sys === 'ENOENT') return { code: 'NOT_FOUND', message: `no such file or folder${path ? `: ${path}` : ''}`, ...(path ? { file: path } : {}) };
  if (sys !== undefined && /^E[A-Z]+$/.test(sys)) {
    return { code: 'IO', message: `${sys}: ${String(err?.message ?? '')}`, ...(path ? { file: path } : {}) };
  }
  if (e instanceof Error && e.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
