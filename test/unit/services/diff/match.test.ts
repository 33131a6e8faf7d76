import { describe, expect, it } from 'vitest';
import { classify, matchKeys, selectSide, type Candidate } from '../../../../electron/services/diff/match';
import type { CheckpointModel, Entry, ObjectEntry, PathElement, TensorEntry } from '../../../../shared/model/checkpoint';
import type { DType } from '../../../../shared/model/dtype';

function tensor(key: string, dtype: DType = 'float32', shape: number[] = [2, 2], path: PathElement[] = [key]): TensorEntry {
  return { kind: 'tensor', key, path, dtype, shape, nbytes: 16, chunks: [] };
}
function object(key: string, pythonType: string, repr: string, path: PathElement[] = [key]): ObjectEntry {
  return { kind: 'object', key, path, pythonType, repr };
}
function model(entries: Entry[]): CheckpointModel {
  return { format: 'dcp', root: '/x', worldSize: 1, entries, files: [], diagnostics: [], info: {} };
}
const cand = (e: Entry, key = e.key): Candidate => ({ key, entry: e, permuteHeads: null });

describe('selectSide', () => {
  const entries = [
    tensor('model.a.weight', 'float32', [2, 2], ['model', 'a.weight']),
    tensor('model.b.weight', 'float32', [2, 2], ['model', 'b.weight']),
    tensor('optimizer.state.a.weight.exp_avg', 'float32', [2, 2], ['optimizer', 'state', 'a.weight', 'exp_avg']),
    // torchtitan's flat save keeps the dotted key as one path element
    tensor('optimizer.state.b.weight.step', 'float32', [], ['optimizer.state.b.weight.step']),
    object('lr_scheduler.last_epoch', 'int', '2', ['lr_scheduler', 'last_epoch']),
    object('model.note', 'str', "'x'", ['model', 'note']),
  ];

  it('keeps every entry, objects included, under its own key by default', () => {
    const s = selectSide(model(entries), { modelOnly: false, preset: null });
    expect(s.candidates.map((c) => c.key)).toEqual(entries.map((e) => e.key));
    expect(s.skipped).toEqual([]);
  });

  it('--model-only keeps model tensors and strips the shared model. prefix', () => {
    const s = selectSide(model(entries), { modelOnly: true, preset: null });
    expect(s.candidates.map((c) => [c.key, c.entry.key])).toEqual([
      ['a.weight', 'model.a.weight'],
      ['b.weight', 'model.b.weight'],
    ]);
  });

  it('does not strip a prefix that not every kept key has', () => {
    const s = selectSide(model([tensor('model.a'), tensor('head.b')]), { modelOnly: true, preset: null });
    expect(s.candidates.map((c) => c.key)).toEqual(['model.a', 'head.b']);
  });

  it('a preset renames, asks for the RoPE permutation, and lists the keys it drops', () => {
    const preset = {
      name: 'test',
      map: (k: string) => (k === 'a.weight' ? { target: 'q_proj', permute: { heads: 2 } } : k === 'b.weight' ? { target: 'b' } : null),
    };
    const s = selectSide(model([tensor('a.weight'), tensor('b.weight'), tensor('freqs_cis')]), { modelOnly: false, preset });
    expect(s.candidates.map((c) => [c.key, c.entry.key, c.permuteHeads])).toEqual([
      ['q_proj', 'a.weight', 2],
      ['b', 'b.weight', null],
    ]);
    expect(s.skipped).toEqual(['freqs_cis']);
  });
});

describe('matchKeys', () => {
  it('pairs by key and lists one-sided keys sorted', () => {
    const m = matchKeys([cand(tensor('z')), cand(tensor('x')), cand(tensor('y'))], [cand(tensor('y')), cand(tensor('w')), cand(tensor('x'))]);
    expect(m.pairs.map((p) => p.a.key)).toEqual(['y', 'x']);
    expect(m.onlyA).toEqual(['z']);
    expect(m.onlyB).toEqual(['w']);
  });

  it("refuses two of A's keys compared under one name", () => {
    expect(() => matchKeys([cand(tensor('p')), cand(tensor('q'), 'p')], [])).toThrow(/"p" and "q" are both compared as "p"/);
  });
});

describe('classify', () => {
  it('settles objects by type and repr, and tensor-vs-object as a kind change', () => {
    expect(classify(cand(object('k', 'int', '1')), cand(object('k', 'int', '1')), false)).toEqual({ kind: 'same' });
    expect(classify(cand(object('k', 'int', '1')), cand(object('k', 'int', '2')), false)).toEqual({
      kind: 'change',
      change: { key: 'k', change: 'object', reprA: '1', reprB: '2' },
    });
    expect(classify(cand(object('k', 'float', '1.0')), cand(object('k', 'int', '1')), false).kind).toBe('change');
    expect(classify(cand(tensor('k')), cand(object('k', 'int', '1')), false)).toEqual({
      kind: 'change',
      change: { key: 'k', change: 'kind', reprA: 'tensor float32 [2, 2]', reprB: 'int 1' },
    });
  });

  it('a shape change needs no bytes; a dtype change still compares values unless dtype-insensitive', () => {
    expect(classify(cand(tensor('k', 'float32', [2, 3])), cand(tensor('k', 'float32', [3, 2])), false)).toMatchObject({
      kind: 'change',
      change: { change: 'shape', shapeA: [2, 3], shapeB: [3, 2] },
    });
    expect(classify(cand(tensor('k', 'float32')), cand(tensor('k', 'bfloat16')), false)).toMatchObject({ kind: 'values', pair: { dtypeChange: true } });
    expect(classify(cand(tensor('k', 'float32')), cand(tensor('k', 'bfloat16')), true)).toMatchObject({ kind: 'values', pair: { dtypeChange: false } });
    // complex64 against a real dtype: no element-wise meaning, so no figures, even dtype-insensitive
    expect(classify(cand(tensor('k', 'complex64')), cand(tensor('k', 'float32')), true)).toEqual({
      kind: 'change',
      change: { key: 'k', change: 'dtype', dtypeA: 'complex64', dtypeB: 'float32', shapeA: [2, 2], shapeB: [2, 2] },
    });
  });

  it('names A\'s own key when it was renamed', () => {
    const c = classify(cand(tensor('model.k', 'float32', [1]), 'k'), cand(tensor('k', 'float32', [2])), false);
    expect(c).toMatchObject({ kind: 'change', change: { key: 'k', keyA: 'model.k' } });
  });
});
