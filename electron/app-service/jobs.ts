// Long work started from the renderer (one tensor's stats, a conversion, a comparison): each
// job has the renderer's id, an AbortController, throttled progress events and exactly one
// job.done event, whose outcome is a Result (a thrown error becomes an AppError here, so the
// renderer always hears how a job ended).

import { toAppError, type AppError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import type { Events, JobId, JobKind, JobValue } from '../../shared/ipc/contract';
import { PROGRESS_EVENTS_PER_SECOND, type ProgressUnit } from '../../shared/ipc/progress';

/** A desktop session runs a few at once; hundreds would be a runaway renderer. */
export const MAX_RUNNING_JOBS = 8;

export interface ProgressUpdate {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly unit: ProgressUnit;
  readonly key?: string | null;
}

export interface JobContext {
  readonly signal: AbortSignal;
  /** Throttled: call as often as you like. */
  progress(update: ProgressUpdate): void;
}

export type JobRun = (ctx: JobContext) => Promise<JobValue>;

type Emit = <E extends 'job.progress' | 'job.done'>(name: E, payload: Events[E]) => void;

export class JobRunner {
  private readonly running = new Map<JobId, AbortController>();
  private readonly minGapMs = 1000 / PROGRESS_EVENTS_PER_SECOND;

  constructor(private readonly emit: Emit, private readonly now: () => number = () => performance.now()) {}

  /** Starts `run` and returns at once; the outcome arrives as a job.done event. */
  start(jobId: JobId, kind: JobKind, run: JobRun): Result<{ jobId: JobId }> {
    if (this.running.has(jobId)) return { ok: false, error: { code: 'BAD_REQUEST', message: `job ${jobId} is already running` } };
    if (this.running.size >= MAX_RUNNING_JOBS) {
      return { ok: false, error: { code: 'LIMIT', message: `${MAX_RUNNING_JOBS} jobs are already running; wait for one to finish or cancel it` } };
    }
    const controller = new AbortController();
    this.running.set(jobId, controller);
    const started = this.now();
    let lastSent = -Infinity;
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (u) => {
        const t = this.now();
        if (t - lastSent < this.minGapMs || controller.signal.aborted) return;
        lastSent = t;
        this.emit('job.progress', {
          jobId, kind, phase: u.phase, done: u.done, total: u.total, unit: u.unit, elapsedMs: t - started, key: u.key ?? null,
        });
      },
    };
    void this.finish(jobId, kind, controller, run, ctx);
    return { ok: true, value: { jobId } };
  }

  private async finish(jobId: JobId, kind: JobKind, controller: AbortController, run: JobRun, ctx: JobContext): Promise<void> {
    let outcome: Result<JobValue>;
    try {
      // A microtask first, so the start call's answer reaches the renderer before any event.
      await Promise.resolve();
      // Cancelled before it began (a cancel right after the start call): don't begin at all.
      if (controller.signal.aborted) throw new Error('cancelled before it started');
      outcome = { ok: true, value: await run(ctx) };
    } catch (e) {
      outcome = { ok: false, error: controller.signal.aborted ? cancelled(kind) : toAppError(e) };
    }
    if (outcome.ok && controller.signal.aborted) outcome = { ok: false, error: cancelled(kind) };
    this.running.delete(jobId);
    this.emit('job.done', { jobId, kind, outcome });
  }

  cancel(jobId: JobId): boolean {
    const c = this.running.get(jobId);
    if (c === undefined) return false;
    c.abort();
    return true;
  }

  cancelAll(): void {
    for (const c of this.running.values()) c.abort();
  }

  get size(): number {
    return this.running.size;
  }
}

function cancelled(kind: JobKind): AppError {
  const what = kind === 'convert' ? 'conversion' : kind === 'diff' ? 'comparison' : 'statistics';
  return { code: 'CANCELLED', message: `${what} cancelled` };
}
