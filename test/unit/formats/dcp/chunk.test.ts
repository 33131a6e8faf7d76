import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openTorchItemChunk } from '../../../../electron/formats/dcp/chunk';
import { readDcp } from '../../../../electron/formats/dcp/reader';
import { NodeFolder } from '../../../../electron/io/node-folder';
import { SliceSource } from '../../../../electron/io/memory-source';
import type { TensorEntry } from '../../../../shared/model/checkpoint';
import type { DType } from '../../../../shared/model/dtype';
import { describeError, toAppError } from '../../../../shared/errors';
import { expectedEntries, fixtureDir, type ExpectedTensor } from '../../../support/fixtures';
import { g, reduce } from '../pickle/pickle-writer';
import { f32, folderWith, tensorItem, type TorchItem } from './tensor-item';
import { dcpCases, memoryCase, sha256Of } from './fixture-items';
import { zstdRawFrame } from './zstd-frames';
import { ZSTD_ITEM_SLACK_BYTES } from '../../../../electron/formats/dcp/limits';
import { formatFailure } from '../../../support/outcome';

const folders: NodeFolder[] = [];
afterAll(async () => Promise.all(folders.map((f) => f.close())));


const CASES = dcpCases().filter((c) => c !== 'titan_llama');

describe('openTorchItemChunk on the fixtures', () => {
  it.each(CASES)('%s: single-chunk tensors hash to expected.json, dim-0 shards concatenate to it', async (c) => {
    const folder = new NodeFolder(fixtureDir(c));
    folders.push(folder);
    const model = await readDcp(folder);
    const want = expectedEntries(c);
    let checked = 0;
    for (const e of model.entries) {
      if (e.kind !== 'tensor') continue;
      const sha = (want[e.key] as ExpectedTensor).sha256;
      const open = (i: number) => {
        const ch = e.chunks[i] as TensorEntry['chunks'][number];
        return openTorchItemChunk(folder, ch.source as TorchItem, { key: e.key, dtype: e.dtype, sizes: ch.sizes });
      };
      if (e.chunks.length === 1) {
        const src = await open(0);
        expect(src.size).toBe(e.nbytes);
        expect(await sha256Of(src)).toBe(sha);
        checked++;
      } else if (e.chunks.every((ch) => ch.offsets.slice(1).every((o) => o === 0) && ch.sizes.slice(1).every((s, d) => s === e.shape[d + 1]))) {
        const order = e.chunks.map((ch, i) => [ch.offsets[0] as number, i] as const).sort((a, b) => a[0] - b[0]);
        const h = createHash('sha256');
        for (const [, i] of order) {
          const src = await open(i);
          h.update(await src.read(0, src.size));
        }
        expect(h.digest('hex')).toBe(sha);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('serves uncompressed contiguous chunks as a slice of the file, without copying', async () => {
    const folder = new NodeFolder(fixtureDir('bytes_objects'));
    folders.push(folder);
    const w = (await readDcp(folder)).entries.find((e) => e.key === 'weight') as TensorEntry;
    const src = await openTorchItemChunk(folder, w.chunks[0]?.source as TorchItem, { key: 'weight', dtype: 'float32', sizes: [2, 3] });
    expect(src).toBeInstanceOf(SliceSource);
  });
});

// ---- synthetic items: the variants no fixture exercises ----

async function chunkBytes(item: Uint8Array, dtype: DType, sizes: number[], transforms: string[] = []): Promise<Uint8Array> {
  const { folder, source } = folderWith(item);
  const src = await openTorchItemChunk(folder, { ...source, transforms }, { key: 'k', dtype, sizes });
  return src.read(0, src.size);
}

describe('openTorchItemChunk on synthetic items', () => {
  it('gathers a transposed (non-contiguous) chunk into C order', async () => {
    const item = tensorItem({ numel: 6, size: [2, 3], stride: [1, 2], storage: f32(0, 1, 2, 3, 4, 5) });
    expect([...new Float32Array((await chunkBytes(item, 'float32', [2, 3])).slice().buffer)]).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('honours storage_offset and stride-0 (expanded) views', async () => {
    const off = tensorItem({ numel: 6, offset: 3, size: [2], stride: [1], storage: f32(0, 1, 2, 3, 4, 5) });
    expect([...new Float32Array((await chunkBytes(off, 'float32', [2])).slice().buffer)]).toEqual([3, 4]);
    const expanded = tensorItem({ numel: 1, size: [3], stride: [0], storage: f32(7) });
    expect([...new Float32Array((await chunkBytes(expanded, 'float32', [3])).slice().buffer)]).toEqual([7, 7, 7]);
  });

  it('byte-swaps a big-endian storage', async () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -2, false);
    const item = tensorItem({ numel: 2, size: [2], stride: [1], storage: be, byteorder: 'big' });
    expect([...new Float32Array((await chunkBytes(item, 'float32', [2])).slice().buffer)]).toEqual([1.5, -2]);
  });

  it('reads _rebuild_tensor_v3 over an UntypedStorage (float8)', async () => {
    const item = tensorItem({ rebuild: 'v3', dtype: 'float8_e4m3fn', numel: 4, size: [4], stride: [1], storage: Uint8Array.of(1, 2, 3, 4) });
    expect([...(await chunkBytes(item, 'float8_e4m3fn', [4]))]).toEqual([1, 2, 3, 4]);
  });

  it('reads a stream.zstd/1 item', async () => {
    const item = zstdRawFrame(tensorItem({ numel: 2, size: [2], stride: [1], storage: f32(1, 2) }));
    expect([...new Float32Array((await chunkBytes(item, 'float32', [2], ['stream.zstd/1'])).slice().buffer)]).toEqual([1, 2]);
  });

  it('refuses a dtype or shape that disagrees with .metadata', async () => {
    const item = tensorItem({ numel: 2, size: [2], stride: [1], storage: f32(1, 2) });
    const { folder, source } = folderWith(item);
    const e1 = await formatFailure(openTorchItemChunk(folder, source, { key: 'w', dtype: 'float64', sizes: [2] }));
    expect(e1.code).toBe('INCONSISTENT');
    expect(describeError(toAppError(e1))).toBe('__0_0.distcp: item for "w" at byte 100: item holds a float32 tensor but .metadata says float64');
    const e2 = await formatFailure(openTorchItemChunk(folder, source, { key: 'w', dtype: 'float32', sizes: [1, 2] }));
    expect(e2.message).toBe('__0_0.distcp: item for "w" at byte 100: item holds a tensor of shape [2] but .metadata says the chunk is [1, 2]');
  });

  it('refuses strides that reach past the storage', async () => {
    const item = tensorItem({ numel: 6, size: [2, 3], stride: [3, 2], storage: f32(0, 1, 2, 3, 4, 5) });
    const e = await formatFailure(chunkBytes(item, 'float32', [2, 3]));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/tensor reaches storage element 7 but data\/0 holds 6$/);
  });

  it('refuses a tensor item whose data.pkl calls something else, naming the global', async () => {
    const item = tensorItem({ numel: 1, size: [1], stride: [1], storage: f32(0), pickle: reduce(g('posix', 'system'), 'echo hi') });
    const e = await formatFailure(chunkBytes(item, 'float32', [1]));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/tensor item's data\.pkl does not rebuild a tensor \(it calls posix\.system\)$/);
  });

  it('refuses an item whose zip end record is damaged, naming file, key and item offset', async () => {
    const folder = memoryCase('bytes_objects', (files) => {
      const f = files.get('__0_0.distcp') as Uint8Array;
      f[f.length - 22] = (f[f.length - 22] as number) ^ 0xff; // the weight item is last in the file
    });
    const w = (await readDcp(folder)).entries.find((e) => e.key === 'weight') as TensorEntry;
    const ch = w.chunks[0] as TensorEntry['chunks'][number];
    const e = await formatFailure(openTorchItemChunk(folder, ch.source as TorchItem, { key: 'weight', dtype: 'float32', sizes: [2, 3] }));
    expect(e.code).toBe('CORRUPT');
    expect(e.file).toBe('__0_0.distcp');
    expect(e.key).toBe('weight');
    expect(e.message).toMatch(/^__0_0\.distcp: item for "weight" at byte \d+: not a zip: no end-of-central-directory record in the last \d+ bytes/);
  });

  it('refuses a zstd item that would decompress past the chunk size plus slack', async () => {
    const { folder, source } = folderWith(zstdRawFrame(new Uint8Array(8), { contentSize: 2 ** 32 }));
    const e = await formatFailure(openTorchItemChunk(folder, { ...source, transforms: ['stream.zstd/1'] }, { key: 'k', dtype: 'float32', sizes: [2] }));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(/decompression bomb/);
  });

  it('refuses file names that leave the folder and item ranges past the file end', async () => {
    const { folder, source } = folderWith(tensorItem({ numel: 1, size: [1], stride: [1], storage: f32(0) }));
    expect((await formatFailure(openTorchItemChunk(folder, { ...source, file: '../x' }, { key: 'k', dtype: 'float32', sizes: [1] }))).code).toBe('UNSAFE_PATH');
    const past = await formatFailure(openTorchItemChunk(folder, { ...source, length: source.length + 1 }, { key: 'k', dtype: 'float32', sizes: [1] }));
    expect(past.code).toBe('TRUNCATED');
    expect(past.message).toMatch(/^__0_0\.distcp: item for "k" at byte 100 ends at byte \d+ but the file has \d+ bytes$/);
  });

  it('ZSTD_ITEM_SLACK_BYTES: a zstd item may decompress to chunk bytes + slack, not one byte more', async () => {
    const zipSize = (filler: number) => tensorItem({ numel: 2, size: [2], stride: [1], storage: f32(1, 2), extraRecords: [['archive/filler', new Uint8Array(filler)]] }).length;
    const base = zipSize(0);
    const cap = 8 + ZSTD_ITEM_SLACK_BYTES;
    const open = (filler: number) => {
      const zip = tensorItem({ numel: 2, size: [2], stride: [1], storage: f32(1, 2), extraRecords: [['archive/filler', new Uint8Array(filler)]] });
      const { folder, source } = folderWith(zstdRawFrame(zip));
      return openTorchItemChunk(folder, { ...source, transforms: ['stream.zstd/1'] }, { key: 'k', dtype: 'float32', sizes: [2] });
    };
    expect(zipSize(cap - base)).toBe(cap);
    expect((await open(cap - base)).size).toBe(8);
    const e = await formatFailure(open(cap - base + 1));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(/decompression bomb/);
  });
});
