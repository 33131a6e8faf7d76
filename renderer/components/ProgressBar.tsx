// A job's progress: the bar, bytes done of total, throughput and time left.

import type { JobProgress } from '../../shared/ipc/contract';
import { rateOf } from '../../shared/ipc/progress';
import { formatBytes, formatDuration, formatInt, formatRate } from '../lib/format';

export function ProgressBar({ progress, label }: { progress: JobProgress | null; label: string }) {
  const rate = progress === null ? null : rateOf(progress);
  const fraction = rate?.fraction ?? null;
  const bytes = progress?.unit === 'bytes';
  const amount = (n: number): string => (bytes ? formatBytes(n) : formatInt(n));
  return (
    <div className="progress" role="group" aria-label={label}>
      <div className="progress-head">
        <span className="progress-phase">{progress?.phase ?? 'starting'}</span>
        {progress?.key ? <span className="progress-key mono">{progress.key}</span> : null}
        <span className="progress-pct mono">{fraction === null ? '' : `${Math.floor(fraction * 100)}%`}</span>
      </div>
      <div
        className={`progress-track ${fraction === null ? 'indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.floor(fraction * 100)}
      >
        <div className="progress-fill" style={{ width: `${(fraction ?? 0) * 100}%` }} />
      </div>
      <div className="progress-figures mono">
        <span>{progress === null ? '—' : `${amount(progress.done)}${progress.total > 0 ? ` of ${amount(progress.total)}` : ''}`}</span>
        <span>{bytes ? formatRate(rate?.perSecond ?? null) : ''}</span>
        <span>{rate?.etaSeconds != null ? `${formatDuration(rate.etaSeconds)} left` : ''}</span>
      </div>
    </div>
  );
}
