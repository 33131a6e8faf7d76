// Everything about one key: a tensor's facts, chunk picture and table, first values and stats;
// or a Python item's type and value, with unsafe pickles shown as such (never run).

import { useState, type ReactNode } from 'react';
import type { AppError } from '../../shared/errors';
import type { EntryDetail, TensorPreview } from '../../shared/ipc/contract';
import { formatBytes, formatInt, formatShape } from '../lib/format';
import { ChunkTable } from './ChunkTable';
import { ErrorLine } from './ErrorLine';
import { Icon } from './Icon';
import { ShardMap } from './ShardMap';
import { StatsPanel, type StatsState } from './StatsPanel';
import { ValuesGrid } from './ValuesGrid';
import { useWidth } from './use-width';

type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: AppError };

function Section({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="section">
      <header className="section-head">
        <h3>{title}</h3>
        {aside}
      </header>
      {children}
    </section>
  );
}

function PathCrumbs({ path }: { path: readonly (string | number)[] }) {
  return (
    <div className="crumbs mono">
      {path.map((p, i) => (
        <span key={i} className="crumb">
          {typeof p === 'number' ? `[${p}]` : p}
        </span>
      ))}
    </div>
  );
}

export interface DetailsPaneProps {
  readonly detail: Loadable<EntryDetail>;
  readonly preview: Loadable<TensorPreview> | undefined;
  readonly stats: StatsState;
  /** A label above the key, e.g. "A" / "B" in the compare view. */
  readonly side?: string;
  onComputeStats(): void;
  onCancelStats(): void;
}

export function DetailsPane({ detail, preview, stats, side, onComputeStats, onCancelStats }: DetailsPaneProps) {
  const [hot, setHot] = useState<number | null>(null);
  const [ref, width] = useWidth<HTMLDivElement>();
  if (detail.state === 'loading') return <div className="details loading" ref={ref}><div className="skeleton" /></div>;
  if (detail.state === 'error') return <div className="details" ref={ref}><ErrorLine error={detail.error} /></div>;
  const d = detail.value;
  const head = (
    <header className="details-head">
      {side ? <span className={`side-badge side-${side.toLowerCase()}`}>{side}</span> : null}
      <h2 className="details-key mono" title={d.key}>{d.key}</h2>
      {d.path.length > 1 || d.path[0] !== d.key ? <PathCrumbs path={d.path} /> : null}
    </header>
  );
  if (d.kind === 'object') {
    return (
      <div className="details" ref={ref}>
        {head}
        {d.unsafeGlobal !== null ? (
          <div className="unsafe-banner" role="alert">
            <Icon name="warning" size={18} />
            <div>
              <strong>Unsafe pickle.</strong> This item reaches for <code className="mono">{d.unsafeGlobal}</code>, which is outside the
              allow-list. Shardscope shows it and never runs it; torch.load would.
            </div>
          </div>
        ) : null}
        <div className="facts-grid">
          <span>type</span>
          <span className="mono">{d.pythonType}</span>
          {d.file !== null ? (
            <>
              <span>stored in</span>
              <span className="mono">
                {d.file} @ {formatInt(d.offset ?? 0)}
              </span>
            </>
          ) : null}
        </div>
        {d.repr !== null ? (
          <Section title="Value">
            <pre className="repr mono">{d.repr}</pre>
          </Section>
        ) : null}
      </div>
    );
  }
  return (
    <div className="details" ref={ref}>
      {head}
      <div className="facts-grid">
        <span>dtype</span>
        <span className="mono" data-testid="detail-dtype">{d.dtype}</span>
        <span>shape</span>
        <span className="mono" data-testid="detail-shape">{formatShape(d.shape)}</span>
        <span>elements</span>
        <span className="mono">{formatInt(d.elements)}</span>
        <span>size</span>
        <span className="mono" title={`${formatInt(d.nbytes)} bytes`}>{formatBytes(d.nbytes)}</span>
        <span>chunks</span>
        <span className="mono">{formatInt(d.chunks.length)}</span>
      </div>
      <Section title="Layout across ranks">
        <ShardMap shape={d.shape} chunks={d.chunks} width={width} highlighted={hot} onHover={setHot} />
        <ChunkTable chunks={d.chunks} highlighted={hot} onHover={setHot} />
      </Section>
      <Section title="First values">
        {preview === undefined || preview.state === 'loading' ? (
          <div className="skeleton short" />
        ) : preview.state === 'error' ? (
          <ErrorLine error={preview.error} />
        ) : (
          <ValuesGrid preview={preview.value} />
        )}
      </Section>
      <Section title="Statistics">
        <StatsPanel state={stats} onCompute={onComputeStats} onCancel={onCancelStats} canCompute={d.dtype !== 'complex64'} />
      </Section>
    </div>
  );
}
