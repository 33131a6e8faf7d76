// The zip reader, item decoders, zstd and chunk opening on damaged real items: each returns or
// throws FormatError — never another exception, never a hang (items are ~1–2 KiB).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { TorchZip } from '../../electron/formats/torchzip/records';
import { decodeBytesItem, parseTensorPickle } from '../../electron/formats/dcp/item';
import { openTorchItemChunk } from '../../electron/formats/dcp/chunk';
import { decompressZstd } from '../../electron/formats/dcp/transforms';
import { MemorySource } from '../../electron/io/memory-source';
import { MemoryFolder } from '../../electron/io/memory-folder';
import { FormatError } from '../../shared/errors';
import { fixtureItems, readCase, caseMetadata } from '../unit/formats/dcp/fixture-items';

async function onlyFormatErrors(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (e instanceof FormatError) return true;
    throw e;
  }
}

const ITEMS = [...fixtureItems(['bytes_objects', 'dtypes'])];
const TENSOR_ITEMS = ITEMS.filter((i) => i.case === 'dtypes');
const BYTES_ITEMS = ITEMS.filter((i) => i.case === 'bytes_objects' && i.fqn !== 'weight');

function mutate(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      puts: fc.array(fc.record({ at: fc.nat({ max: base.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
      cut: fc.option(fc.nat({ max: base.length }), { nil: undefined }),
      // Bias writes toward the tail, where the end records and directory live.
      tail: fc.array(fc.record({ back: fc.integer({ min: 1, max: Math.min(200, base.length) }), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
    })
    .map(({ puts, cut, tail }) => {
      const b = base.slice();
      for (const p of puts) b[p.at] = p.value;
      for (const t of tail) b[b.length - t.back] = t.value;
      return cut === undefined ? b : b.subarray(0, cut);
    });
}

const anyItem = (list: typeof ITEMS) => fc.constantFrom(...list).chain((item) => mutate(item.zip).map((zip) => ({ item, zip })));

describe('torch zip properties', () => {
  it('mutated items: the zip opens and every record reads, or a FormatError', async () => {
    await fc.assert(
      fc.asyncProperty(anyItem(ITEMS), ({ zip }) =>
        onlyFormatErrors(async () => {
          const z = await TorchZip.open(new MemorySource('item', zip));
          for (const n of z.names) await z.read(n);
        }),
      ),
      { numRuns: 600 },
    );
  });

  it('mutated tensor items through parseTensorPickle', async () => {
    await fc.assert(
      fc.asyncProperty(anyItem(TENSOR_ITEMS), ({ zip }) =>
        onlyFormatErrors(async () => {
          const z = await TorchZip.open(new MemorySource('item', zip));
          parseTensorPickle((await z.read('data.pkl')).bytes);
        }),
      ),
      { numRuns: 400 },
    );
  });

  it('mutated bytes items through decodeBytesItem', async () => {
    await fc.assert(fc.asyncProperty(anyItem(BYTES_ITEMS), ({ zip }) => onlyFormatErrors(() => decodeBytesItem(zip, 'item'))), { numRuns: 400 });
  });

  it('mutated tensor items in a folder through openTorchItemChunk', async () => {
    const md = caseMetadata('dtypes');
    const file = readCase('dtypes').get('__0_0.distcp') as Uint8Array;
    const entries = [...md.stateDict].filter(([, m]) => m.kind === 'tensor');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...entries), fc.array(fc.record({ at: fc.nat({ max: file.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }), ([key, meta], puts) =>
        onlyFormatErrors(async () => {
          if (meta.kind !== 'tensor' || meta.dtype === null) return;
          const chunk = meta.chunks[0];
          const info = chunk && md.storage.get(JSON.stringify([key, chunk.offsets]));
          if (!chunk || !info) return;
          const b = file.slice();
          for (const p of puts) b[info.offset + (p.at % info.length)] = p.value;
          const folder = new MemoryFolder(new Map([['__0_0.distcp', b]]));
          const src = await openTorchItemChunk(folder, { kind: 'torch-item', file: '__0_0.distcp', offset: info.offset, length: info.length, transforms: [] }, { key, dtype: meta.dtype, sizes: chunk.sizes });
          await src.read(0, src.size);
        }),
      ),
      { numRuns: 400 },
    );
  });

  it('mutated zstd items through decompressZstd', async () => {
    const md = caseMetadata('zstd');
    const files = readCase('zstd');
    const frames = [...md.storage.values()].slice(0, 6).map((s) => (files.get(s.file) as Uint8Array).slice(s.offset, s.offset + s.length));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...frames).chain(mutate), (b) => onlyFormatErrors(async () => decompressZstd(b, 256 * 1024))),
      { numRuns: 400 },
    );
  });
});
