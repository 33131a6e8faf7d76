// The readers against the torch-written HF fixtures: every key, dtype, shape, nbytes and sha256
// of expected.json.

import { afterAll, describe, expect, it } from 'vitest';
import { NodeFolder } from '../../../../electron/io/node-folder';
import { readSafetensorsSharded } from '../../../../electron/formats/hfshards/read-sharded';
import { readDcpHfShards } from '../../../../electron/formats/hfshards/read-dcp-hf-shards';
import { readSafetensorsSingle } from '../../../../electron/formats/hfshards/read-single';
import type { CheckpointModel, TensorEntry } from '../../../../shared/model/checkpoint';
import { FIXTURES, loadExpected, sha256, type ExpectedTensor } from '../safetensors/helpers';
import { assembleTensor } from './helpers';

const folders: NodeFolder[] = [];
const open = (rel: string): NodeFolder => {
  const f = new NodeFolder(`${FIXTURES}${rel}`);
  folders.push(f);
  return f;
};
afterAll(async () => {
  await Promise.all(folders.map((f) => f.close()));
});

async function expectMatches(folder: NodeFolder, model: CheckpointModel, expected: Record<string, ExpectedTensor>): Promise<void> {
  const tensors = model.entries.filter((e): e is TensorEntry => e.kind === 'tensor');
  expect(tensors).toHaveLength(model.entries.length);
  expect(tensors.map((e) => e.key).sort()).toEqual(Object.keys(expected).sort());
  for (const e of tensors) {
    const x = expected[e.key] as ExpectedTensor;
    expect([e.key, e.dtype, e.shape, e.nbytes]).toEqual([e.key, x.dtype, x.shape, x.nbytes]);
    expect(e.path).toEqual([e.key]);
    expect(sha256(await assembleTensor(folder, e)), e.key).toBe(x.sha256);
  }
}

describe('readSafetensorsSharded on hf_consolidated (index + two full-tensor files)', () => {
  it('reads every tensor of expected.json, in weight_map order, with matching hashes', async () => {
    const folder = open('hf_consolidated/checkpoint');
    const model = await readSafetensorsSharded(folder);
    const expected = loadExpected('hf_consolidated');
    await expectMatches(folder, model, expected);
    expect(model.format).toBe('safetensors-sharded');
    expect(model.entries.map((e) => e.key)).toEqual(Object.keys(expected).sort());
    expect(model.diagnostics).toEqual([]);
    expect(model.info).toEqual({ total_size: '30024' });
    expect(model.files.map((f) => f.name)).toEqual(['model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  });

  it('gives each tensor one raw chunk in the file expected.json names, hashing the raw range directly', async () => {
    const folder = open('hf_consolidated/checkpoint');
    const model = await readSafetensorsSharded(folder);
    const expected = loadExpected('hf_consolidated');
    for (const e of model.entries as TensorEntry[]) {
      expect(e.chunks).toHaveLength(1);
      const c = e.chunks[0];
      if (c?.source.kind !== 'raw') throw new Error('raw chunk expected');
      expect(c.source.file).toBe(expected[e.key]?.file);
      expect(c.offsets).toEqual(e.shape.map(() => 0));
      expect(c.sizes).toEqual(e.shape);
      expect(c.rank).toBeNull();
      const bytes = await (await folder.open(c.source.file)).read(c.source.offset, c.source.length);
      expect(sha256(bytes)).toBe(expected[e.key]?.sha256);
    }
  });
});

describe('readDcpHfShards', () => {
  it('assembles hf_sharded (2 ranks, one output file each) into the full tensors of expected.json', async () => {
    const folder = open('hf_sharded/checkpoint');
    const model = await readDcpHfShards(folder);
    await expectMatches(folder, model, loadExpected('hf_sharded'));
    expect(model.format).toBe('dcp-hf-shards');
    expect(model.worldSize).toBe(2);
    expect(model.diagnostics).toEqual([]);
    expect(model.info).toEqual({ DCP_VERSION: '1.0', format: 'pt' });
  });

  it('keeps the writer state-dict order and rank-tagged chunks', async () => {
    const model = await readDcpHfShards(open('hf_sharded/checkpoint'));
    expect(model.entries.slice(0, 3).map((e) => e.key)).toEqual(['freqs_scale', 'tok_embeddings.weight', 'layers.0.attention.wq.weight']);
    const emb = model.entries[1] as TensorEntry;
    expect(emb.chunks.map((c) => [c.rank, c.offsets, c.sizes])).toEqual([
      [0, [0, 0], [32, 16]],
      [1, [32, 0], [32, 16]],
    ]);
    const freqs = model.entries[0] as TensorEntry;
    expect(freqs.chunks.map((c) => c.rank)).toEqual([0]); // replicated: written once, by rank 0
  });

  it('assembles hf_consolidated/checkpoint/sharded (2 ranks × 2 output files) into the consolidated tensors', async () => {
    const folder = open('hf_consolidated/checkpoint/sharded');
    const model = await readDcpHfShards(folder);
    await expectMatches(folder, model, loadExpected('hf_consolidated'));
    expect(model.worldSize).toBe(2);
    expect(model.files).toHaveLength(4);
    expect(model.diagnostics).toEqual([]);
  });
});

describe('readSafetensorsSingle', () => {
  it('reads one consolidated file in header order', async () => {
    const folder = open('hf_consolidated/checkpoint');
    const model = await readSafetensorsSingle(folder, 'model-00001-of-00002.safetensors');
    const expected = loadExpected('hf_consolidated');
    const mine = Object.fromEntries(Object.entries(expected).filter(([, x]) => x.file === 'model-00001-of-00002.safetensors'));
    await expectMatches(folder, model, mine);
    expect(model.format).toBe('safetensors');
    expect(model.entries[0]?.key).toBe('freqs_scale');
    expect(model.files).toEqual([{ name: 'model-00001-of-00002.safetensors', size: 12466 }]);
    expect(model.info).toEqual({});
  });

  it('reads one per-rank shard as it is, with its __metadata__ in info and a hint to open the folder', async () => {
    const model = await readSafetensorsSingle(open('hf_sharded/checkpoint'), 'shard-00002-model-00001-of-00001.safetensors');
    expect(model.entries).toHaveLength(21);
    expect(model.info.format).toBe('pt');
    expect(model.info.DCP_VERSION).toBe('1.0');
    expect(model.info.DCP_SHARDING_INFO).toContain('"saved_offsets": [32, 0]');
    expect(model.diagnostics.map((d) => d.severity)).toEqual(['info']);
  });
});
