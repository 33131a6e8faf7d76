// DCP stream transforms (formats.md section 4). torch/distributed/checkpoint/_extension.py:
// descriptors are `name[@domain][/version]`; the only built-in that changes bytes is `stream.zstd`
// (version major 1). The item's `[offset, offset + length)` is then one zstd frame whose content is
// the torch.save zip. Anything else is refused with UNSUPPORTED naming the descriptor.
//
// Decompression uses fzstd's streaming `Decompress` (the frames carry no content size) under an
// output cap. Before decoding, every frame header and block header is walked (cheap: blocks state
// their sizes) to refuse dictionary frames, oversize windows (fzstd allocates the window up
// front) and headers that alone promise more than the cap — a small item claiming gigabytes is a
// bomb. Compressed blocks are only bounded while decoding: output past the cap stops the decoder.

import { Decompress } from 'fzstd';
import { FormatError, type ErrorWhere } from '../../../shared/errors';
import { MAX_ZSTD_WINDOW_BYTES } from './limits';

export type ItemTransform = 'zstd';

const ZSTD_NAME = 'stream.zstd';

/** The transform an item needs, or null for none. */
export function parseTransforms(descriptors: readonly string[], where: ErrorWhere = {}): ItemTransform | null {
  if (descriptors.length === 0) return null;
  if (descriptors.length > 1) {
    throw new FormatError('UNSUPPORTED', `item uses ${descriptors.length} stream transforms (${descriptors.join(', ')}); only a single "stream.zstd/1" is supported`, where);
  }
  const d = descriptors[0] as string;
  const slash = d.indexOf('/');
  const name = slash < 0 ? d : d.slice(0, slash);
  const version = slash < 0 ? '' : d.slice(slash + 1);
  if (name === ZSTD_NAME && version.split('.')[0] === '1') return 'zstd';
  throw new FormatError('UNSUPPORTED', `unknown stream transform "${d}"; Shardscope reads "stream.zstd/1" only`, where);
}

const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 * 1024;

function u32le(b: Uint8Array, p: number): number {
  return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24)) >>> 0;
}

/**
 * Walks frames and blocks without decoding (RFC 8878 3.1.1). Returns the output size the headers
 * guarantee (declared content sizes, raw and RLE block sizes; compressed blocks count 0) and
 * whether that size is exact (no compressed blocks). Refuses what the decoder must not see:
 * dictionaries, reserved bits, oversize windows, and guaranteed output past `maxOutput`.
 */
export function scanZstdFrames(input: Uint8Array, maxOutput: number, where: ErrorWhere = {}): { minOutput: number; exact: boolean } {
  const truncated = (at: number): never => {
    throw new FormatError('TRUNCATED', `zstd data ends inside a frame at byte ${at} of ${input.length}`, where);
  };
  const bomb = (bound: number): never => {
    throw new FormatError('LIMIT', `zstd data (${input.length} bytes) would decompress to more than ${maxOutput} bytes (declares ${bound}); refusing it as a decompression bomb`, where);
  };
  let p = 0;
  let bound = 0;
  let exact = true;
  if (input.length === 0) throw new FormatError('CORRUPT', 'zstd data is empty', where);
  while (p < input.length) {
    if (p + 4 > input.length) truncated(p);
    const magic = u32le(input, p);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // Skippable frame: magic, u32 size, payload.
      if (p + 8 > input.length) truncated(p);
      p += 8 + u32le(input, p + 4);
      if (p > input.length) truncated(input.length);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new FormatError('CORRUPT', `not zstd data: bad frame magic at byte ${p}`, where);
    if (p + 5 > input.length) truncated(p);
    const fhd = input[p + 4] as number;
    const fcsFlag = fhd >> 6;
    const single = (fhd >> 5) & 1;
    const dictFlag = fhd & 3;
    if (fhd & 0x08) throw new FormatError('CORRUPT', `zstd frame at byte ${p} sets a reserved header bit`, where);
    if (dictFlag !== 0) throw new FormatError('UNSUPPORTED', `zstd frame at byte ${p} needs a dictionary`, where);
    let q = p + 5;
    let window = 0;
    if (!single) {
      if (q + 1 > input.length) truncated(q);
      const wd = input[q] as number;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
      q += 1;
    }
    const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
    if (q + fcsBytes > input.length) truncated(q);
    let contentSize: number | null = null;
    if (fcsBytes > 0) {
      let v = 0;
      for (let i = fcsBytes - 1; i >= 0; i--) v = v * 256 + (input[q + i] as number);
      contentSize = fcsBytes === 2 ? v + 256 : v;
      q += fcsBytes;
    }
    if (single) window = contentSize ?? 0;
    if (contentSize !== null && bound + contentSize > maxOutput) bomb(bound + contentSize);
    if (window > MAX_ZSTD_WINDOW_BYTES) {
      throw new FormatError('LIMIT', `zstd frame at byte ${p} asks for a ${window}-byte window, more than the ${MAX_ZSTD_WINDOW_BYTES}-byte limit`, where);
    }
    let frameBound = 0;
    for (;;) {
      if (q + 3 > input.length) truncated(q);
      const bh = (input[q] as number) | ((input[q + 1] as number) << 8) | ((input[q + 2] as number) << 16);
      const last = bh & 1;
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      q += 3;
      if (type === 3) throw new FormatError('CORRUPT', `zstd block at byte ${q - 3} has the reserved type`, where);
      if (size > BLOCK_MAX) throw new FormatError('CORRUPT', `zstd block at byte ${q - 3} is larger than 128 KiB`, where);
      if (type === 2) exact = false; // compressed: output unknown until decoded
      else frameBound += size; // raw and RLE state their output size
      q += type === 1 ? 1 : size;
      if (q > input.length) truncated(input.length);
      if (bound + frameBound > maxOutput) bomb(bound + frameBound);
      if (last) break;
    }
    if (fhd & 0x04) q += 4; // content checksum
    if (q > input.length) truncated(input.length);
    bound += Math.max(contentSize ?? 0, frameBound);
    p = q;
  }
  return { minOutput: bound, exact };
}

/** Decompresses `input` (one or more zstd frames), refusing to produce more than `maxOutput` bytes. */
export function decompressZstd(input: Uint8Array, maxOutput: number, where: ErrorWhere = {}): Uint8Array {
  const scan = scanZstdFrames(input, maxOutput, where);
  // Grow by doubling from what the headers promise; never past the cap.
  let out = new Uint8Array(scan.exact ? scan.minOutput : Math.min(maxOutput, Math.max(scan.minOutput, 64 * 1024)));
  let filled = 0;
  const d = new Decompress((chunk) => {
    if (filled + chunk.length > maxOutput) {
      throw new FormatError('LIMIT', `zstd data (${input.length} bytes) decompresses to more than ${maxOutput} bytes; refusing it as a decompression bomb`, where);
    }
    if (filled + chunk.length > out.length) {
      const grown = new Uint8Array(Math.min(maxOutput, Math.max(filled + chunk.length, out.length * 2)));
      grown.set(out.subarray(0, filled));
      out = grown;
    }
    out.set(chunk, filled);
    filled += chunk.length;
  });
  try {
    d.push(input, true);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 5) throw new FormatError('TRUNCATED', 'zstd data ends before its last block', where);
    throw new FormatError('CORRUPT', `zstd data is damaged (${e instanceof Error ? e.message : String(e)})`, where);
  }
  return out.subarray(0, filled);
}
