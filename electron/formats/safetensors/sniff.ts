// Content sniff for the layout detector: is this plausibly a safetensors file?
// A u64 LE header length N with 2 ≤ N ≤ MAX_HEADER_BYTES and 8 + N ≤ file size, followed by
// JSON whitespace and `{`. Text files fail the length test on their own (any printable byte in
// bytes 4–7 makes N ≥ 2^32), zip/pickle/zstd magic too.

import { MAX_HEADER_BYTES } from './limits';
import { isJsonWhitespace } from './strict-json';

/**
 * `first16`: the first bytes of the file (16 are enough; fewer are fine if the file is shorter).
 * Leading whitespace before `{` is accepted as the crate accepts it; if every byte we were given
 * after the prefix is whitespace, the answer is yes (a page-aligned writer may pad at the front).
 */
export function looksLikeSafetensors(first16: Uint8Array, fileSize: number): boolean {
  if (first16.length < 9 || fileSize < 10) return false;
  const n = new DataView(first16.buffer, first16.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n || n > BigInt(MAX_HEADER_BYTES) || 8 + Number(n) > fileSize) return false;
  const end = Math.min(first16.length, 8 + Number(n));
  for (let i = 8; i < end; i++) {
    const c = first16[i] as number;
    if (c === 0x7b) return true;
    if (!isJsonWhitespace(c)) return false;
  }
  return true;
}
