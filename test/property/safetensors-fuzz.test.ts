// Hostile bytes: bit-flipped, truncated or random safetensors headers, index files and
// DCP_SHARDING_INFO strings give a value or a FormatError, never another exception.
// (Mirrors the crate's fuzz target: `SafeTensors::deserialize(data)` must not panic.)

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensorsHeader } from '../../electron/formats/safetensors/header';
import { parseHfIndexJson } from '../../electron/formats/hfshards/index-json';
import { parseDcpShardingInfo } from '../../electron/formats/hfshards/sharding-info';
import { MemorySource } from '../../electron/io/memory-source';
import { FormatError } from '../../shared/errors';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const stFiles = [
  'hf_sharded/checkpoint',
  'hf_consolidated/checkpoint',
  'hf_consolidated/checkpoint/sharded',
].flatMap((d) => readdirSync(`${FIX}${d}`).filter((f) => f.endsWith('.safetensors')).map((f) => new Uint8Array(readFileSync(`${FIX}${d}/${f}`))));
const indexBytes = new Uint8Array(readFileSync(`${FIX}hf_consolidated/checkpoint/model.safetensors.index.json`));

/** Runs `f`; passes if it returns or throws a FormatError. */
async function valueOrFormatError(f: () => unknown): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
  }
}

function headerEnd(b: Uint8Array): number {
  return 8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
}

const flips = (max: number) => fc.array(fc.tuple(fc.nat({ max: max - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 });

describe('safetensors reader on hostile bytes', () => {
  it('finds the fixtures', () => {
    expect(stFiles).toHaveLength(8);
  });

  it('bit flips in a real header → a header or a FormatError', async () => {
    const flipped = fc.nat({ max: stFiles.length - 1 }).chain((which) => fc.tuple(fc.constant(which), flips(headerEnd(stFiles[which] as Uint8Array))));
    await fc.assert(
      fc.asyncProperty(flipped, async ([which, list]) => {
        const b = (stFiles[which] as Uint8Array).slice();
        for (const [at, bit] of list) b[at] = (b[at] as number) ^ (1 << bit);
        await valueOrFormatError(() => parseSafetensorsHeader(new MemorySource('x.safetensors', b)));
      }),
      { numRuns: 500 },
    );
  });

  it('truncation anywhere → a FormatError (never a header, since data is then short)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: stFiles.length - 1 }), fc.nat(), async (which, cut) => {
        const orig = stFiles[which] as Uint8Array;
        const b = orig.subarray(0, cut % orig.length);
        await expect(parseSafetensorsHeader(new MemorySource('x.safetensors', b))).rejects.toBeInstanceOf(FormatError);
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes after a plausible length prefix → a header or a FormatError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.nat(400), async (body, n) => {
        const b = new Uint8Array(8 + body.length);
        new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
        b.set(body, 8);
        await valueOrFormatError(() => parseSafetensorsHeader(new MemorySource('x.safetensors', b)));
      }),
      { numRuns: 500 },
    );
  });

  it('random JSON-ish text as a header → a header or a FormatError', async () => {
    const token = fc.constantFrom('{', '}', '[', ']', ',', ':', '"a"', '"__metadata__"', '"dtype"', '"F32"', '"shape"', '"data_offsets"', '0', '4', '-1', '1e9', 'null', ' ');
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 40 }), fc.nat(64), async (tokens, data) => {
        const json = new TextEncoder().encode(`{${tokens.join('')}`);
        const b = new Uint8Array(8 + json.length + data);
        new DataView(b.buffer).setBigUint64(0, BigInt(json.length), true);
        b.set(json, 8);
        await valueOrFormatError(() => parseSafetensorsHeader(new MemorySource('x.safetensors', b)));
      }),
      { numRuns: 500 },
    );
  });

  it('bit flips and truncation in index.json → an index or a FormatError', async () => {
    await fc.assert(
      fc.asyncProperty(flips(indexBytes.length), fc.nat(), async (list, cut) => {
        const b = indexBytes.slice(0, indexBytes.length - (cut % 4 === 0 ? cut % indexBytes.length : 0));
        for (const [at, bit] of list) if (at < b.length) b[at] = (b[at] as number) ^ (1 << bit);
        await valueOrFormatError(() => parseHfIndexJson('model.safetensors.index.json', b));
      }),
      { numRuns: 500 },
    );
  });

  it('mutated DCP_SHARDING_INFO text → offsets or a FormatError', async () => {
    const base = '{"w": {"saved_offsets": [32, 0]}, "b": {"saved_offsets": [8]}}';
    await fc.assert(
      fc.asyncProperty(fc.nat(base.length - 1), fc.string({ maxLength: 3 }), fc.nat(3), async (at, ins, del) => {
        const text = base.slice(0, at) + ins + base.slice(at + del);
        await valueOrFormatError(() => parseDcpShardingInfo('s.safetensors', text));
      }),
      { numRuns: 500 },
    );
  });
});
