// The details pane for one (checkpoint, key), connected to the store: it asks for the entry and
// its first values when the key changes (after a short pause, so holding ↓ in the tree doesn't
// send a request per row), and maps the key's stats job to what the stats panel shows.

import { useEffect } from 'react';
import { DetailsPane } from '../components/DetailsPane';
import type { StatsState } from '../components/StatsPanel';
import { itemKey, useStore } from '../store';

/** Long enough to skip rows flying by under a held arrow key, short enough to feel immediate. */
const SETTLE_MS = 60;

export function DetailsView({ id, keyName, side }: { id: string; keyName: string; side?: string }) {
  const k = itemKey(id, keyName);
  const detail = useStore((s) => s.details[k]);
  const preview = useStore((s) => s.previews[k]);
  const jobId = useStore((s) => s.statsJobs[k]);
  const job = useStore((s) => (jobId === undefined ? undefined : s.jobs[jobId]));
  const loadDetail = useStore((s) => s.loadDetail);
  const loadPreview = useStore((s) => s.loadPreview);
  const computeStats = useStore((s) => s.computeStats);
  const cancelJob = useStore((s) => s.cancelJob);

  useEffect(() => {
    const t = setTimeout(() => void loadDetail(id, keyName), SETTLE_MS);
    return () => clearTimeout(t);
  }, [id, keyName, loadDetail]);

  const isTensor = detail?.state === 'ready' && detail.value.kind === 'tensor';
  useEffect(() => {
    if (isTensor) void loadPreview(id, keyName);
  }, [id, keyName, isTensor, loadPreview]);

  let stats: StatsState = { state: 'idle' };
  if (job !== undefined) {
    if (job.outcome === null) stats = { state: 'running', progress: job.progress };
    else if (!job.outcome.ok) stats = job.outcome.error.code === 'CANCELLED' ? { state: 'idle' } : { state: 'failed', error: job.outcome.error };
    else if (job.outcome.value.kind === 'stats') stats = { state: 'done', view: job.outcome.value.stats };
  }

  return (
    <DetailsPane
      detail={detail ?? { state: 'loading' }}
      preview={preview}
      stats={stats}
      {...(side !== undefined ? { side } : {})}
      onComputeStats={() => void computeStats(id, keyName)}
      onCancelStats={() => jobId !== undefined && void cancelJob(jobId)}
    />
  );
}
