import { afterAll, describe, expect, it } from 'vitest';
import { readDcp } from '../../../../electron/formats/dcp/reader';
import { NodeFolder } from '../../../../electron/io/node-folder';
import type { CheckpointModel, Entry, ObjectEntry, TensorEntry } from '../../../../shared/model/checkpoint';
import { expected, expectedEntries, fixtureDir, type ExpectedObject, type ExpectedTensor } from '../../../support/fixtures';
import { dcpCases } from './fixture-items';

const folders: NodeFolder[] = [];
async function read(c: string): Promise<CheckpointModel> {
  const f = new NodeFolder(fixtureDir(c));
  folders.push(f);
  return readDcp(f);
}
afterAll(async () => {
  await Promise.all(folders.map((f) => f.close()));
});

const byKey = (m: CheckpointModel): Map<string, Entry> => new Map(m.entries.map((e) => [e.key, e]));
const CASES = dcpCases().filter((c) => c !== 'titan_llama');

describe('readDcp over every torch-written DCP fixture', () => {
  it('covers all DCP fixture cases', () => {
    expect(dcpCases()).toEqual(['bytes_objects', 'dtypes', 'fsdp_model_only', 'fsdp_tp', 'fsdp_train', 'hsdp', 'multifile', 'titan_llama', 'tp', 'uneven', 'zstd']);
  });

  it.each(CASES)('%s: exactly the expected keys, dtypes, shapes, sizes, objects and world size', async (c) => {
    const model = await read(c);
    const want = expectedEntries(c);
    expect(model.format).toBe('dcp');
    expect(model.root).toBe(fixtureDir(c));
    expect(model.worldSize).toBe(expected(c).world_size);
    expect(model.info.metadataVersion).toBe('1.0.0');
    expect([...byKey(model).keys()].sort()).toEqual(Object.keys(want).sort());
    for (const [key, w] of Object.entries(want)) {
      const e = byKey(model).get(key) as Entry;
      if (w.kind === 'tensor') {
        const t = e as TensorEntry;
        const wt = w as ExpectedTensor;
        expect({ key, kind: t.kind, dtype: t.dtype, shape: t.shape, nbytes: t.nbytes }).toEqual({ key, kind: 'tensor', dtype: wt.dtype, shape: wt.shape, nbytes: wt.nbytes });
        expect(t.chunks.length).toBeGreaterThan(0);
        for (const ch of t.chunks) {
          expect(ch.source.kind).toBe('torch-item');
          expect(ch.rank).toBe(Number(/^__(\d+)_/.exec(ch.source.file)?.[1]));
        }
      } else {
        const o = e as ObjectEntry;
        const wo = w as ExpectedObject;
        expect({ key, kind: o.kind, pythonType: o.pythonType, repr: o.repr, global: o.global }).toEqual({ key, kind: 'object', pythonType: wo.python_type, repr: wo.repr, global: wo.global });
      }
    }
    expect(model.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('shows the hostile item as unsafe, naming posix.system, with a warning', async () => {
    const model = await read('bytes_objects');
    const evil = byKey(model).get('evil') as ObjectEntry;
    expect(evil).toMatchObject({ kind: 'object', pythonType: 'unsafe', global: 'posix.system' });
    expect(evil.repr).toBeUndefined();
    expect(evil.source).toEqual({ kind: 'torch-item', file: '__0_0.distcp', offset: 11349, length: 1325, transforms: [] });
    expect(model.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', key: 'evil', message: expect.stringContaining('posix.system') }));
  });

  it('reads titan_llama (no expected.json) with every tensor split across its two ranks', async () => {
    const model = await read('titan_llama');
    expect(model.worldSize).toBe(2);
    const tensors = model.entries.filter((e): e is TensorEntry => e.kind === 'tensor');
    expect(tensors.length).toBeGreaterThan(50);
    const emb = byKey(model).get('tok_embeddings.weight') as TensorEntry;
    expect(emb.chunks.map((c) => c.offsets[0])).toEqual([0, emb.shape[0] as number / 2]);
    expect(byKey(model).get('optimizer.state.tok_embeddings.weight.exp_avg')?.path).toEqual(['optimizer.state.tok_embeddings.weight.exp_avg']);
  });
});

describe('planner_data paths (formats.md 2.4)', () => {
  const table: Array<[string, string, Array<string | number>]> = [
    ['multifile', 'model.layers.0.attention.wq.weight', ['model', 'layers.0.attention.wq.weight']],
    ['fsdp_train', 'layers.0.attention.wq.weight', ['layers.0.attention.wq.weight']],
    ['fsdp_train', 'optimizer.state.norm.weight.exp_avg', ['optimizer', 'state', 'norm.weight', 'exp_avg']],
    ['fsdp_train', 'optimizer.param_groups.0.lr', ['optimizer', 'param_groups', 0, 'lr']],
    ['titan_llama', 'optimizer.state.tok_embeddings.weight.exp_avg', ['optimizer.state.tok_embeddings.weight.exp_avg']],
    ['dtypes', 'nested.list.1', ['nested', 'list', 1]],
    ['bytes_objects', 'meta.od.a', ['meta', 'od', 'a']],
  ];
  it.each(table)('%s %s → %j', async (c, key, path) => {
    const e = byKey(await read(c)).get(key);
    expect(e?.path).toEqual(path);
  });
});

describe('chunk layouts (formats.md 5)', () => {
  const boxes = (t: TensorEntry) => t.chunks.map((c) => `${c.offsets.join(',')}/${c.sizes.join(',')}`).sort();
  it('keeps uneven empty chunks whose offset equals the dim size', async () => {
    const m = byKey(await read('uneven'));
    expect(boxes(m.get('model.b.weight') as TensorEntry)).toEqual(['0,0/1,3', '1,0/1,3', '2,0/0,3']);
    expect(boxes(m.get('model.c.weight') as TensorEntry)).toEqual(['0,0/1,4', '1,0/0,4']);
  });
  it('reads tp row/column splits, fsdp_tp 2-D blocks, hsdp deduplicated replicas', async () => {
    expect(boxes(byKey(await read('tp')).get('model.2.weight') as TensorEntry)).toEqual(['0,0/6,5', '0,5/6,5']);
    expect(boxes(byKey(await read('fsdp_tp')).get('model.2.weight') as TensorEntry)).toEqual(['0,0/3,5', '0,5/3,5', '3,0/3,5', '3,5/3,5']);
    expect(boxes(byKey(await read('fsdp_tp')).get('model.0.weight') as TensorEntry)).toEqual(['0,0/3,6', '3,0/2,6', '5,0/3,6', '8,0/2,6']);
    for (const e of (await read('hsdp')).entries) expect((e as TensorEntry).chunks.length).toBeLessThanOrEqual(2);
  });
  it('reads scalars and empty tensors as one chunk', async () => {
    const m = byKey(await read('dtypes'));
    expect((m.get('scalar_f32') as TensorEntry).chunks.map((c) => [c.offsets, c.sizes])).toEqual([[[], []]]);
    expect((m.get('empty') as TensorEntry).nbytes).toBe(0);
  });
  it('marks zstd items with their transform', async () => {
    const t = (await read('zstd')).entries[0] as TensorEntry;
    expect(t.chunks[0]?.source).toMatchObject({ kind: 'torch-item', transforms: ['stream.zstd/1'] });
  });
});
