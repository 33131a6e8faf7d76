// Parses a zip central directory into entries (APPNOTE.TXT 4.3.12, ZIP64 extra field 4.5.3).
// The central directory is the only index trusted: torch's local headers carry zero sizes and a
// data descriptor (flag bit 3), and zero-byte records have no descriptor, so walking local
// headers in sequence cannot work. Local headers are read later, one per record asked for.

import { FormatError } from '../../../shared/errors';
import type { ByteSource } from '../../io/byte-source';
import type { CentralDirectoryLocation } from './eocd';
import { LeView, SIG_CENTRAL } from './le';
import { MAX_ZIP_NAME_BYTES } from './limits';

export interface ZipEntry {
  /** Full name as stored, e.g. `archive/data/0`. */
  readonly name: string;
  /** The name's bytes as stored, to match against the local header. */
  readonly rawName: Uint8Array;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const CD_FIXED = 46;
const ZIP64_EXTRA_ID = 0x0001;
const UTF8 = new TextDecoder('utf-8');
const LATIN1 = new TextDecoder('latin1');

export async function readCentralDirectory(src: ByteSource, loc: CentralDirectoryLocation): Promise<ZipEntry[]> {
  const bytes = await src.read(loc.offset, loc.size);
  const v = new LeView(bytes);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < loc.entryCount; i++) {
    const at = loc.offset + p;
    if (p + CD_FIXED > bytes.length || v.u32(p) !== SIG_CENTRAL) {
      throw new FormatError('CORRUPT', `zip central directory entry ${i} at byte ${at} is missing or damaged`, { offset: at });
    }
    const flags = v.u16(p + 8);
    const method = v.u16(p + 10);
    const crc = v.u32(p + 16);
    let compressedSize = v.u32(p + 20);
    let size = v.u32(p + 24);
    const nameLen = v.u16(p + 28);
    const extraLen = v.u16(p + 30);
    const commentLen = v.u16(p + 32);
    let lho = v.u32(p + 42);
    if (nameLen > MAX_ZIP_NAME_BYTES) {
      throw new FormatError('LIMIT', `zip entry ${i} has a ${nameLen}-byte name, more than the ${MAX_ZIP_NAME_BYTES}-byte limit`, { offset: at });
    }
    const end = p + CD_FIXED + nameLen + extraLen + commentLen;
    if (end > bytes.length) {
      throw new FormatError('CORRUPT', `zip central directory entry ${i} at byte ${at} runs past the directory`, { offset: at });
    }
    const nameBytes = bytes.subarray(p + CD_FIXED, p + CD_FIXED + nameLen);
    const name = (flags & 0x800 ? UTF8 : LATIN1).decode(nameBytes);
    // ZIP64 extra: 8-byte values follow, in this order, only for the fields saturated above.
    if (size === 0xffffffff || compressedSize === 0xffffffff || lho === 0xffffffff) {
      let e = p + CD_FIXED + nameLen;
      const extraEnd = e + extraLen;
      let found = false;
      while (e + 4 <= extraEnd) {
        const id = v.u16(e);
        const len = v.u16(e + 2);
        if (e + 4 + len > extraEnd) break;
        if (id === ZIP64_EXTRA_ID) {
          let q = e + 4;
          const take = (what: string): number => {
            if (q + 8 > e + 4 + len) throw new FormatError('CORRUPT', `zip entry "${name}" has a short ZIP64 extra field`, { offset: at });
            const n = v.u64(q, what, at);
            q += 8;
            return n;
          };
          if (size === 0xffffffff) size = take('size');
          if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
          if (lho === 0xffffffff) lho = take('local header offset');
          found = true;
          break;
        }
        e += 4 + len;
      }
      if (!found) throw new FormatError('CORRUPT', `zip entry "${name}" has 0xFFFFFFFF fields but no ZIP64 extra field`, { offset: at });
    }
    out.push({ name, rawName: nameBytes.slice(), method, flags, crc32: crc, compressedSize, size, localHeaderOffset: lho });
    p = end;
  }
  if (p !== bytes.length) {
    // A 16-bit entry count wrapped (a writer that skipped ZIP64) or a damaged directory.
    throw new FormatError('CORRUPT', `zip central directory has ${bytes.length - p} bytes after its ${loc.entryCount} declared entries`, { offset: loc.offset + p });
  }
  return out;
}
