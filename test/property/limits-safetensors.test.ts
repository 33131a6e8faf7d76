// The safetensors and index limits (electron/formats/safetensors/limits.ts), each at and past its
// value: at the limit the file reads (or fails for another reason the test arranged), past it a
// typed LIMIT error. Huge files are virtual (test/support/virtual-folder.ts): the size is
// declared, so what is tested is that the size check comes before the read.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSafetensorsHeader, parseSafetensorsHeader } from '../../electron/formats/safetensors/header';
import {
  MAX_DCP_SHARD_FILES,
  MAX_DIMS,
  MAX_HEADER_BYTES,
  MAX_INDEX_BYTES,
  MAX_INDEX_FILES,
  MAX_JSON_DEPTH,
  MAX_TENSORS_PER_FILE,
} from '../../electron/formats/safetensors/limits';
import { parseHfIndexJson } from '../../electron/formats/hfshards/index-json';
import { readSafetensorsSharded } from '../../electron/formats/hfshards/read-sharded';
import { readDcpHfShards } from '../../electron/formats/hfshards/read-dcp-hf-shards';
import { MemorySource } from '../../electron/io/memory-source';
import { MemoryFolder } from '../../electron/io/memory-folder';
import { outcome, wholeFileLimitOutcomes } from '../support/outcome';
import { le } from '../support/bytes';
import { VirtualSource } from '../support/virtual-folder';

const NUM_RUNS = 100;
const enc = new TextEncoder();

describe('MAX_HEADER_BYTES (100 000 000, the crate\'s MAX_HEADER_SIZE)', () => {
  it('a real header of exactly the limit (`{}` padded with spaces) reads; one byte more is LIMIT', async () => {
    const json = new Uint8Array(MAX_HEADER_BYTES).fill(0x20);
    json[0] = 0x7b;
    json[MAX_HEADER_BYTES - 1] = 0x7d;
    const header = decodeSafetensorsHeader('big.safetensors', json, 8 + MAX_HEADER_BYTES);
    expect(header.tensors).toEqual([]);
    const src = new VirtualSource('big.safetensors', { size: 8 + MAX_HEADER_BYTES + 1, head: le(MAX_HEADER_BYTES + 1, 8) });
    expect(await outcome(() => parseSafetensorsHeader(src))).toBe('LIMIT');
    expect(src.bytesRead).toBe(8);
  });

  it('property: a length prefix around the limit on a file that holds it is never LIMIT at or under, always LIMIT past, and past it nothing but the prefix is read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_HEADER_BYTES - 10_000, max: MAX_HEADER_BYTES + 10_000 }), async (n) => {
        // Header text "[" then zeros: at or under the limit the reader gets to the JSON and refuses it as CORRUPT.
        const head = new Uint8Array(9);
        head.set(le(n, 8));
        head[8] = 0x5b;
        const src = new VirtualSource('x.safetensors', { size: 8 + n, head });
        const code = await outcome(() => parseSafetensorsHeader(src));
        expect(code).toBe(n <= MAX_HEADER_BYTES ? 'CORRUPT' : 'LIMIT');
        if (n > MAX_HEADER_BYTES) expect(src.bytesRead).toBe(8);
      }),
      { numRuns: 20 },
    );
  });

  it('property: any u64 length prefix past the limit, even past 2^53, is LIMIT', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: BigInt(MAX_HEADER_BYTES) + 1n, max: 2n ** 64n - 1n }), async (n) => {
        const src = new VirtualSource('x.safetensors', { size: 64, head: le(n, 8) });
        expect(await outcome(() => parseSafetensorsHeader(src))).toBe('LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

/** A header with one U8 tensor of the given shape (numel bytes of data follow). */
function headerWithShape(shape: number[]): { json: Uint8Array; size: number } {
  const numel = shape.reduce((a, b) => a * b, 1);
  const json = enc.encode(JSON.stringify({ t: { dtype: 'U8', shape, data_offsets: [0, numel] } }));
  return { json, size: 8 + json.length + numel };
}

describe('MAX_DIMS (64)', () => {
  it('64 dimensions read, 65 are LIMIT', async () => {
    const at = headerWithShape(new Array<number>(MAX_DIMS).fill(1));
    expect(decodeSafetensorsHeader('a', at.json, at.size).tensors[0]?.shape).toHaveLength(MAX_DIMS);
    const past = headerWithShape(new Array<number>(MAX_DIMS + 1).fill(1));
    expect(await outcome(() => decodeSafetensorsHeader('a', past.json, past.size))).toBe('LIMIT');
  });
  it('property: d dimensions of size 1 or 2', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 * MAX_DIMS }), fc.integer({ min: 0, max: 2 ** 31 }), async (d, bits) => {
        const h = headerWithShape(Array.from({ length: d }, (_, i) => (i < 10 && (bits >> i) & 1 ? 2 : 1)));
        expect(await outcome(() => decodeSafetensorsHeader('a', h.json, h.size))).toBe(d <= MAX_DIMS ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_JSON_DEPTH (128, serde_json\'s recursion limit)', () => {
  /** One tensor with an unknown field (ignored, as the crate ignores it) whose deepest array sits at depth `d` (root object = 1). */
  const deep = (d: number) => enc.encode(`{"t": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1], "x": ${'['.repeat(d - 2)}${']'.repeat(d - 2)}}}`);
  const read = (d: number) => () => decodeSafetensorsHeader('a', deep(d), 8 + deep(d).length + 1);
  it('depth 128 reads, 129 is LIMIT', async () => {
    expect(await outcome(read(MAX_JSON_DEPTH))).toBe('value');
    expect(await outcome(read(MAX_JSON_DEPTH + 1))).toBe('LIMIT');
  });
  it('property: header nesting around the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 2 * MAX_JSON_DEPTH }), async (d) => {
        expect(await outcome(read(d))).toBe(d <= MAX_JSON_DEPTH ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('property: index.json nesting around the limit (inside metadata, which accepts any value)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 2 * MAX_JSON_DEPTH }), async (d) => {
        // root object (1) → "metadata" object (2) → "x": arrays; deepest container at depth d.
        const text = `{"metadata": {"x": ${'['.repeat(d - 2)}${']'.repeat(d - 2)}}, "weight_map": {}}`;
        expect(await outcome(() => parseHfIndexJson('model.safetensors.index.json', enc.encode(text)))).toBe(d <= MAX_JSON_DEPTH ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_TENSORS_PER_FILE (1 000 000)', () => {
  /** n empty U8 tensors (shape [0], offsets [0, 0]). */
  function manyTensors(n: number): Uint8Array {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`);
    return enc.encode(`{${parts.join(',')}}`);
  }
  it('1 000 000 tensors read, 1 000 001 are LIMIT', async () => {
    const at = manyTensors(MAX_TENSORS_PER_FILE);
    expect(decodeSafetensorsHeader('a', at, 8 + at.length).tensors).toHaveLength(MAX_TENSORS_PER_FILE);
    const past = manyTensors(MAX_TENSORS_PER_FILE + 1);
    expect(await outcome(() => decodeSafetensorsHeader('a', past, 8 + past.length))).toBe('LIMIT');
  }, 120_000);
});

describe('MAX_INDEX_FILES (10 000 distinct files in weight_map)', () => {
  const index = (files: number, tensors: number) => {
    const wm: Record<string, string> = {};
    for (let i = 0; i < tensors; i++) wm[`t${i}`] = `f${i % files}.safetensors`;
    return enc.encode(JSON.stringify({ weight_map: wm }));
  };
  it('property: n distinct files around the limit (some named twice)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_INDEX_FILES - 200, max: MAX_INDEX_FILES + 200 }), async (n) => {
        const code = await outcome(() => parseHfIndexJson('model.safetensors.index.json', index(n, n + 37)));
        expect(code).toBe(n <= MAX_INDEX_FILES ? 'value' : 'LIMIT');
      }),
      { numRuns: 30 },
    );
  });
});

describe('MAX_INDEX_BYTES (256 MiB)', () => {
  it('an index of exactly the limit is read (and refused as not UTF-8, as arranged); one byte more is LIMIT before any read', async () => {
    const head = Uint8Array.of(0xff);
    const got = await wholeFileLimitOutcomes('model.safetensors.index.json', MAX_INDEX_BYTES, head, readSafetensorsSharded);
    expect(got).toEqual({ at: 'CORRUPT', past: 'LIMIT', pastBytesRead: 0 });
  });
});

describe('MAX_DCP_SHARD_FILES (100 000 per-rank shard files)', () => {
  /** n empty files named as DCP per-rank shards (1 000 ranks × up to 100 output files). */
  const shards = (n: number) => {
    const files = new Map<string, Uint8Array>();
    const empty = new Uint8Array(0);
    for (let i = 0; i < n; i++) {
      const rank = (i % 1000) + 1;
      const k = Math.floor(i / 1000) + 1;
      files.set(`shard-${String(rank).padStart(5, '0')}-model-${String(k).padStart(5, '0')}-of-00101.safetensors`, empty);
    }
    return new MemoryFolder(files);
  };
  it('100 000 files are read (and refused as too short, as arranged); 100 001 are LIMIT', async () => {
    expect(await outcome(() => readDcpHfShards(shards(MAX_DCP_SHARD_FILES)))).toBe('TRUNCATED');
    expect(await outcome(() => readDcpHfShards(shards(MAX_DCP_SHARD_FILES + 1)))).toBe('LIMIT');
  }, 120_000);
});

describe('a MemorySource is what the CLI would read: sanity of the virtual source', () => {
  it('a virtual file and the same bytes in memory give the same header', async () => {
    const h = headerWithShape([3]);
    const bytes = new Uint8Array(h.size);
    bytes.set(le(h.json.length, 8));
    bytes.set(h.json, 8);
    const a = await parseSafetensorsHeader(new MemorySource('a', bytes));
    const b = await parseSafetensorsHeader(new VirtualSource('a', { size: h.size, head: bytes }));
    expect(b).toEqual(a);
  });
});
