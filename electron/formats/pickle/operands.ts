// Bounds-checked operand reads for the pickle machine. Every length is checked against the bytes
// actually left before anything is allocated, and errors carry the byte offset of the opcode.

import { FormatError } from '../../../shared/errors';
import { OPCODE_BY_BYTE } from './opcodes';

export class Cursor {
  pos = 0;
  /** Offset of the opcode being executed, for messages. */
  opStart = 0;

  /** Mnemonic of the opcode being executed (looked up only when a message needs it). */
  get opName(): string {
    return OPCODE_BY_BYTE.get(this.data[this.opStart] as number)?.name ?? 'opcode';
  }

  constructor(readonly data: Uint8Array) {}

  get remaining(): number {
    return this.data.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.remaining) {
      throw new FormatError(
        'TRUNCATED',
        `pickle ends inside ${this.opName} at byte ${this.opStart}: needs ${n} more bytes, ${this.remaining} left`,
        { offset: this.opStart },
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++] as number;
  }

  u16(): number {
    this.need(2);
    const d = this.data;
    const v = (d[this.pos] as number) | ((d[this.pos + 1] as number) << 8);
    this.pos += 2;
    return v;
  }

  u32(): number {
    return this.i32() >>> 0;
  }

  i32(): number {
    this.need(4);
    const d = this.data;
    const p = this.pos;
    this.pos += 4;
    return (d[p] as number) | ((d[p + 1] as number) << 8) | ((d[p + 2] as number) << 16) | ((d[p + 3] as number) << 24);
  }

  /** u64 LE as a number; values past 2^53 can't be a real length here, so they are refused. */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi >= 0x200000) {
      throw new FormatError('CORRUPT', `${this.opName} at byte ${this.opStart} has an 8-byte length past 2^53`, { offset: this.opStart });
    }
    return hi * 0x100000000 + lo;
  }

  f64be(): number {
    this.need(8);
    const v = new DataView(this.data.buffer, this.data.byteOffset + this.pos, 8).getFloat64(0, false);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A `\n`-terminated line (GLOBAL operands), without the newline, at most `max` bytes. */
  line(max: number): Uint8Array {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) this.need(this.remaining + 1);
    if (end - this.pos > max) {
      throw new FormatError('LIMIT', `${this.opName} at byte ${this.opStart} has a name longer than ${max} bytes`, { offset: this.opStart });
    }
    const out = this.data.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }
}

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 as CPython's unpickler decodes it ('utf-8' with 'surrogatepass'): valid UTF-8, plus
 * encoded lone surrogates (ED A0..BF xx), which Python strings may hold. Anything else is CORRUPT.
 */
export function decodeUtf8(bytes: Uint8Array, offset: number): string {
  try {
    return FATAL_UTF8.decode(bytes);
  } catch {
    return decodeWithSurrogates(bytes, offset);
  }
}

function decodeWithSurrogates(b: Uint8Array, offset: number): string {
  const units: number[] = [];
  let out = '';
  const bad = (i: number): never => {
    throw new FormatError('CORRUPT', `invalid UTF-8 in a pickled string at byte ${offset}+${i}`, { offset });
  };
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    // Sequence length from the lead byte; 0xC0/0xC1 and 0xF5+ never start valid UTF-8.
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0) return bad(i);
    let cp = n === 1 ? c : c & (0xff >> (n + 1));
    if (i + n > b.length) return bad(i);
    for (let k = 1; k < n; k++) {
      const cc = b[i + k] as number;
      if ((cc & 0xc0) !== 0x80) return bad(i);
      cp = (cp << 6) | (cc & 0x3f);
    }
    const min = n === 2 ? 0x80 : n === 3 ? 0x800 : n === 4 ? 0x10000 : 0;
    if (cp < min || cp > 0x10ffff) return bad(i);
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
    i += n;
  }
  return out + String.fromCharCode(...units);
}
