// Progress of long work (stats of one tensor, a conversion, a comparison) as it crosses to the
// renderer. The Node side throttles these to about PROGRESS_EVENTS_PER_SECOND; the renderer
// derives throughput and ETA from `done`, `total` and `elapsedMs` (one clock, the sender's).

export type JobKind = 'stats' | 'convert' | 'diff';
export type ProgressUnit = 'bytes' | 'tensors';

export interface JobProgress {
  readonly jobId: string;
  readonly kind: JobKind;
  /** What is happening now, in a few words ("reading", "writing shards", "verifying"). */
  readonly phase: string;
  readonly done: number;
  /** 0 when the total is not known yet. */
  readonly total: number;
  readonly unit: ProgressUnit;
  /** Since the job started, measured where the work runs. */
  readonly elapsedMs: number;
  /** The tensor being worked on, when there is one. */
  readonly key: string | null;
}

/** ~10 events/s: smooth to the eye, cheap over IPC and HTTP, never the bottleneck of a job. */
export const PROGRESS_EVENTS_PER_SECOND = 10;

export interface Rate {
  /** Units per second, or null before there is enough to measure. */
  readonly perSecond: number | null;
  /** Seconds left, or null when unknown. */
  readonly etaSeconds: number | null;
  /** 0..1, or null when the total is unknown. */
  readonly fraction: number | null;
}

/** Below this much elapsed time a rate is noise (the first block may be cached). */
const MIN_MS_FOR_RATE = 300;

export function rateOf(p: Pick<JobProgress, 'done' | 'total' | 'elapsedMs'>): Rate {
  const fraction = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : null;
  if (p.elapsedMs < MIN_MS_FOR_RATE || p.done <= 0) return { perSecond: null, etaSeconds: null, fraction };
  const perSecond = (p.done * 1000) / p.elapsedMs;
  const etaSeconds = p.total > 0 && perSecond > 0 ? Math.max(0, (p.total - p.done) / perSecond) : null;
  return { perSecond, etaSeconds, fraction };
}
