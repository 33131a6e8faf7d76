// The first pass over a pickle (see memo.ts): which memo indices are ever fetched. It walks the
// opcodes with their operand lengths and builds nothing, so it costs a tenth of the real pass.
// A switch over opcode literals (not a table of operand kinds): it is the tightest loop here.

import { MAX_PICKLE_GLOBAL_NAME_BYTES } from './limits';
import { IndexSet, StoredSet } from './memo';

/**
 * The memo indices a pickle fetches (BINGET / LONG_BINGET) of entries stored before. The walk
 * stops at STOP, at the first opcode the machine refuses, at an operand the machine would reject
 * (truncated, over a limit) and at a fetch of a never-stored index: the machine fails there or
 * earlier, so the indices found cover every fetch it can execute. `maxMemoEntries` is applied as
 * the machine applies it, so MEMOIZE indices are numbered the same way.
 */
export function scanMemoFetches(d: Uint8Array, maxMemoEntries: number): IndexSet {
  const fetched = new IndexSet();
  const stored = new StoredSet();
  const n = d.length;
  let count = 0;
  let p = 0;
  const u32 = (at: number): number => ((d[at] as number) | ((d[at + 1] as number) << 8) | ((d[at + 2] as number) << 16) | ((d[at + 3] as number) << 24)) >>> 0;
  while (p < n) {
    let index: number;
    switch (d[p++] as number) {
      // no operand
      case 0x28: case 0x30: case 0x31: case 0x32: case 0x4e: case 0x88: case 0x89: case 0x29: case 0x85: case 0x86:
      case 0x87: case 0x74: case 0x5d: case 0x6c: case 0x61: case 0x65: case 0x7d: case 0x64: case 0x73: case 0x75:
      case 0x8f: case 0x90: case 0x91: case 0x93: case 0x52: case 0x81: case 0x92: case 0x62: case 0x51:
        continue;
      case 0x80: // PROTO
      case 0x4b: // BININT1
        p += 1;
        continue;
      case 0x4d: // BININT2
        p += 2;
        continue;
      case 0x4a: // BININT
        p += 4;
        continue;
      case 0x47: // BINFLOAT
      case 0x95: // FRAME (a length hint; its opcodes follow inline)
        p += 8;
        continue;
      case 0x8a: // LONG1
      case 0x8c: // SHORT_BINUNICODE
      case 0x43: // SHORT_BINBYTES
        if (p >= n) return fetched;
        p += 1 + (d[p] as number);
        continue;
      case 0x8b: // LONG4 (a negative length reads as > 2^31: past the end, so the walk ends)
      case 0x58: // BINUNICODE
      case 0x42: // BINBYTES
        if (p + 4 > n) return fetched;
        p += 4 + u32(p);
        continue;
      case 0x8d: // BINUNICODE8
      case 0x8e: // BINBYTES8
        if (p + 8 > n) return fetched;
        p += 8 + u32(p + 4) * 0x100000000 + u32(p);
        continue;
      case 0x63: // GLOBAL: two lines
        for (let line = 0; line < 2; line++) {
          const end = d.indexOf(0x0a, p);
          if (end < 0 || end - p > MAX_PICKLE_GLOBAL_NAME_BYTES) return fetched;
          p = end + 1;
        }
        continue;
      case 0x94: // MEMOIZE
        if (stored.add(count) && ++count > maxMemoEntries) return fetched;
        continue;
      case 0x71: // BINPUT
      case 0x72: // LONG_BINPUT
        if (d[p - 1] === 0x71) {
          if (p >= n) return fetched;
          index = d[p++] as number;
        } else {
          if (p + 4 > n) return fetched;
          index = u32(p);
          p += 4;
        }
        if (stored.add(index) && ++count > maxMemoEntries) return fetched;
        continue;
      case 0x68: // BINGET
        if (p >= n) return fetched;
        index = d[p++] as number;
        break;
      case 0x6a: // LONG_BINGET
        if (p + 4 > n) return fetched;
        index = u32(p);
        p += 4;
        break;
      default:
        return fetched; // STOP, or an opcode the machine refuses
    }
    // A fetch of a never-stored index fails the machine; so fetched ⊆ stored, bounded by the limit.
    if (!stored.has(index)) return fetched;
    fetched.add(index);
  }
  return fetched;
}
