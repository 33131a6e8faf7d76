// Compare: the active checkpoint (A) against a second one (B). Options, progress, a verdict, a
// sortable and filterable table of what differs, and each selected key on both sides.

import { useMemo } from 'react';
import { DiffTable } from '../components/DiffTable';
import { EmptyState } from '../components/EmptyState';
import { ErrorLine } from '../components/ErrorLine';
import { Icon } from '../components/Icon';
import { ProgressBar } from '../components/ProgressBar';
import { diffRows, kindCounts, KIND_LABELS, viewRows, type RowKind } from '../lib/diff-rows';
import { formatBytes, formatInt, formatShape } from '../lib/format';
import type { Loaded } from '../store/types';

function describeKey(side: Loaded, key: string): { type: string; shape: string } | null {
  const e = side.tree.entryOfKey.get(key);
  if (e === undefined) return null;
  const t = side.summary.entries;
  return { type: t.types[e] ?? '', shape: t.kinds[e] === 't' ? formatShape(t.shapes[e] ?? []) : '' };
}
import { useStore } from '../store';
import { activeCheckpoint, compareCheckpoint } from '../store/selectors';
import { DetailsView } from './DetailsView';
import { DiffOptions } from './DiffOptions';

export function CompareView() {
  const a = useStore(activeCheckpoint);
  const b = useStore(compareCheckpoint);
  const job = useStore((s) => (s.diffJobId === null ? undefined : s.jobs[s.diffJobId]));
  const jobId = useStore((s) => s.diffJobId);
  const table = useStore((s) => s.diffTable);
  const setTable = useStore((s) => s.setDiffTable);
  const selected = useStore((s) => s.diffSelected);
  const select = useStore((s) => s.selectDiffRow);
  const cancel = useStore((s) => s.cancelJob);
  const chooseAndOpen = useStore((s) => s.chooseAndOpen);

  const report = job?.outcome?.ok && job.outcome.value.kind === 'diff' ? job.outcome.value.report : null;
  const all = useMemo(() => (report === null ? [] : diffRows(report)), [report]);
  const counts = useMemo(() => kindCounts(all), [all]);
  const rows = useMemo(() => viewRows(all, table), [all, table]);
  const row = rows.find((r) => r.key === selected) ?? all.find((r) => r.key === selected) ?? null;

  if (a === null || b === null) {
    return (
      <EmptyState icon="compare" title="Nothing to compare yet">
        <button className="button primary" onClick={() => void chooseAndOpen('compare')}>Pick a second checkpoint…</button>
      </EmptyState>
    );
  }

  const toggleKind = (k: RowKind): void => {
    const next = new Set(table.kinds);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    setTable({ kinds: next });
  };

  return (
    <div className="compare">
      <header className="compare-head">
        <div className="sides">
          <div className="side"><span className="side-badge side-a">A</span><span className="mono" title={a.summary.root}>{a.summary.root}</span></div>
          <div className="side"><span className="side-badge side-b">B</span><span className="mono" title={b.summary.root}>{b.summary.root}</span></div>
        </div>
        <DiffOptions />
      </header>
      {job === undefined ? null : job.outcome === null ? (
        <div className="compare-running">
          <ProgressBar progress={job.progress} label="Comparison progress" />
          <button className="button subtle" onClick={() => jobId !== null && void cancel(jobId)}>Cancel</button>
        </div>
      ) : !job.outcome.ok ? (
        <ErrorLine error={job.outcome.error} />
      ) : null}
      {report !== null ? (
        <>
          <div className={`verdict ${report.identical ? 'same' : 'differs'}`} role="status">
            <Icon name={report.identical ? 'check' : 'compare'} size={16} />
            {report.identical ? (
              <span><strong>Identical</strong> — {formatInt(report.same)} keys equal{report.rule.tolerance ? ' within tolerance' : ', bit for bit'}.</span>
            ) : (
              <span>
                <strong>{formatInt(all.length)} difference{all.length === 1 ? '' : 's'}</strong> · {formatInt(report.onlyA.length)} only in A ·{' '}
                {formatInt(report.onlyB.length)} only in B · {formatInt(report.changed.length)} changed · {formatInt(report.same)} equal
              </span>
            )}
            <span className="grow" />
            <span className="dim mono">{formatBytes(report.bytesRead)} read</span>
          </div>
          {all.length > 0 ? (
            <div className={`compare-body ${row !== null ? 'has-selection' : ''}`}>
              <div className="diff-filters">
                <div className="search">
                  <Icon name="search" size={14} />
                  <input type="search" placeholder="Filter keys" value={table.text} onChange={(e) => setTable({ text: e.target.value })} aria-label="Filter keys" spellCheck={false} />
                  <span className="search-count mono">{formatInt(rows.length)} of {formatInt(all.length)}</span>
                </div>
                <div className="kind-filters" role="group" aria-label="Filter by change">
                  {[...counts.entries()].map(([k, n]) => (
                    <button key={k} className={`kind-pill kind-${k} ${table.kinds.has(k) ? 'on' : ''} ${table.kinds.size > 0 && !table.kinds.has(k) ? 'off' : ''}`} onClick={() => toggleKind(k)} aria-pressed={table.kinds.has(k)}>
                      {KIND_LABELS[k]} {formatInt(n)}
                    </button>
                  ))}
                </div>
              </div>
              <DiffTable
                rows={rows}
                view={table}
                selected={selected}
                onSort={(col) => setTable(table.sort === col ? { descending: !table.descending } : { sort: col, descending: col !== 'key' && col !== 'kind' })}
                onSelect={select}
                oneSide={(r) => (r.keyA !== null && r.keyB === null ? describeKey(a, r.keyA) : r.keyB !== null && r.keyA === null ? describeKey(b, r.keyB) : null)}
              />
              {row !== null ? (
                <div className="both-sides">
                  <div className="side-pane">{row.keyA !== null ? <DetailsView id={a.summary.id} keyName={row.keyA} side="A" /> : <EmptyState icon="tensor" title="Not in A" />}</div>
                  <div className="side-pane">{row.keyB !== null ? <DetailsView id={b.summary.id} keyName={row.keyB} side="B" /> : <EmptyState icon="tensor" title="Not in B" />}</div>
                </div>
              ) : (
                <div className="both-sides-hint dim">Select a row to see the tensor on both sides.</div>
              )}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
