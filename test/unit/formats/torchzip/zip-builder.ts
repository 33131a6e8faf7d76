// Builds stored zips inside tests, laid out like torch's writer (caffe2 inline_container.cc):
// local headers padded with an "FB" extra field so data is 64-byte aligned, a central directory
// without extras, then a ZIP64 end record + locator + classic end record. Options produce the
// variants torch does not write (no ZIP64 tail, saturated classic fields, ZIP64 extras, a comment).

import { crc32 } from '../../../../electron/formats/torchzip/crc32';

export interface ZipBuildOptions {
  align?: number;
  /** 'torch' = ZIP64 tail + real classic values; 'none' = classic only; 'saturate' = classic fields 0xFFFF… */
  tail?: 'torch' | 'none' | 'saturate';
  /** Put sizes and offset in a ZIP64 extra field of each central entry (fields 0xFFFFFFFF). */
  zip64Extras?: boolean;
  comment?: string;
  method?: number;
}

const enc = new TextEncoder();

class Out {
  bytes: number[] = [];
  u16(v: number): void {
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff);
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16(Math.floor(v / 0x10000) & 0xffff);
  }
  u64(v: number): void {
    this.u32(v % 0x100000000);
    this.u32(Math.floor(v / 0x100000000));
  }
  raw(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i] as number);
  }
  get length(): number {
    return this.bytes.length;
  }
}

export function buildZip(records: ReadonlyArray<readonly [string, Uint8Array]>, options: ZipBuildOptions = {}): Uint8Array {
  const align = options.align ?? 64;
  const tail = options.tail ?? 'torch';
  const o = new Out();
  const central: Array<{ name: Uint8Array; crc: number; size: number; lho: number }> = [];
  for (const [name, data] of records) {
    const nb = enc.encode(name);
    const lho = o.length;
    const headerEnd = lho + 30 + nb.length + 4;
    const pad = (align - (headerEnd % align)) % align;
    const crc = crc32(data);
    o.u32(0x04034b50);
    o.u16(20);
    o.u16(0x0800);
    o.u16(options.method ?? 0);
    o.u16(0);
    o.u16(0);
    o.u32(crc);
    o.u32(data.length);
    o.u32(data.length);
    o.u16(nb.length);
    o.u16(4 + pad);
    o.raw(nb);
    o.u16(0x4246); // "FB"
    o.u16(pad);
    o.raw(new Array(pad).fill(0x5a));
    o.raw(data);
    central.push({ name: nb, crc, size: data.length, lho });
  }
  const cdStart = o.length;
  for (const e of central) {
    const big = options.zip64Extras === true;
    o.u32(0x02014b50);
    o.u16(45);
    o.u16(45);
    o.u16(0x0800);
    o.u16(options.method ?? 0);
    o.u16(0);
    o.u16(0);
    o.u32(e.crc);
    o.u32(big ? 0xffffffff : e.size);
    o.u32(big ? 0xffffffff : e.size);
    o.u16(e.name.length);
    o.u16(big ? 4 + 24 : 0);
    o.u16(0);
    o.u16(0);
    o.u16(0);
    o.u32(0);
    o.u32(big ? 0xffffffff : e.lho);
    o.raw(e.name);
    if (big) {
      o.u16(0x0001);
      o.u16(24);
      o.u64(e.size);
      o.u64(e.size);
      o.u64(e.lho);
    }
  }
  const cdSize = o.length - cdStart;
  if (tail !== 'none') {
    const z64 = o.length;
    o.u32(0x06064b50);
    o.u64(44);
    o.u16(45);
    o.u16(45);
    o.u32(0);
    o.u32(0);
    o.u64(central.length);
    o.u64(central.length);
    o.u64(cdSize);
    o.u64(cdStart);
    o.u32(0x07064b50);
    o.u32(0);
    o.u64(z64);
    o.u32(1);
  }
  const sat = tail === 'saturate';
  const comment = enc.encode(options.comment ?? '');
  o.u32(0x06054b50);
  o.u16(0);
  o.u16(0);
  o.u16(sat ? 0xffff : central.length);
  o.u16(sat ? 0xffff : central.length);
  o.u32(sat ? 0xffffffff : cdSize);
  o.u32(sat ? 0xffffffff : cdStart);
  o.u16(comment.length);
  o.raw(comment);
  return Uint8Array.from(o.bytes);
}
