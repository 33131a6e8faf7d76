// The compare view's table: the diff report flattened into rows (changes, keys only on one
// side), then filtered and sorted as the user asks. Pure, so it is tested without a browser.

import type { DiffChange, DiffReport } from '../../shared/model/diff';

export type RowKind = DiffChange['change'] | 'only-a' | 'only-b';

export interface DiffRow {
  readonly key: string;
  /** A's own key (differs after a preset or model-only rename). */
  readonly keyA: string | null;
  readonly keyB: string | null;
  readonly kind: RowKind;
  readonly change: DiffChange | null;
  /** Share of differing elements, for sorting (−1 when not compared). */
  readonly share: number;
  /** Position in the report (changes come most different first): the tie-break. */
  readonly order: number;
}

export const KIND_LABELS: Readonly<Record<RowKind, string>> = {
  'only-a': 'only in A',
  'only-b': 'only in B',
  kind: 'kind',
  shape: 'shape',
  dtype: 'dtype',
  object: 'value',
  values: 'values',
};

/** Most striking first when sorting by kind, as the CLI orders its report; missing keys last. */
const KIND_ORDER: readonly RowKind[] = ['kind', 'shape', 'dtype', 'object', 'values', 'only-a', 'only-b'];

export function diffRows(report: DiffReport): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const c of report.changed) {
    const f = c.figures;
    rows.push({
      key: c.key,
      keyA: c.keyA ?? c.key,
      keyB: c.key,
      kind: c.change,
      change: c,
      share: f && f.numel > 0 ? f.nDifferent / f.numel : -1,
      order: rows.length,
    });
  }
  for (const k of report.onlyA) rows.push({ key: k, keyA: k, keyB: null, kind: 'only-a', change: null, share: -1, order: rows.length });
  for (const k of report.onlyB) rows.push({ key: k, keyA: null, keyB: k, kind: 'only-b', change: null, share: -1, order: rows.length });
  return rows;
}

export type SortColumn = 'key' | 'kind' | 'share' | 'maxAbs' | 'meanAbs' | 'maxRel' | 'cosine';

export interface TableView {
  readonly text: string;
  readonly kinds: ReadonlySet<RowKind>;
  readonly sort: SortColumn;
  readonly descending: boolean;
}

/** Figures that JSON could not carry (NaN) arrive as null: they sort last. */
function sortable(x: number | null | undefined): number {
  return typeof x === 'number' && !Number.isNaN(x) ? x : Number.NEGATIVE_INFINITY;
}

function figure(r: DiffRow, col: SortColumn): number {
  const f = r.change?.figures;
  if (f === undefined) return Number.NEGATIVE_INFINITY;
  switch (col) {
    case 'maxAbs': return sortable(f.maxAbsDiff);
    case 'meanAbs': return sortable(f.meanAbsDiff);
    case 'maxRel': return sortable(f.maxRelDiff);
    case 'cosine': return sortable(f.cosine);
    default: return r.share;
  }
}

export function viewRows(rows: readonly DiffRow[], view: TableView): DiffRow[] {
  const words = view.text.toLowerCase().split(/\s+/).filter(Boolean);
  const kept = rows.filter((r) => {
    if (view.kinds.size > 0 && !view.kinds.has(r.kind)) return false;
    const hay = `${r.key} ${r.keyA ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const dir = view.descending ? -1 : 1;
  const cmp = (a: DiffRow, b: DiffRow): number => {
    if (view.sort === 'key') return a.key.localeCompare(b.key);
    if (view.sort === 'kind') return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
    const fa = figure(a, view.sort);
    const fb = figure(b, view.sort);
    return fa === fb ? 0 : fa < fb ? -1 : 1;
  };
  return kept.sort((a, b) => dir * cmp(a, b) || a.order - b.order);
}

export function kindCounts(rows: readonly DiffRow[]): Map<RowKind, number> {
  const m = new Map<RowKind, number>();
  for (const r of rows) m.set(r.kind, (m.get(r.kind) ?? 0) + 1);
  return m;
}
