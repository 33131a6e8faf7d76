// One tensor's statistics: a button to compute them (in a worker on the Node side), progress
// while they are computed, then the figures and the histogram.

import type { AppError } from '../../shared/errors';
import type { JobProgress, TensorStatsView } from '../../shared/ipc/contract';
import { formatInt, formatNumber } from '../lib/format';
import { ErrorLine } from './ErrorLine';
import { Histogram } from './Histogram';
import { ProgressBar } from './ProgressBar';

export type StatsState =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly progress: JobProgress | null }
  | { readonly state: 'done'; readonly view: TensorStatsView }
  | { readonly state: 'failed'; readonly error: AppError };

function Figure({ label, value, tone }: { label: string; value: string; tone?: 'bad' }) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value mono">{value}</div>
    </div>
  );
}

export function StatsPanel({ state, onCompute, onCancel, canCompute }: { state: StatsState; onCompute(): void; onCancel(): void; canCompute: boolean }) {
  switch (state.state) {
    case 'idle':
      return (
        <div className="stats-idle">
          <button className="button" onClick={onCompute} disabled={!canCompute}>
            Compute statistics
          </button>
          <span className="dim">{canCompute ? 'Reads the whole tensor in a background worker.' : 'Statistics are computed for real-valued dtypes.'}</span>
        </div>
      );
    case 'running':
      return (
        <div className="stats-running">
          <ProgressBar progress={state.progress} label="Computing statistics" />
          <button className="button subtle" onClick={onCancel}>Cancel</button>
        </div>
      );
    case 'failed':
      return (
        <div className="stats-failed">
          <ErrorLine error={state.error} />
          <button className="button subtle" onClick={onCompute} disabled={!canCompute}>Try again</button>
        </div>
      );
    case 'done': {
      const s = state.view.stats;
      return (
        <div className="stats-done">
          <div className="stats-grid">
            <Figure label="min" value={formatNumber(s.min)} />
            <Figure label="max" value={formatNumber(s.max)} />
            <Figure label="mean" value={formatNumber(s.mean)} />
            <Figure label="std" value={formatNumber(s.std)} />
            <Figure label="NaN" value={formatInt(s.nan)} {...(s.nan > 0 ? { tone: 'bad' as const } : {})} />
            <Figure label="Inf" value={formatInt(s.inf)} {...(s.inf > 0 ? { tone: 'bad' as const } : {})} />
            <Figure label="elements" value={formatInt(s.count)} />
          </div>
          {s.histogram !== null ? <Histogram data={s.histogram} /> : <div className="dim">No finite values to plot.</div>}
        </div>
      );
    }
  }
}
