// Little-endian field reads for zip structures (APPNOTE.TXT: all values are little-endian).

import { FormatError } from '../../../shared/errors';

export class LeView {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number {
    return this.dv.getUint16(at, true);
  }
  u32(at: number): number {
    return this.dv.getUint32(at, true);
  }
  /** u64 as a number; a zip offset or size past 2^53 cannot be real, so it is refused. */
  u64(at: number, what: string, offset: number): number {
    const lo = this.dv.getUint32(at, true);
    const hi = this.dv.getUint32(at + 4, true);
    if (hi >= 0x200000) throw new FormatError('CORRUPT', `zip ${what} is past 2^53`, { offset });
    return hi * 0x100000000 + lo;
  }
}

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
