// The facts about a whole checkpoint in one strip: format, ranks, tensors, parameters, bytes,
// dtypes, and any diagnostics the reader raised.

import type { CheckpointSummary } from '../../shared/ipc/contract';
import { FORMAT_NAMES, formatBytes, formatCount, formatInt } from '../lib/format';
import { Icon } from './Icon';

function Fact({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div className="fact" title={title}>
      <div className="fact-value mono">{value}</div>
      <div className="fact-label">{label}</div>
    </div>
  );
}

export function SummaryHeader({ summary }: { summary: CheckpointSummary }) {
  const t = summary.totals;
  const warnings = summary.diagnostics.filter((d) => d.severity !== 'info').length;
  return (
    <section className="summary" aria-label="Checkpoint summary">
      <div className="summary-title">
        <span className="format-badge">{FORMAT_NAMES[summary.format] ?? summary.format}</span>
        <span className="summary-path mono" title={summary.root}>{summary.root}</span>
      </div>
      <div className="facts">
        <Fact label="world size" value={summary.worldSize === null ? '—' : String(summary.worldSize)} />
        <Fact label="tensors" value={formatInt(t.tensors)} />
        <Fact label="elements" value={formatCount(t.elements)} title={`${formatInt(t.elements)} tensor elements: parameters, and optimizer state where the checkpoint holds it`} />
        <Fact label="tensor bytes" value={formatBytes(t.bytes)} title={`${formatInt(t.bytes)} bytes`} />
        <Fact label="on disk" value={formatBytes(t.fileBytes)} title={`${summary.files.length} files, ${formatInt(t.fileBytes)} bytes`} />
        {t.objects > 0 ? <Fact label="other items" value={formatInt(t.objects)} /> : null}
        <div className="dtype-chips" aria-label="dtypes">
          {summary.dtypes.map((d) => (
            <span key={d.dtype} className="chip mono" title={`${formatInt(d.tensors)} tensors, ${formatBytes(d.bytes)}`}>
              {d.dtype} <span className="chip-dim">×{formatInt(d.tensors)}</span>
            </span>
          ))}
        </div>
        {t.unsafe > 0 ? (
          <span className="chip danger" title="pickle items that reach for code outside the allow-list; never run">
            <Icon name="warning" size={12} /> {t.unsafe} unsafe
          </span>
        ) : null}
        {warnings > 0 ? (
          <span className="chip warn" title={summary.diagnostics.map((d) => d.message).slice(0, 20).join('\n')}>
            <Icon name="warning" size={12} /> {warnings} diagnostic{warnings === 1 ? '' : 's'}
          </span>
        ) : null}
      </div>
    </section>
  );
}
