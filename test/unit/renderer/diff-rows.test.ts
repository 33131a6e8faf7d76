// The compare table: rows from a diff report, filtered by text and change kind, sorted by any
// figure with missing figures last and the report's own order as the tie-break.

import { describe, expect, it } from 'vitest';
import type { DiffChange, DiffReport, ValueFigures } from '../../../shared/model/diff';
import { diffRows, kindCounts, viewRows, type TableView } from '../../../renderer/lib/diff-rows';

const fig = (nDifferent: number, maxAbsDiff: number): ValueFigures => ({
  numel: 100, nDifferent, maxAbsDiff, meanAbsDiff: maxAbsDiff / 2, maxRelDiff: maxAbsDiff * 10, cosine: 1 - maxAbsDiff, nanA: 0, infA: 0, nanB: 0, infB: 0,
});

const changed: DiffChange[] = [
  { key: 'w.shape', change: 'shape', shapeA: [2, 2], shapeB: [4] },
  { key: 'w.cast', change: 'dtype', dtypeA: 'float32', dtypeB: 'bfloat16', figures: fig(100, 0.002) },
  { key: 'w.one', change: 'values', figures: fig(1, 0.5) },
  // JSON carries NaN as null: it must sort, not crash.
  { key: 'w.nan', change: 'values', figures: { ...fig(3, 0), maxAbsDiff: null as unknown as number } },
];

const report: DiffReport = {
  a: { path: '/a', format: 'dcp', entries: 6 },
  b: { path: '/b', format: 'safetensors', entries: 5 },
  identical: false,
  onlyA: ['opt.exp_avg'],
  onlyB: [],
  changed,
  same: 1,
  skippedA: [],
  rule: { tolerance: null, dtypeInsensitive: false, modelOnly: false, preset: null },
  bytesRead: 10,
};

const view = (v: Partial<TableView>): TableView => ({ text: '', kinds: new Set(), sort: 'kind', descending: false, ...v });

describe('diff rows', () => {
  const rows = diffRows(report);

  it('lists changes in the report’s order, then keys found on one side', () => {
    expect(rows.map((r) => [r.key, r.kind])).toEqual([
      ['w.shape', 'shape'],
      ['w.cast', 'dtype'],
      ['w.one', 'values'],
      ['w.nan', 'values'],
      ['opt.exp_avg', 'only-a'],
    ]);
    expect(rows[1]!.share).toBe(1);
    expect(rows[0]!.share).toBe(-1);
    expect(Object.fromEntries(kindCounts(rows))).toEqual({ shape: 1, dtype: 1, values: 2, 'only-a': 1 });
  });

  it('filters by every typed word and by change kind', () => {
    expect(viewRows(rows, view({ text: 'W ONE' })).map((r) => r.key)).toEqual(['w.one']);
    expect(viewRows(rows, view({ kinds: new Set(['values', 'only-a']) })).map((r) => r.key)).toEqual(['w.one', 'w.nan', 'opt.exp_avg']);
  });

  it('sorts by a figure, largest first, with rows lacking it last', () => {
    expect(viewRows(rows, view({ sort: 'maxAbs', descending: true })).map((r) => r.key)).toEqual(['w.one', 'w.cast', 'w.shape', 'w.nan', 'opt.exp_avg']);
    expect(viewRows(rows, view({ sort: 'share', descending: true })).map((r) => r.key)[0]).toBe('w.cast');
    expect(viewRows(rows, view({ sort: 'key' })).map((r) => r.key)).toEqual(['opt.exp_avg', 'w.cast', 'w.nan', 'w.one', 'w.shape']);
  });
});
