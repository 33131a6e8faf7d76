// Progress is throttled to about 10 events a second (PROGRESS_EVENTS_PER_SECOND): enough for a
// smooth bar, and cheap to send across threads or IPC whatever the number of tensors.

import { PROGRESS_EVENTS_PER_SECOND } from '../../../shared/ipc/progress';

export const PROGRESS_INTERVAL_MS = 1000 / PROGRESS_EVENTS_PER_SECOND;

/** Returns true when at least `intervalMs` passed since it last returned true (first call: true). */
export function createThrottle(intervalMs = PROGRESS_INTERVAL_MS, now: () => number = Date.now): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}

/** Sums counts and hands the sum to `emit` at most every `intervalMs`; flush() sends the rest. */
export function createCounter(emit: (n: number) => void, intervalMs = PROGRESS_INTERVAL_MS): { add(n: number): void; flush(): void } {
  const due = createThrottle(intervalMs);
  due(); // the first report waits one interval too
  let pending = 0;
  return {
    add(n: number): void {
      pending += n;
      if (due()) this.flush();
    },
    flush(): void {
      if (pending === 0) return;
      const n = pending;
      pending = 0;
      emit(n);
    },
  };
}
