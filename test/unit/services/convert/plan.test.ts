// planConversion / selectTensors on hand-built models: selection rules, names, shard layout,
// byte offsets that tile each file, determinism.
import { describe, expect, it } from 'vitest';
import type { CheckpointModel, Entry, TensorEntry } from '../../../../shared/model/checkpoint';
import { DTYPES, type DType } from '../../../../shared/model/dtype';
import { planConversion, type PlanOptions } from '../../../../electron/services/convert/plan';
import { selectTensors } from '../../../../electron/services/convert/select';
import type { Preset } from '../../../../electron/services/presets';

function tensor(key: string, dtype: DType, shape: number[], path: (string | number)[] = key.split('.')): TensorEntry {
  const nbytes = shape.reduce((a, b) => a * b, 1) * DTYPES[dtype].itemsize;
  return { kind: 'tensor', key, path, dtype, shape, nbytes, chunks: [{ offsets: shape.map(() => 0), sizes: shape, source: { kind: 'raw', file: 'x', offset: 0, length: nbytes }, rank: null }] };
}
function object(key: string, pythonType = 'int'): Entry {
  return { kind: 'object', key, path: key.split('.'), pythonType, repr: '1' };
}
function model(entries: Entry[]): CheckpointModel {
  return { format: 'dcp', root: '/ck', worldSize: 2, entries, files: [], diagnostics: [], info: {} };
}
const base: PlanOptions = { modelOnly: false, include: [], exclude: [], preset: null, dtype: null, maxShardSize: 5e9 };

const training = model([
  tensor('model.embed.weight', 'float32', [8, 4]),
  tensor('model.layers.0.w', 'bfloat16', [4, 4]),
  tensor('optimizer.state.model.embed.weight.exp_avg', 'float32', [8, 4]),
  tensor('optimizer.state.model.embed.weight.step', 'float32', []),
  object('optimizer.param_groups.0.lr', 'float'),
  object('lr_scheduler.last_epoch'),
  object('train_state.step'),
  tensor('dataloader.rng', 'uint8', [16]),
  object('extra'),
]);

describe('selectTensors', () => {
  it('keeps every tensor under its key by default and reports the non-tensors', () => {
    const s = selectTensors(training, base);
    expect(s.selected.map((t) => t.name)).toEqual([
      'model.embed.weight', 'model.layers.0.w', 'optimizer.state.model.embed.weight.exp_avg', 'optimizer.state.model.embed.weight.step', 'dataloader.rng',
    ]);
    expect(s.skipped).toEqual([
      { key: 'optimizer.param_groups.0.lr', reason: 'non-tensor', pythonType: 'float' },
      { key: 'lr_scheduler.last_epoch', reason: 'non-tensor', pythonType: 'int' },
      { key: 'train_state.step', reason: 'non-tensor', pythonType: 'int' },
      { key: 'extra', reason: 'non-tensor', pythonType: 'int' },
    ]);
  });

  it('--model-only drops training state by path and strips the model. prefix every key shares', () => {
    const s = selectTensors(training, { ...base, modelOnly: true });
    expect(s.selected.map((t) => [t.entry.key, t.name])).toEqual([
      ['model.embed.weight', 'embed.weight'],
      ['model.layers.0.w', 'layers.0.w'],
    ]);
    expect(s.skipped.filter((k) => k.reason === 'training-state').map((k) => k.key)).toEqual([
      'optimizer.state.model.embed.weight.exp_avg', 'optimizer.state.model.embed.weight.step', 'optimizer.param_groups.0.lr', 'lr_scheduler.last_epoch', 'train_state.step', 'dataloader.rng',
    ]);
    expect(s.skipped.filter((k) => k.reason === 'non-tensor').map((k) => k.key)).toEqual(['extra']);
  });

  it('--model-only keeps the prefix when not every key has it', () => {
    const m = model([tensor('model.a', 'float32', [2]), tensor('freqs', 'float32', [2])]);
    expect(selectTensors(m, { ...base, modelOnly: true }).selected.map((t) => t.name)).toEqual(['model.a', 'freqs']);
  });

  it('selects by path, not by a key that merely looks like training state', () => {
    // A model weight named "optimizer…" inside the model stays: its path root is "model".
    const m = model([tensor('model.optimizer.w', 'float32', [2], ['model', 'optimizer', 'w'])]);
    expect(selectTensors(m, { ...base, modelOnly: true }).selected.map((t) => t.name)).toEqual(['optimizer.w']);
  });

  it('--include then --exclude on source keys; names are unaffected', () => {
    const s = selectTensors(training, { ...base, modelOnly: true, include: [/layers/, /embed/], exclude: [/layers\.0/] });
    expect(s.selected.map((t) => t.name)).toEqual(['embed.weight']);
    expect(s.skipped.find((k) => k.key === 'model.layers.0.w')?.reason).toBe('excluded');
    const only = selectTensors(training, { ...base, include: [/^model\.layers/] });
    expect(only.selected.map((t) => t.name)).toEqual(['model.layers.0.w']);
    expect(only.skipped.filter((k) => k.reason === 'not-included')).toHaveLength(4);
  });

  it('a preset maps names (implying --model-only) and drops what it does not map', () => {
    const preset: Preset = { name: 't', map: (k) => (k === 'embed.weight' ? { target: 'E', permute: { heads: 2 } } : null) };
    const s = selectTensors(training, { ...base, preset });
    expect(s.selected.map((t) => [t.name, t.permuteHeads])).toEqual([['E', 2]]);
    expect(s.skipped.find((k) => k.key === 'model.layers.0.w')?.reason).toBe('preset');
  });
});

describe('planConversion', () => {
  it('writes one model.safetensors with format=pt and offsets that tile the data', () => {
    const p = planConversion(training, { ...base, modelOnly: true });
    expect(p.files.map((f) => f.name)).toEqual(['model.safetensors']);
    expect(p.index).toBeNull();
    const f = p.files[0]!;
    const n = Number(new DataView(f.header.buffer, f.header.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(f.header.subarray(8, 8 + n))) as Record<string, unknown>;
    expect(header.__metadata__).toEqual({ format: 'pt' });
    // crate order: F32 before BF16
    expect(f.tensors.map((t) => t.name)).toEqual(['embed.weight', 'layers.0.w']);
    let at = f.header.length;
    for (const t of f.tensors) {
      expect(t.fileOffset).toBe(at);
      at += t.nbytes;
    }
    expect(at).toBe(f.fileBytes);
    expect(p.totalSize).toBe(8 * 4 * 4 + 4 * 4 * 2);
    expect(p.renamed).toBe(2);
  });

  it('splits by --max-shard-size into model-0000k-of-0000N with an index naming every tensor once', () => {
    const m = model(Array.from({ length: 5 }, (_, i) => tensor(`w${i}`, 'float32', [10])));
    const p = planConversion(m, { ...base, maxShardSize: 100 });
    expect(p.files.map((f) => [f.name, f.tensors.map((t) => t.name)])).toEqual([
      ['model-00001-of-00003.safetensors', ['w0', 'w1']],
      ['model-00002-of-00003.safetensors', ['w2', 'w3']],
      ['model-00003-of-00003.safetensors', ['w4']],
    ]);
    const index = JSON.parse(p.index!.text) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(index.metadata.total_size).toBe(200);
    expect(index.weight_map).toEqual({
      w0: 'model-00001-of-00003.safetensors', w1: 'model-00001-of-00003.safetensors',
      w2: 'model-00002-of-00003.safetensors', w3: 'model-00002-of-00003.safetensors', w4: 'model-00003-of-00003.safetensors',
    });
  });

  it('--dtype casts floating tensors only and sizes the output by the new dtype', () => {
    const m = model([tensor('f', 'float32', [4]), tensor('i', 'int64', [4]), tensor('h', 'float16', [4]), tensor('b', 'bool', [4])]);
    const p = planConversion(m, { ...base, dtype: 'bfloat16' });
    const t = Object.fromEntries(p.files[0]!.tensors.map((x) => [x.name, [x.dtype, x.nbytes]]));
    expect(t).toEqual({ f: ['bfloat16', 8], i: ['int64', 32], h: ['bfloat16', 8], b: ['bool', 4] });
    expect(p.cast).toBe(2);
  });

  it('is deterministic', () => {
    const a = planConversion(training, { ...base, maxShardSize: 200 });
    const b = planConversion(training, { ...base, maxShardSize: 200 });
    expect(a.files.map((f) => [f.name, Buffer.from(f.header).toString('hex')])).toEqual(b.files.map((f) => [f.name, Buffer.from(f.header).toString('hex')]));
    expect(a.index?.text).toBe(b.index?.text);
  });

  it('refuses two tensors that would get the same name', () => {
    const preset: Preset = { name: 't', map: () => ({ target: 'same' }) };
    expect(() => planConversion(training, { ...base, preset })).toThrow(/"model.embed.weight" and "model.layers.0.w" would both be written as "same"/);
  });

  it('refuses a permutation the shape cannot take, naming the tensor', () => {
    const preset: Preset = { name: 't', map: (k) => ({ target: k, permute: { heads: 3 } }) };
    expect(() => planConversion(model([tensor('q', 'float32', [8, 2])]), { ...base, preset })).toThrow(/tensor "q" has 8 rows/);
  });

  it('says why when nothing is left to convert', () => {
    expect(() => planConversion(training, { ...base, include: [/nomatch/] })).toThrow(/nothing to convert: all 9 entries were skipped \(4 non-tensor, 5 not-included\)/);
  });
});
