// The job runner: progress throttled to about 10 events a second, exactly one job.done with a
// Result, a cancel that ends as CANCELLED, and a bound on jobs at once.

import { describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../../shared/ipc/contract';
import { JobRunner, MAX_RUNNING_JOBS } from '../../../electron/app-service/jobs';
import { PROGRESS_EVENTS_PER_SECOND } from '../../../shared/ipc/progress';

function runner(clock: { t: number }) {
  const events: { name: EventName; payload: unknown }[] = [];
  const r = new JobRunner((name, payload) => events.push({ name, payload }), () => clock.t);
  const doneOf = (jobId: string) =>
    new Promise<Events['job.done']>((resolve) => {
      const poll = (): void => {
        const e = events.find((x) => x.name === 'job.done' && (x.payload as Events['job.done']).jobId === jobId);
        if (e) resolve(e.payload as Events['job.done']);
        else setTimeout(poll, 1);
      };
      poll();
    });
  return { r, events, doneOf };
}

describe('JobRunner', () => {
  it('sends at most one progress event per 1/PROGRESS_EVENTS_PER_SECOND of the clock', async () => {
    const clock = { t: 0 };
    const { r, events, doneOf } = runner(clock);
    r.start('j', 'convert', async ({ progress }) => {
      for (let i = 0; i < 1000; i++) {
        clock.t = i; // 1000 updates over one second of clock
        progress({ phase: 'writing', done: i, total: 1000, unit: 'bytes' });
      }
      return { kind: 'stats', stats: { key: 'k', dtype: 'float32', shape: [], stats: { count: 0, nan: 0, inf: 0, finite: 0, min: null, max: null, mean: null, std: null, histogram: null } } };
    });
    await doneOf('j');
    const progress = events.filter((e) => e.name === 'job.progress');
    expect(progress.length).toBe(PROGRESS_EVENTS_PER_SECOND);
    expect(events.filter((e) => e.name === 'job.done')).toHaveLength(1);
  });

  it('reports a thrown error as the outcome, and a cancel as CANCELLED', async () => {
    const { r, doneOf } = runner({ t: 0 });
    r.start('bad', 'diff', async () => {
      throw new Error('files disagree');
    });
    expect((await doneOf('bad')).outcome).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'files disagree' } });
    r.start('long', 'convert', ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')))));
    expect(r.cancel('long')).toBe(true);
    expect((await doneOf('long')).outcome).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'conversion cancelled' } });
    expect(r.cancel('long')).toBe(false);
  });

  it(`refuses more than ${MAX_RUNNING_JOBS} jobs at once`, () => {
    const { r } = runner({ t: 0 });
    const forever = (): Promise<never> => new Promise(() => undefined);
    for (let i = 0; i < MAX_RUNNING_JOBS; i++) expect(r.start(`j${i}`, 'stats', forever).ok).toBe(true);
    const refused = r.start('one-more', 'stats', forever);
    expect(refused).toEqual({ ok: false, error: { code: 'LIMIT', message: `${MAX_RUNNING_JOBS} jobs are already running; wait for one to finish or cancel it` } });
    r.cancelAll();
  });
});
