import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import { readDcpHfShards } from '../../../../electron/formats/hfshards/read-dcp-hf-shards';
import { isDcpHfShardName, parseDcpHfShardName } from '../../../../electron/formats/hfshards/names';
import type { TensorEntry } from '../../../../shared/model/checkpoint';
import { expectFormatError, sha256 } from '../safetensors/helpers';
import { assembleTensor, buildFile, shardingInfo, type TestTensor } from './helpers';

const name = (s: number, k = 1, n = 1) => `shard-${String(s).padStart(5, '0')}-model-${String(k).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;

function shard(tensors: readonly TestTensor[], offsets: Record<string, number[]>): Uint8Array {
  return buildFile(tensors, { DCP_SHARDING_INFO: shardingInfo(offsets), DCP_VERSION: '1.0', format: 'pt' });
}

const folderOf = (files: Record<string, Uint8Array>) => new MemoryFolder(new Map(Object.entries(files)), '/ckpt');

describe('readDcpHfShards', () => {
  it('tiles 2-D blocks from four ranks (FSDP × TP) and assembles them in C order', async () => {
    const w = (fill: number): TestTensor => ({ name: 'w', dtype: 'uint8', shape: [2, 3], fill });
    const folder = folderOf({
      [name(1)]: shard([w(1)], { w: [0, 0] }),
      [name(2)]: shard([w(2)], { w: [0, 3] }),
      [name(3)]: shard([w(3)], { w: [2, 0] }),
      [name(4)]: shard([w(4)], { w: [2, 3] }),
    });
    const m = await readDcpHfShards(folder);
    const e = m.entries[0] as TensorEntry;
    expect([e.shape, e.nbytes, m.worldSize]).toEqual([[4, 6], 24, 4]);
    expect(Array.from(await assembleTensor(folder, e))).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
  });

  it('rejects a gap, naming the key and the parts it has', async () => {
    const w: TestTensor = { name: 'layers.0.w', dtype: 'float32', shape: [2, 4] };
    await expectFormatError(
      readDcpHfShards(folderOf({ [name(1)]: shard([w], { 'layers.0.w': [0, 0] }), [name(2)]: shard([w], { 'layers.0.w': [4, 0] }) })),
      'INCONSISTENT',
      `tensor "layers.0.w" (shape [6, 4]): its parts cover 16 of 24 elements ([0:2, 0:4] from ${name(1)}; [4:6, 0:4] from ${name(2)}); a rank's part is missing`,
    );
  });

  it('rejects overlapping parts', async () => {
    const w: TestTensor = { name: 'w', dtype: 'float32', shape: [2, 4] };
    await expectFormatError(
      readDcpHfShards(folderOf({ [name(1)]: shard([w], { w: [0, 0] }), [name(2)]: shard([w], { w: [1, 0] }) })),
      'INCONSISTENT',
      `tensor "w": part [0:2, 0:4] from ${name(1)} overlaps part [1:3, 0:4] from ${name(2)}`,
    );
  });

  it('reads an identical box written by two ranks once', async () => {
    const b: TestTensor = { name: 'bias', dtype: 'float32', shape: [4] };
    const m = await readDcpHfShards(folderOf({ [name(1)]: shard([b], { bias: [0] }), [name(2)]: shard([b], { bias: [0] }) }));
    const e = m.entries[0] as TensorEntry;
    expect(e.chunks.map((c) => c.rank)).toEqual([0]);
    expect(e.shape).toEqual([4]);
  });

  it('defaults missing saved_offsets to zeros and warns about entries the file lacks', async () => {
    const file = buildFile([{ name: 's', dtype: 'int64', shape: [] }], { DCP_SHARDING_INFO: shardingInfo({ ghost: [0] }) });
    const m = await readDcpHfShards(folderOf({ [name(1)]: file }));
    expect(m.entries.map((e) => [e.key, (e as TensorEntry).shape])).toEqual([['s', []]]);
    expect(m.diagnostics).toEqual([
      { severity: 'warning', file: name(1), key: 'ghost', message: `${name(1)}: DCP_SHARDING_INFO lists tensor "ghost", but the file holds no such tensor` },
    ]);
  });

  it('rejects a shard whose __metadata__ has no DCP_SHARDING_INFO', async () => {
    await expectFormatError(
      readDcpHfShards(folderOf({ [name(1)]: buildFile([{ name: 'w', dtype: 'uint8', shape: [1] }], { format: 'pt' }) })),
      'INCONSISTENT',
      `${name(1)}: the name says it is a DCP per-rank shard, but its __metadata__ has no DCP_SHARDING_INFO`,
    );
  });

  it('rejects saved_offsets whose length is not the tensor rank', async () => {
    await expectFormatError(
      readDcpHfShards(folderOf({ [name(1)]: shard([{ name: 'w', dtype: 'uint8', shape: [2, 2] }], { w: [0] }) })),
      'INCONSISTENT',
      `${name(1)}: tensor "w" has 2 dims (shape [2, 2]) but DCP_SHARDING_INFO gives 1 saved_offsets [0]`,
    );
  });

  it('rejects a tensor whose dtype differs between ranks', async () => {
    await expectFormatError(
      readDcpHfShards(
        folderOf({
          [name(1)]: shard([{ name: 'w', dtype: 'float32', shape: [2] }], { w: [0] }),
          [name(2)]: shard([{ name: 'w', dtype: 'bfloat16', shape: [2] }], { w: [2] }),
        }),
      ),
      'INCONSISTENT',
      `tensor "w" is F32 in ${name(1)} but BF16 in ${name(2)}`,
    );
  });

  it('rejects shards of two saves mixed in one folder (different of-n)', async () => {
    const w: TestTensor = { name: 'w', dtype: 'uint8', shape: [1] };
    await expectFormatError(
      readDcpHfShards(folderOf({ [name(1, 1, 2)]: shard([w], { w: [0] }), [name(2, 1, 3)]: shard([w], { w: [1] }) })),
      'INCONSISTENT',
      `${name(2, 1, 3)} says there are 3 output files but ${name(1, 1, 2)} says 2`,
    );
  });

  it('rejects bad DCP_SHARDING_INFO JSON with the file name', async () => {
    const file = buildFile([{ name: 'w', dtype: 'uint8', shape: [1] }], { DCP_SHARDING_INFO: '{"w": {"saved_offsets": [0.5]}}' });
    await expectFormatError(readDcpHfShards(folderOf({ [name(1)]: file })), 'CORRUPT', `${name(1)}: DCP_SHARDING_INFO entry for "w" has saved_offsets[0] = a number (0.5); expected a non-negative integer`);
  });

  it('rejects a folder with no per-rank shard files', async () => {
    await expectFormatError(readDcpHfShards(folderOf({ 'model.safetensors': new Uint8Array(0) })), 'NOT_A_CHECKPOINT', '/ckpt: no DCP per-rank shard files');
  });

  it('warns when a rank in the middle has no files', async () => {
    const w = (o: number): Uint8Array => shard([{ name: 'w', dtype: 'uint8', shape: [1] }], { w: [o] });
    const m = await readDcpHfShards(folderOf({ [name(1)]: w(0), [name(3)]: w(1) }));
    expect(m.worldSize).toBe(2);
    expect(m.diagnostics.map((d) => d.message)).toEqual([
      'no shard files for rank 1 (shard-00002-…); if those ranks held data, tensors look smaller than they are',
    ]);
  });

  it('hashes the same as the data written (round trip through the writer)', async () => {
    const parts = [0, 1, 2].map((r) => shard([{ name: 'emb', dtype: 'bfloat16', shape: [2, 3], fill: 10 + r }], { emb: [2 * r, 0] }));
    const folder = folderOf({ [name(1)]: parts[0] as Uint8Array, [name(2)]: parts[1] as Uint8Array, [name(3)]: parts[2] as Uint8Array });
    const e = (await readDcpHfShards(folder)).entries[0] as TensorEntry;
    const want = new Uint8Array(36);
    want.fill(10, 0, 12).fill(11, 12, 24).fill(12, 24, 36);
    expect(sha256(await assembleTensor(folder, e))).toBe(sha256(want));
  });
});

describe('per-rank shard names', () => {
  it('parses S (1-based) into a 0-based rank, k and n', () => {
    expect(parseDcpHfShardName('shard-00002-model-00001-of-00004.safetensors')).toEqual({ rank: 1, fileIndex: 1, fileCount: 4 });
    expect(isDcpHfShardName('shard-00001-model-00001-of-00001.safetensors')).toBe(true);
  });

  it('refuses other names, and S = 0', () => {
    for (const n of ['model-00001-of-00002.safetensors', 'shard-1-model-1-of-1.safetensors', 'shard-00001-model-00001-of-00001.safetensors.tmp', 'shard-00000-model-00001-of-00001.safetensors']) {
      expect(isDcpHfShardName(n)).toBe(false);
    }
  });
});
