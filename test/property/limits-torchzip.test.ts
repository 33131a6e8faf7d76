// The torch.save zip reader's named limits (electron/formats/torchzip/limits.ts), each at and past
// its value: entry count, name length, central directory size, end-record search window, and the
// size of a record read whole.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_CENTRAL_DIRECTORY_BYTES,
  MAX_EOCD_SEARCH_BYTES,
  MAX_RECORD_READ_BYTES,
  MAX_ZIP_ENTRIES,
  MAX_ZIP_NAME_BYTES,
} from '../../electron/formats/torchzip/limits';
import { TorchZip } from '../../electron/formats/torchzip/records';
import { MemorySource } from '../../electron/io/memory-source';
import { outcome } from '../support/outcome';
import { concatBytes, le, storedZip, type ZipRecord } from '../support/bytes';

const NUM_RUNS = 50;
const enc = new TextEncoder();

const open = (zip: Uint8Array) => () => TorchZip.open(new MemorySource('item', zip));
const records = (n: number): ZipRecord[] => Array.from({ length: n }, (_, i) => ({ name: `archive/r${i}`, data: new Uint8Array(0) }));

/** Offsets of the tail records storedZip writes: ZIP64 end record (56), locator (20), end record (22). */
function tail(zip: Uint8Array): { z64: number; eocd: number } {
  return { z64: zip.length - 22 - 20 - 56, eocd: zip.length - 22 };
}

describe('MAX_ZIP_ENTRIES (100 000)', () => {
  it('a real zip of 100 000 records opens; one of 100 001 is LIMIT', async () => {
    const at = await TorchZip.open(new MemorySource('item', storedZip(records(MAX_ZIP_ENTRIES))));
    expect(at.names).toHaveLength(MAX_ZIP_ENTRIES);
    expect(await outcome(open(storedZip(records(MAX_ZIP_ENTRIES + 1))))).toBe('LIMIT');
  }, 120_000);

  it('property: a ZIP64 entry count patched to n is never LIMIT at or under the limit, always LIMIT past it', async () => {
    const zip = storedZip(records(3));
    // Saturate the classic count so the reader takes the ZIP64 record's.
    const { z64, eocd } = tail(zip);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_ZIP_ENTRIES - 1000, max: MAX_ZIP_ENTRIES + 1000 }), async (n) => {
        const z = zip.slice();
        z.set(le(0xffff, 2), eocd + 8);
        z.set(le(0xffff, 2), eocd + 10);
        z.set(le(n, 8), z64 + 24);
        z.set(le(n, 8), z64 + 32);
        const code = await outcome(open(z));
        if (n <= MAX_ZIP_ENTRIES) expect(code).toBe('CORRUPT'); // the directory is too small for n entries
        else expect(code).toBe('LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_ZIP_NAME_BYTES (4096)', () => {
  it('property: a record name of n bytes opens when n ≤ the limit, LIMIT past it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_ZIP_NAME_BYTES - 100, max: MAX_ZIP_NAME_BYTES + 100 }), async (n) => {
        const name = `archive/${'n'.repeat(n - 8)}`;
        expect(enc.encode(name).length).toBe(n);
        const code = await outcome(open(storedZip([{ name: 'archive/data.pkl', data: Uint8Array.of(0x80, 2, 0x4e, 0x2e) }, { name, data: new Uint8Array(1) }])));
        expect(code).toBe(n <= MAX_ZIP_NAME_BYTES ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_CENTRAL_DIRECTORY_BYTES (64 MiB)', () => {
  it('property: a ZIP64 directory size patched to n is CORRUPT (runs past its end record) at or under the limit, LIMIT past it', async () => {
    const zip = storedZip(records(2));
    const { z64, eocd } = tail(zip);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_CENTRAL_DIRECTORY_BYTES - 1000, max: MAX_CENTRAL_DIRECTORY_BYTES + 1000 }), async (n) => {
        const z = zip.slice();
        z.set(le(0xffffffff, 4), eocd + 12);
        z.set(le(n, 8), z64 + 40);
        expect(await outcome(open(z))).toBe(n <= MAX_CENTRAL_DIRECTORY_BYTES ? 'CORRUPT' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_EOCD_SEARCH_BYTES (22 + 65 535): how far back the end record is looked for', () => {
  /** A zip whose end record carries a comment of `comment` bytes, followed by `junk` stray bytes. */
  const withComment = (comment: number, junk: number) => {
    const zip = storedZip(records(1));
    const z = concatBytes(zip, new Uint8Array(comment).fill(0x63), new Uint8Array(junk).fill(0x6a));
    z.set(le(Math.min(comment, 0xffff), 2), zip.length - 2);
    return z;
  };
  it('the longest comment a zip can declare (65 535 bytes) is found; the end record one byte further back is not (CORRUPT)', async () => {
    expect(MAX_EOCD_SEARCH_BYTES).toBe(22 + 0xffff);
    expect(await outcome(open(withComment(0xffff, 0)))).toBe('value');
    expect(await outcome(open(withComment(0xffff, 1)))).toBe('CORRUPT');
  });
});

describe('MAX_RECORD_READ_BYTES (256 MiB): a record read whole', () => {
  it('property: a directory size of n for data.pkl is refused as CORRUPT (its bytes are not there) at or under the limit, LIMIT past it', async () => {
    const zip = storedZip([{ name: 'archive/data.pkl', data: new Uint8Array(4) }]);
    // The only central entry starts right after the 64-aligned data; its sizes are at +20 and +24.
    const cd = new DataView(zip.buffer).getUint32(zip.length - 22 + 16, true);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_RECORD_READ_BYTES - 1000, max: MAX_RECORD_READ_BYTES + 1000 }), async (n) => {
        const z = zip.slice();
        z.set(le(n, 4), cd + 20);
        z.set(le(n, 4), cd + 24);
        const code = await outcome(async () => (await TorchZip.open(new MemorySource('item', z))).read('data.pkl'));
        expect(code).toBe(n <= MAX_RECORD_READ_BYTES ? 'CORRUPT' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
