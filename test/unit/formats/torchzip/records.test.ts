import { describe, expect, it } from 'vitest';
import { TorchZip } from '../../../../electron/formats/torchzip/records';
import {
  MAX_CENTRAL_DIRECTORY_BYTES,
  MAX_RECORD_READ_BYTES,
  MAX_ZIP_ENTRIES,
  MAX_ZIP_NAME_BYTES,
} from '../../../../electron/formats/torchzip/limits';
import { MemorySource } from '../../../../electron/io/memory-source';
import type { ByteSource } from '../../../../electron/io/byte-source';
import { fixtureItems } from '../dcp/fixture-items';
import { buildZip } from './zip-builder';
import { formatFailure } from '../../../support/outcome';

const enc = new TextEncoder();
const open = (b: Uint8Array) => TorchZip.open(new MemorySource('item', b));

const RECORDS: Array<[string, Uint8Array]> = [
  ['archive/data.pkl', enc.encode('pickle-bytes')],
  ['archive/byteorder', enc.encode('little')],
  ['archive/data/0', Uint8Array.from({ length: 100 }, (_, i) => i)],
  ['archive/empty', new Uint8Array(0)],
];

describe('TorchZip on every torch-written fixture item', () => {
  it('reads the record list, 64-byte-aligned data and correct CRCs of all items', async () => {
    let items = 0;
    let tensors = 0;
    for (const item of fixtureItems()) {
      const zip = await open(item.zip);
      expect(zip.prefix).toBe('archive');
      const names = zip.names;
      for (const n of ['data.pkl', '.format_version', '.storage_alignment', 'byteorder', 'version', '.data/serialization_id']) expect(names).toContain(n);
      expect(new TextDecoder().decode((await zip.read('byteorder')).bytes)).toBe('little');
      for (const n of names) {
        const r = await zip.range(n);
        expect(r.offset % 64).toBe(0);
        expect((await zip.read(n)).crcOk).toBe(true);
      }
      if (zip.has('data/0')) tensors++;
      items++;
    }
    expect(items).toBe(537);
    expect(tensors).toBe(505);
  });
});

describe('TorchZip on built zips', () => {
  it.each([
    ['torch layout', {}],
    ['no ZIP64 tail', { tail: 'none' as const }],
    ['saturated classic fields (ZIP64 end record)', { tail: 'saturate' as const }],
    ['ZIP64 extra fields in the central directory', { zip64Extras: true }],
    ['a comment after the end record', { tail: 'none' as const, comment: 'x'.repeat(0xffff) }],
    ['unaligned data', { align: 1 }],
  ])('reads %s', async (_name, opts) => {
    const zip = await open(buildZip(RECORDS, opts));
    expect(zip.names).toEqual(['data.pkl', 'byteorder', 'data/0', 'empty']);
    const r = await zip.read('data/0');
    expect([...r.bytes]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.crcOk).toBe(true);
    expect((await zip.read('empty')).bytes.length).toBe(0);
  });

  it('takes the prefix from the first entry, not a hard-coded "archive"', async () => {
    const zip = await open(buildZip([['model_v1/data.pkl', enc.encode('p')], ['archive/data.pkl', enc.encode('q')]]));
    expect(zip.prefix).toBe('model_v1');
    expect(zip.names).toEqual(['data.pkl']);
  });

  it('reports a CRC mismatch as crcOk=false, not as an error', async () => {
    const b = buildZip(RECORDS);
    const at = b.indexOf(0x70, 64); // inside 'pickle-bytes'
    b[at] = (b[at] as number) ^ 0xff;
    const r = await (await open(b)).read('data.pkl');
    expect(r.crcOk).toBe(false);
  });
});

describe('TorchZip errors', () => {
  it('refuses a damaged end record', async () => {
    const b = buildZip(RECORDS);
    b[b.length - 22] = 0; // EOCD signature
    const e = await formatFailure(open(b));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/^not a zip: no end-of-central-directory record in the last \d+ bytes$/);
  });

  it('refuses inputs shorter than an end record and truncated zips', async () => {
    expect((await formatFailure(open(new Uint8Array(10)))).message).toBe('not a zip: 10 bytes is shorter than a zip end record');
    const b = buildZip(RECORDS);
    expect((await formatFailure(open(b.subarray(0, b.length - 5)))).code).toBe('CORRUPT');
  });

  it('refuses a central directory that runs past the end records', async () => {
    const b = buildZip(RECORDS, { tail: 'none' });
    const dv = new DataView(b.buffer);
    dv.setUint32(b.length - 22 + 16, dv.getUint32(b.length - 22 + 16, true) + 10, true);
    expect((await formatFailure(open(b))).message).toMatch(/^zip central directory \(bytes \d+\.\.\d+\) runs past its end record at byte \d+$/);
  });

  it('refuses saturated fields without a ZIP64 locator', async () => {
    const b = buildZip(RECORDS, { tail: 'none' });
    new DataView(b.buffer).setUint32(b.length - 22 + 16, 0xffffffff, true);
    expect((await formatFailure(open(b))).message).toBe('zip end record has ZIP64 placeholders but no ZIP64 locator precedes it');
  });

  it('refuses compressed and encrypted records when they are read', async () => {
    const zip = await open(buildZip(RECORDS, { method: 8 }));
    const e = await formatFailure(zip.read('data.pkl'));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe('zip record "archive/data.pkl" is compressed (method 8); torch.save writes stored records');
  });

  it('refuses a local header that names another record', async () => {
    const b = buildZip(RECORDS);
    b[30] = 'X'.charCodeAt(0); // first byte of the first local name
    expect((await formatFailure((await open(b)).range('data.pkl'))).message).toBe('local header at byte 0 names a different record than the directory\'s "archive/data.pkl"');
  });

  it('refuses duplicate names, records outside a folder and missing records', async () => {
    expect((await formatFailure(open(buildZip([['a/x', new Uint8Array(1)], ['a/x', new Uint8Array(1)]])))).message).toBe('zip holds record "a/x" twice');
    expect((await formatFailure(open(buildZip([['data.pkl', new Uint8Array(1)]])))).message).toBe('zip record "data.pkl" is not inside a folder, as torch.save records are');
    const zip = await open(buildZip(RECORDS));
    expect((await formatFailure(zip.read('data/1'))).message).toBe('zip has no record "archive/data/1"');
  });
});

/** A source of `size` zero bytes whose tail is `tail`, to fake huge declared structures cheaply. */
function virtualSource(size: number, tail: Uint8Array): ByteSource {
  return {
    name: 'virtual',
    size,
    read(offset: number, length: number): Promise<Uint8Array> {
      const out = new Uint8Array(length);
      const tailStart = size - tail.length;
      for (let i = 0; i < length; i++) {
        const p = offset + i;
        if (p >= tailStart) out[i] = tail[p - tailStart] as number;
      }
      return Promise.resolve(out);
    },
  };
}

function eocd(entries: number, cdSize: number, cdOffset: number): Uint8Array {
  const b = new Uint8Array(22);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x06054b50, true);
  dv.setUint16(8, entries, true);
  dv.setUint16(10, entries, true);
  dv.setUint32(12, cdSize, true);
  dv.setUint32(16, cdOffset, true);
  return b;
}

describe('TorchZip limits', () => {
  it('MAX_ZIP_ENTRIES: reads exactly that many entries and refuses one more', async () => {
    const records = Array.from({ length: MAX_ZIP_ENTRIES }, (_, i): [string, Uint8Array] => [`a/${i}`, new Uint8Array(0)]);
    const zip = await open(buildZip(records, { align: 1, tail: 'saturate' }));
    expect(zip.names.length).toBe(MAX_ZIP_ENTRIES);
    // Without ZIP64 the 16-bit count wraps; the leftover directory bytes give it away.
    expect((await formatFailure(open(buildZip(records, { align: 1, tail: 'none' })))).message).toMatch(/^zip central directory has \d+ bytes after its 34464 declared entries$/);
    const big = buildZip([['a/x', new Uint8Array(0)]], { tail: 'saturate' });
    // Patch the ZIP64 record's entry counts to MAX + 1.
    const z64 = big.length - 22 - 20 - 56;
    new DataView(big.buffer).setUint32(z64 + 24, MAX_ZIP_ENTRIES + 1, true);
    new DataView(big.buffer).setUint32(z64 + 32, MAX_ZIP_ENTRIES + 1, true);
    const e = await formatFailure(open(big));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toBe(`zip declares ${MAX_ZIP_ENTRIES + 1} entries, more than the ${MAX_ZIP_ENTRIES}-entry limit`);
  });

  it('MAX_ZIP_NAME_BYTES', async () => {
    const at = `a/${'n'.repeat(MAX_ZIP_NAME_BYTES - 2)}`;
    expect((await open(buildZip([[at, new Uint8Array(1)]]))).names).toEqual(['n'.repeat(MAX_ZIP_NAME_BYTES - 2)]);
    const e = await formatFailure(open(buildZip([[`${at}n`, new Uint8Array(1)]])));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toBe(`zip entry 0 has a ${MAX_ZIP_NAME_BYTES + 1}-byte name, more than the ${MAX_ZIP_NAME_BYTES}-byte limit`);
  });

  it('MAX_CENTRAL_DIRECTORY_BYTES', async () => {
    const size = MAX_CENTRAL_DIRECTORY_BYTES + 100;
    const atLimit = await formatFailure(TorchZip.open(virtualSource(size, eocd(1, MAX_CENTRAL_DIRECTORY_BYTES, 0))));
    expect(atLimit.code).toBe('CORRUPT'); // passes the size check, then finds no entry signature
    const past = await formatFailure(TorchZip.open(virtualSource(size, eocd(1, MAX_CENTRAL_DIRECTORY_BYTES + 1, 0))));
    expect(past.code).toBe('LIMIT');
    expect(past.message).toBe(`zip central directory is ${MAX_CENTRAL_DIRECTORY_BYTES + 1} bytes, more than the ${MAX_CENTRAL_DIRECTORY_BYTES}-byte limit`);
  });

  it('MAX_RECORD_READ_BYTES (and a caller cap) for whole-record reads', async () => {
    const zip = await open(buildZip(RECORDS));
    expect((await zip.read('data/0', 100)).bytes.length).toBe(100);
    expect((await formatFailure(zip.read('data/0', 99))).message).toBe('zip record "archive/data/0" is 100 bytes, more than the 99-byte limit for reading it whole');
    expect(MAX_RECORD_READ_BYTES).toBeGreaterThan(100);
  });
});
