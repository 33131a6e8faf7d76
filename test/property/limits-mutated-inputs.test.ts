// Mutated real inputs (issue 7): torch-written `.metadata` files, `.distcp` items (plain and zstd)
// and safetensors shards, with bytes flipped, overwritten, cut, duplicated or spliced, go through
// the real readers. Each run must end in a value or a typed FormatError — never another exception
// (a TypeError, a RangeError from runaway recursion), which toAppError would turn into INTERNAL.
// Runs per property are in RUNS; docs/limits.md quotes the total.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseDcpMetadata } from '../../electron/formats/dcp/metadata';
import { readDcp } from '../../electron/formats/dcp/reader';
import { decompressZstd } from '../../electron/formats/dcp/transforms';
import { parseTensorPickle } from '../../electron/formats/dcp/item';
import { TorchZip } from '../../electron/formats/torchzip/records';
import { readSafetensorsSharded } from '../../electron/formats/hfshards/read-sharded';
import { hashTensor } from '../../electron/services/inspect/hash';
import { MemoryFolder } from '../../electron/io/memory-folder';
import { MemorySource } from '../../electron/io/memory-source';
import { isFormatError } from '../../shared/errors';
import { fixtureDir } from '../support/fixtures';
import { mutate, mutations } from '../support/mutate';

const RUNS = 200;
const DCP_CASES = ['tp', 'uneven', 'bytes_objects', 'zstd', 'dtypes', 'hsdp'];

function files(c: string): Map<string, Uint8Array> {
  const dir = fixtureDir(c);
  return new Map(readdirSync(dir).filter((n) => !n.startsWith('sharded')).map((n) => [n, new Uint8Array(readFileSync(path.join(dir, n)))]));
}

/** Runs `f`; anything thrown must be a FormatError (a typed error), never anything else. */
async function valueOrTypedError(f: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (!isFormatError(e)) throw new Error(`not a typed error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

describe('mutated inputs give a value or a typed error, nothing else', () => {
  for (const c of DCP_CASES) {
    const base = files(c);
    it(`${c}: mutated .metadata through parseDcpMetadata`, () => {
      return fc.assert(
        fc.asyncProperty(mutations, async (muts) => {
          const bytes = mutate(base.get('.metadata')!, muts);
          await valueOrTypedError(() => parseDcpMetadata(bytes));
        }),
        { numRuns: RUNS },
      );
    });

    it(`${c}: mutated .distcp files through readDcp and hashing every tensor`, () => {
      const distcps = [...base.keys()].filter((n) => n.endsWith('.distcp'));
      return fc.assert(
        fc.asyncProperty(fc.constantFrom(...distcps), mutations, async (name, muts) => {
          const folder = new MemoryFolder(new Map([...base, [name, mutate(base.get(name)!, muts)]]));
          await valueOrTypedError(async () => {
            const model = await readDcp(folder);
            for (const e of model.entries) if (e.kind === 'tensor') await hashTensor(folder, e);
          });
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('tp: single mutated items (torch.save zips) through TorchZip and the tensor unpickler', async () => {
    const md = parseDcpMetadata(files('tp').get('.metadata')!);
    const items = [...md.storage.values()].map((s) => files('tp').get(s.file)!.slice(s.offset, s.offset + s.length));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...items), mutations, async (item, muts) =>
        valueOrTypedError(async () => {
          const bytes = mutate(item, muts);
          const zip = await TorchZip.open(new MemorySource('item', bytes));
          parseTensorPickle((await zip.read('data.pkl')).bytes);
        }),
      ),
      { numRuns: RUNS },
    );
  });

  it('zstd: single mutated compressed items through decompressZstd', async () => {
    const base = files('zstd');
    const md = parseDcpMetadata(base.get('.metadata')!);
    const items = [...md.storage.values()].map((s) => base.get(s.file)!.slice(s.offset, s.offset + s.length));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...items), mutations, async (item, muts) => {
        const bytes = mutate(item, muts);
        await valueOrTypedError(() => decompressZstd(bytes, 1 << 20));
      }),
      { numRuns: RUNS },
    );
  });

  it('hf_consolidated: a mutated index or shard through readSafetensorsSharded and hashing', async () => {
    const base = files('hf_consolidated');
    const names = [...base.keys()];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), mutations, async (name, muts) => {
        const folder = new MemoryFolder(new Map([...base, [name, mutate(base.get(name)!, muts)]]));
        await valueOrTypedError(async () => {
          const model = await readSafetensorsSharded(folder);
          for (const e of model.entries) if (e.kind === 'tensor') await hashTensor(folder, e);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('the mutator itself: mutations change bytes and stay in bounds', () => {
    const b = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(mutate(b, [{ kind: 'drop', at: 2, len: 3 }])).toEqual(Uint8Array.from([1, 2, 6, 7, 8]));
    expect(mutate(b, [{ kind: 'dup', at: 6, len: 4 }])).toEqual(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 7, 8]));
    expect(mutate(b, [{ kind: 'cut', at: 11 }])).toEqual(Uint8Array.from([1, 2, 3]));
    expect(mutate(b, [{ kind: 'drop', at: 6, len: 16 }])).toEqual(Uint8Array.from([1, 2, 3, 4, 5, 6]));
  });
});
