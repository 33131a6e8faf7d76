// A big safetensors file that costs no disk: the header, then a hole the file system fills with
// zeros on read. Long enough work for a cancel button to land in the middle of it.

import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/** One float32 tensor of `bytes` bytes (a multiple of 4) in DIR/model.safetensors. */
export function makeSparseSafetensors(dir: string, key: string, bytes: number): string {
  mkdirSync(dir, { recursive: true });
  const header = JSON.stringify({ [key]: { dtype: 'F32', shape: [bytes / 4], data_offsets: [0, bytes] } });
  // The header is padded with spaces to a multiple of 8, as the reference writer does.
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(padded.length));
  const file = path.join(dir, 'model.safetensors');
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, prefix);
    writeSync(fd, Buffer.from(padded, 'utf8'));
    ftruncateSync(fd, 8 + padded.length + bytes);
  } finally {
    closeSync(fd);
  }
  return file;
}
