// The compare view's table: one row per difference, sortable by clicking a header, virtualized
// (a comparison of two 100k-key checkpoints can have that many rows).

import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { KIND_LABELS, type DiffRow, type SortColumn, type TableView } from '../lib/diff-rows';
import { formatInt, formatNumber, formatPercent, formatShape } from '../lib/format';

const ROW_HEIGHT = 26;

const COLUMNS: readonly { id: SortColumn | null; label: string; className?: string }[] = [
  { id: 'key', label: 'key' },
  { id: 'kind', label: 'change' },
  { id: null, label: 'dtype' },
  { id: null, label: 'shape' },
  { id: 'share', label: 'differ', className: 'num' },
  { id: 'maxAbs', label: 'max |a−b|', className: 'num' },
  { id: 'meanAbs', label: 'mean |a−b|', className: 'num' },
  { id: 'maxRel', label: 'max rel', className: 'num' },
  { id: 'cosine', label: 'cosine', className: 'num' },
];

function pair<T>(a: T | undefined, b: T | undefined, show: (x: T) => string): string {
  if (a === undefined && b === undefined) return '';
  const sa = a === undefined ? '—' : show(a);
  const sb = b === undefined ? '—' : show(b);
  return sa === sb ? sa : `${sa} → ${sb}`;
}

export interface DiffTableProps {
  readonly rows: readonly DiffRow[];
  readonly view: TableView;
  readonly selected: string | null;
  /** dtype and shape of a key that exists on one side only (from that side's summary). */
  oneSide(row: DiffRow): { type: string; shape: string } | null;
  onSort(column: SortColumn): void;
  onSelect(key: string): void;
}

export function DiffTable({ rows, view, selected, oneSide, onSort, onSelect }: DiffTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const move = (delta: number): void => {
    const at = rows.findIndex((r) => r.key === selected);
    const next = rows[Math.max(0, Math.min(rows.length - 1, at + delta))];
    if (next !== undefined) {
      onSelect(next.key);
      virtualizer.scrollToIndex(rows.indexOf(next), { align: 'auto' });
    }
  };
  return (
    <div className="diff-table" role="grid" aria-rowcount={rows.length}>
      <div className="diff-row diff-head" role="row">
        {COLUMNS.map((c) => (
          <span key={c.label} role="columnheader" className={`${c.className ?? ''} ${c.id !== null ? 'sortable' : ''} ${view.sort === c.id ? 'sorted' : ''}`}
            aria-sort={view.sort === c.id ? (view.descending ? 'descending' : 'ascending') : undefined}
            onClick={() => c.id !== null && onSort(c.id)}>
            {c.label}
            {view.sort === c.id ? (view.descending ? ' ↓' : ' ↑') : ''}
          </span>
        ))}
      </div>
      <div className="diff-body" ref={scrollRef} tabIndex={0}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') move(1);
          else if (e.key === 'ArrowUp') move(-1);
          else return;
          e.preventDefault();
        }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const r = rows[v.index]!;
            const c = r.change;
            const f = c?.figures;
            const only = c === null ? oneSide(r) : null;
            return (
              <div key={r.key + r.kind} role="row" aria-selected={r.key === selected}
                className={`diff-row kind-${r.kind} ${r.key === selected ? 'selected' : ''}`}
                style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(r.key)}
                data-key={r.key}>
                <span className="mono key-cell" title={r.keyA !== null && r.keyA !== r.key ? `${r.keyA} → ${r.key}` : r.key}>{r.key}</span>
                <span><span className={`kind-pill kind-${r.kind}`}>{KIND_LABELS[r.kind]}</span></span>
                <span className="mono">{only !== null ? only.type : pair(c?.dtypeA, c?.dtypeB, String)}</span>
                <span className="mono">{only !== null ? only.shape : pair(c?.shapeA, c?.shapeB, formatShape)}</span>
                <span className="mono num">{f ? `${formatInt(f.nDifferent)} (${formatPercent(f.nDifferent, f.numel)})` : ''}</span>
                <span className="mono num">{f ? formatNumber(f.maxAbsDiff) : ''}</span>
                <span className="mono num">{f ? formatNumber(f.meanAbsDiff) : ''}</span>
                <span className="mono num">{f ? formatNumber(f.maxRelDiff) : ''}</span>
                <span className="mono num">{f ? formatNumber(f.cosine) : ''}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
