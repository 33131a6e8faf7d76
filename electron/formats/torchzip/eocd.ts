// Finds a zip's central directory from its tail: the classic end record (EOCD, 22 bytes plus an
// optional comment), and when its fields are saturated (0xFFFF / 0xFFFFFFFF) the ZIP64 end record
// through the ZIP64 locator that precedes the EOCD. APPNOTE.TXT 4.3.14–4.3.16.
// torch's writer (caffe2/serialize/inline_container.cc) always emits the ZIP64 record + locator and
// real values in the classic record; both paths are handled. Multi-disk archives are refused.

import { FormatError } from '../../../shared/errors';
import type { ByteSource } from '../../io/byte-source';
import { LeView, SIG_EOCD, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR } from './le';
import { MAX_CENTRAL_DIRECTORY_BYTES, MAX_EOCD_SEARCH_BYTES, MAX_ZIP_ENTRIES } from './limits';

export interface CentralDirectoryLocation {
  readonly entryCount: number;
  readonly offset: number;
  readonly size: number;
  /** Where the end records start (the directory must end at or before it). */
  readonly endRecordsOffset: number;
  readonly zip64: boolean;
}

const EOCD_SIZE = 22;
const LOCATOR_SIZE = 20;
const ZIP64_EOCD_MIN = 56;

export async function locateCentralDirectory(src: ByteSource): Promise<CentralDirectoryLocation> {
  if (src.size < EOCD_SIZE) {
    throw new FormatError('CORRUPT', `not a zip: ${src.size} bytes is shorter than a zip end record`, { offset: 0 });
  }
  const tailLen = Math.min(src.size, MAX_EOCD_SEARCH_BYTES);
  const tailStart = src.size - tailLen;
  const tail = new LeView(await src.read(tailStart, tailLen));
  // Search backwards; a candidate counts only if its comment length reaches exactly the end,
  // so signature bytes inside a comment or data cannot be mistaken for the record.
  let at = -1;
  for (let i = tailLen - EOCD_SIZE; i >= 0; i--) {
    if (tail.u32(i) === SIG_EOCD && i + EOCD_SIZE + tail.u16(i + 20) === tailLen) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    throw new FormatError('CORRUPT', `not a zip: no end-of-central-directory record in the last ${tailLen} bytes`, { offset: tailStart });
  }
  const eocdOffset = tailStart + at;
  const disk = tail.u16(at + 4);
  const cdDisk = tail.u16(at + 6);
  let entries = tail.u16(at + 10);
  let size = tail.u32(at + 12);
  let offset = tail.u32(at + 16);
  let endRecordsOffset = eocdOffset;
  let zip64 = false;

  const saturated = entries === 0xffff || size === 0xffffffff || offset === 0xffffffff || tail.u16(at + 8) === 0xffff;
  if (saturated) {
    if (eocdOffset < LOCATOR_SIZE || at < LOCATOR_SIZE || tail.u32(at - LOCATOR_SIZE) !== SIG_ZIP64_LOCATOR) {
      throw new FormatError('CORRUPT', 'zip end record has ZIP64 placeholders but no ZIP64 locator precedes it', { offset: eocdOffset });
    }
    const loc = at - LOCATOR_SIZE;
    const z64Offset = tail.u64(loc + 8, 'ZIP64 end record offset', tailStart + loc);
    if (tail.u32(loc + 16) > 1) throw new FormatError('UNSUPPORTED', 'multi-disk zip archives are not supported', { offset: tailStart + loc });
    if (z64Offset + ZIP64_EOCD_MIN > eocdOffset - LOCATOR_SIZE) {
      throw new FormatError('CORRUPT', `ZIP64 end record offset ${z64Offset} is not before its locator`, { offset: tailStart + loc });
    }
    const rec = new LeView(await src.read(z64Offset, ZIP64_EOCD_MIN));
    if (rec.u32(0) !== SIG_ZIP64_EOCD) {
      throw new FormatError('CORRUPT', `no ZIP64 end record at byte ${z64Offset}`, { offset: z64Offset });
    }
    if (rec.u32(16) !== 0 || rec.u32(20) !== 0) throw new FormatError('UNSUPPORTED', 'multi-disk zip archives are not supported', { offset: z64Offset });
    entries = rec.u64(32, 'entry count', z64Offset);
    size = rec.u64(40, 'central directory size', z64Offset);
    offset = rec.u64(48, 'central directory offset', z64Offset);
    endRecordsOffset = z64Offset;
    zip64 = true;
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new FormatError('UNSUPPORTED', 'multi-disk zip archives are not supported', { offset: eocdOffset });
  } else if (at >= LOCATOR_SIZE && tail.u32(at - LOCATOR_SIZE) === SIG_ZIP64_LOCATOR) {
    // torch writes a ZIP64 record even for tiny zips; the directory ends before it.
    const z64Offset = tail.u64(at - LOCATOR_SIZE + 8, 'ZIP64 end record offset', eocdOffset - LOCATOR_SIZE);
    if (z64Offset < eocdOffset) endRecordsOffset = z64Offset;
  }

  if (entries > MAX_ZIP_ENTRIES) {
    throw new FormatError('LIMIT', `zip declares ${entries} entries, more than the ${MAX_ZIP_ENTRIES}-entry limit`, { offset: eocdOffset });
  }
  if (size > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw new FormatError('LIMIT', `zip central directory is ${size} bytes, more than the ${MAX_CENTRAL_DIRECTORY_BYTES}-byte limit`, { offset: eocdOffset });
  }
  if (offset + size > endRecordsOffset) {
    throw new FormatError(
      'CORRUPT',
      `zip central directory (bytes ${offset}..${offset + size}) runs past its end record at byte ${endRecordsOffset}`,
      { offset: eocdOffset },
    );
  }
  if (entries * 46 > size) {
    throw new FormatError('CORRUPT', `zip central directory of ${size} bytes cannot hold ${entries} entries`, { offset: eocdOffset });
  }
  return { entryCount: entries, offset, size, endRecordsOffset, zip64 };
}
