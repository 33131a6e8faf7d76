// A torch.save zip opened from its central directory, with records looked up by name under the
// archive's root folder. torch takes that folder from the first entry (`archive/` for files it
// writes, the file stem for older saves), so the prefix is read, never assumed.
// Data offsets come from each record's LOCAL header (`lho + 30 + nameLen + extraLen`): torch pads
// the local extra field ("FB" + 'Z's) to 64-byte-align data, and the central copy has no extra.
// Only stored (method 0) records are read; torch writes nothing else.
// Offsets in messages are relative to the zip's start (for DCP: the item, not the .distcp file).

import { FormatError } from '../../../shared/errors';
import type { ByteSource } from '../../io/byte-source';
import { crc32 } from './crc32';
import { locateCentralDirectory } from './eocd';
import { readCentralDirectory, type ZipEntry } from './entries';
import { LeView, SIG_LOCAL } from './le';
import { MAX_RECORD_READ_BYTES } from './limits';

export interface RecordRange {
  /** Where the record's bytes start, from the zip's start. */
  readonly offset: number;
  readonly size: number;
}

export interface RecordBytes {
  readonly bytes: Uint8Array;
  /** False when the bytes don't match the directory's CRC-32 (a diagnostic, not a failure). */
  readonly crcOk: boolean;
}

const LOCAL_FIXED = 30;

export class TorchZip {
  private readonly ranges = new Map<string, Promise<RecordRange>>();

  private constructor(
    readonly source: ByteSource,
    /** Root folder of every record, without the slash (`archive`). */
    readonly prefix: string,
    private readonly byName: ReadonlyMap<string, ZipEntry>,
    /** Record data must end before the central directory. */
    private readonly dataLimit: number,
  ) {}

  static async open(source: ByteSource): Promise<TorchZip> {
    const loc = await locateCentralDirectory(source);
    const entries = await readCentralDirectory(source, loc);
    const first = entries[0];
    if (first === undefined) throw new FormatError('CORRUPT', 'zip holds no records', { offset: loc.offset });
    const slash = first.name.indexOf('/');
    if (slash <= 0) {
      throw new FormatError('CORRUPT', `zip record "${first.name}" is not inside a folder, as torch.save records are`, { offset: loc.offset });
    }
    const prefix = first.name.slice(0, slash);
    const byName = new Map<string, ZipEntry>();
    for (const e of entries) {
      if (!e.name.startsWith(`${prefix}/`)) continue; // unreachable for torch too: it looks names up under the prefix
      const rel = e.name.slice(prefix.length + 1);
      if (byName.has(rel)) throw new FormatError('CORRUPT', `zip holds record "${e.name}" twice`, { offset: loc.offset });
      byName.set(rel, e);
    }
    return new TorchZip(source, prefix, byName, loc.offset);
  }

  /** Record names relative to the prefix (`data.pkl`, `data/0`, `byteorder`, …). */
  get names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  private need(name: string): ZipEntry {
    const e = this.byName.get(name);
    if (e === undefined) throw new FormatError('CORRUPT', `zip has no record "${this.prefix}/${name}"`);
    return e;
  }

  /** Where a stored record's bytes are, from its local header (read once, then cached). */
  range(name: string): Promise<RecordRange> {
    let r = this.ranges.get(name);
    if (r === undefined) {
      r = this.locate(this.need(name));
      this.ranges.set(name, r);
    }
    return r;
  }

  private async locate(e: ZipEntry): Promise<RecordRange> {
    const at = e.localHeaderOffset;
    if (e.flags & 0x1) throw new FormatError('UNSUPPORTED', `zip record "${e.name}" is encrypted`, { offset: at });
    if (e.method !== 0) {
      throw new FormatError('UNSUPPORTED', `zip record "${e.name}" is compressed (method ${e.method}); torch.save writes stored records`, { offset: at });
    }
    if (e.compressedSize !== e.size) {
      throw new FormatError('CORRUPT', `stored zip record "${e.name}" has compressed size ${e.compressedSize} but size ${e.size}`, { offset: at });
    }
    const nameBytes = e.rawName.length;
    if (at + LOCAL_FIXED + nameBytes > this.dataLimit) {
      throw new FormatError('CORRUPT', `local header of zip record "${e.name}" at byte ${at} lies past the records area`, { offset: at });
    }
    const head = await this.source.read(at, LOCAL_FIXED + nameBytes);
    const v = new LeView(head);
    if (v.u32(0) !== SIG_LOCAL) throw new FormatError('CORRUPT', `no local header for zip record "${e.name}" at byte ${at}`, { offset: at });
    const nameLen = v.u16(26);
    const extraLen = v.u16(28);
    if (nameLen !== nameBytes || !sameBytes(head.subarray(LOCAL_FIXED), e.rawName)) {
      throw new FormatError('CORRUPT', `local header at byte ${at} names a different record than the directory's "${e.name}"`, { offset: at });
    }
    const offset = at + LOCAL_FIXED + nameLen + extraLen;
    if (offset + e.size > this.dataLimit) {
      throw new FormatError(
        'CORRUPT',
        `zip record "${e.name}" (bytes ${offset}..${offset + e.size}) runs into the central directory at byte ${this.dataLimit}`,
        { offset: at },
      );
    }
    return { offset, size: e.size };
  }

  /** A whole record, with its CRC-32 checked. */
  async read(name: string, maxBytes = MAX_RECORD_READ_BYTES): Promise<RecordBytes> {
    const e = this.need(name);
    if (e.size > maxBytes) {
      throw new FormatError('LIMIT', `zip record "${e.name}" is ${e.size} bytes, more than the ${maxBytes}-byte limit for reading it whole`, {
        offset: e.localHeaderOffset,
      });
    }
    const r = await this.range(name);
    const bytes = await this.source.read(r.offset, r.size);
    return { bytes, crcOk: crc32(bytes) === e.crc32 };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
