import { describe, expect, it } from 'vitest';
import { formatText, sortChanges, toJson } from '../../../../electron/services/diff/report';
import type { DiffChange, DiffReport, ValueFigures } from '../../../../shared/model/diff';

function figures(nDifferent: number, numel: number, maxAbsDiff: number): ValueFigures {
  return { numel, nDifferent, maxAbsDiff, meanAbsDiff: maxAbsDiff / numel, maxRelDiff: 0.5, cosine: 0.99, nanA: 0, infA: 0, nanB: 1, infB: 0 };
}
const values = (key: string, f: ValueFigures): DiffChange => ({ key, change: 'values', dtypeA: 'float32', dtypeB: 'float32', shapeA: [f.numel], shapeB: [f.numel], figures: f });

const report: DiffReport = {
  a: { path: '/a', format: 'dcp', entries: 4 },
  b: { path: '/b', format: 'safetensors', entries: 4 },
  identical: false,
  onlyA: ['gone'],
  onlyB: [],
  changed: sortChanges([
    values('little', figures(1, 100, 0.25)),
    { key: 'reshaped', change: 'shape', dtypeA: 'float32', dtypeB: 'float32', shapeA: [2, 3], shapeB: [3, 2] },
    values('lots', figures(50, 100, 0.125)),
    { key: 'count', keyA: 'meta.count', change: 'object', reprA: '1', reprB: '2' },
  ]),
  same: 2,
  sameNotBitwise: [],
  skippedA: [],
  rule: { tolerance: null, dtypeInsensitive: false, modelOnly: false, preset: null },
  bytesRead: 1234,
};

describe('sortChanges', () => {
  it('puts structural changes first, then values by the share of differing elements', () => {
    expect(report.changed.map((c) => c.key)).toEqual(['reshaped', 'count', 'lots', 'little']);
  });
});

describe('toJson', () => {
  it('has the documented top-level fields and snake_case figures as numbers', () => {
    const j = toJson(report);
    expect(Object.keys(j).slice(0, 6)).toEqual(['identical', 'only_a', 'only_b', 'changed', 'same', 'same_not_bitwise']);
    expect(j.identical).toBe(false);
    expect(j.only_a).toEqual(['gone']);
    expect(j.changed[0]).toEqual({ key: 'reshaped', change: 'shape', dtype_a: 'float32', dtype_b: 'float32', shape_a: [2, 3], shape_b: [3, 2] });
    expect(j.changed[1]).toEqual({ key: 'count', key_a: 'meta.count', change: 'object', repr_a: '1', repr_b: '2' });
    expect(j.changed[3]).toEqual({
      key: 'little', change: 'values', dtype_a: 'float32', dtype_b: 'float32', shape_a: [100], shape_b: [100],
      numel: 100, n_different: 1, max_abs_diff: 0.25, mean_abs_diff: 0.0025, max_rel_diff: 0.5, cosine: 0.99,
      nan_a: 0, inf_a: 0, nan_b: 1, inf_b: 0,
    });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe('formatText', () => {
  it('lists one-sided keys, structural changes, a figures table and the verdict', () => {
    const t = formatText(report);
    expect(t).toContain('Only in A (1):\n  gone');
    expect(t).toContain('reshaped  shape: float32 [2, 3] → float32 [3, 2]');
    expect(t).toContain('count (A: meta.count)  object: 1 → 2');
    expect(t).toMatch(/lots\s+values\s+50\/100\s+0\.125\s+0\.00125\s+0\.5\s+0\.990000\s+0\/1\s+0\/0/);
    expect(t).toContain('Different: 4 changed, 1 only in A, 0 only in B.');
    expect(t.indexOf('lots')).toBeLessThan(t.indexOf('little'));
  });

  it('says identical and how much was read', () => {
    const t = formatText({ ...report, identical: true, onlyA: [], changed: [], same: 6 });
    expect(t).toContain('Identical: 6 entries compared, 1234 bytes read.');
    expect(t).toContain('compared bitwise (NaN equals NaN)');
  });
});
