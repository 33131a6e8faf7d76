// writeInspectJson writes what JSON.stringify({format, root, world_size, entries}, null, 2) writes,
// in the checkpoint's key order, including where a JS object would reorder or mangle keys.

import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { entryJson, writeInspectJson } from '../../../electron/cli/inspect-json';
import { listCheckpoint } from '../../../electron/services/inspect/open';
import type { CheckpointListing, ListedEntry } from '../../../shared/model/checkpoint';
import { fixtureCases, fixtureDir } from '../../support/fixtures';

function written(listing: CheckpointListing, hashes: ReadonlyMap<string, string> | null = null): string {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk)); // a copy: the writer must not reuse a block the stream holds
      cb();
    },
  });
  writeInspectJson(out, listing, hashes);
  return Buffer.concat(chunks).toString('utf8');
}

/** The reference: one object stringified, for keys a JS object keeps in order. */
function reference(listing: CheckpointListing, hashes: ReadonlyMap<string, string> | null = null): string {
  const entries: Record<string, unknown> = {};
  for (const e of listing.entries) entries[e.key] = entryJson(e, hashes?.get(e.key));
  return `${JSON.stringify({ format: listing.format, root: listing.root, world_size: listing.worldSize, entries }, null, 2)}\n`;
}

const base = { format: 'dcp' as const, root: '/ck', worldSize: 2, files: [], diagnostics: [], info: {} };
const tensor = (key: string, shape: number[]): ListedEntry => ({ kind: 'tensor', key, path: [key], dtype: 'bfloat16', shape, nbytes: 2 * shape.reduce((a, b) => a * b, 1), chunkCount: 1 });

describe('writeInspectJson', () => {
  it.each(fixtureCases())('writes JSON.stringify\'s bytes for %s', async (name) => {
    const listing = await listCheckpoint(fixtureDir(name));
    const hashes = new Map(listing.entries.map((e, i) => [e.key, i.toString(16).padStart(64, '0')] as const));
    expect(written(listing)).toBe(reference(listing));
    expect(written(listing, hashes)).toBe(reference(listing, hashes));
  });

  it('escapes any key and keeps the checkpoint order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((k) => !/^\d+$/.test(k) && k !== '__proto__'), { maxLength: 60 }), (keys) => {
        const listing = { ...base, entries: keys.map((k, i) => tensor(k, [i + 1, 2])) };
        const text = written(listing);
        expect(text).toBe(reference(listing));
        expect(Object.keys((JSON.parse(text) as { entries: object }).entries)).toEqual(keys);
      }),
      { numRuns: 200 },
    );
  });

  it('writes outputs larger than its 1 MiB blocks whole', () => {
    // 4000 entries of ~600 bytes, some keys with multi-byte characters: 2.4 MB, several blocks.
    const entries = Array.from({ length: 4000 }, (_, i) => tensor(`${i % 7 === 0 ? 'é€' : 'layer'}.${i}.${'w'.repeat(500)}`, [1 + (i % 5), 3]));
    const listing = { ...base, entries };
    const text = written(listing);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 2 ** 20);
    expect(text).toBe(reference(listing));
  });

  it('keeps integer-like keys and __proto__ where the checkpoint has them', () => {
    const keys = ['b', '10', '2', '__proto__', 'a'];
    const text = written({ ...base, entries: keys.map((k) => tensor(k, [1])) });
    expect([...text.matchAll(/^ {4}"([^"]*)": \{$/gm)].map((m) => m[1])).toEqual(keys);
    const parsed = JSON.parse(text) as { entries: Record<string, { shape: number[] }> };
    expect(Object.getOwnPropertyNames(parsed.entries).sort()).toEqual([...keys].sort());
  });

  it('writes an empty checkpoint as an empty entries object', () => {
    const listing = { ...base, entries: [] };
    expect(written(listing)).toBe(reference(listing));
    expect(JSON.parse(written(listing))).toEqual({ format: 'dcp', root: '/ck', world_size: 2, entries: {} });
  });
});
