// One key at a time: its details (chunks or Python value), first values and stats job. Cached
// per (checkpoint, key), with a bound so browsing a 100k-key model doesn't grow without end.

import type { StateCreator } from 'zustand';
import { api } from './api-ref';
import { itemKey, type DetailsSlice, type Store } from './types';

/** Values the details pane shows: ten rows of ten. */
export const PREVIEW_VALUES = 100;
/** Cached details and previews; older ones are dropped (they reload in one round trip). */
export const MAX_CACHED_ITEMS = 256;

function withBound<T>(map: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const next: Record<string, T> = { ...map };
  delete next[key];
  next[key] = value;
  const keys = Object.keys(next);
  for (let i = 0; i < keys.length - MAX_CACHED_ITEMS; i++) delete next[keys[i] as string];
  return next;
}

export const createDetailsSlice: StateCreator<Store, [], [], DetailsSlice> = (set, get) => ({
  details: {},
  previews: {},
  statsJobs: {},

  async loadDetail(id, key) {
    const k = itemKey(id, key);
    const cur = get().details[k];
    if (cur !== undefined && cur.state !== 'error') return;
    set((s) => ({ details: withBound(s.details, k, { state: 'loading' }) }));
    const r = await api().call('checkpoint.entry', { id, key });
    set((s) => ({ details: withBound(s.details, k, r.ok ? { state: 'ready', value: r.value } : { state: 'error', error: r.error }) }));
  },

  async loadPreview(id, key) {
    const k = itemKey(id, key);
    const cur = get().previews[k];
    if (cur !== undefined && cur.state !== 'error') return;
    set((s) => ({ previews: withBound(s.previews, k, { state: 'loading' }) }));
    const r = await api().call('tensor.preview', { id, key, limit: PREVIEW_VALUES });
    set((s) => ({ previews: withBound(s.previews, k, r.ok ? { state: 'ready', value: r.value } : { state: 'error', error: r.error }) }));
  },

  async computeStats(id, key) {
    // A refused start is kept as the job's outcome, so the stats panel shows why.
    await get().startJob('stats', (jobId) => {
      set((s) => ({ statsJobs: { ...s.statsJobs, [itemKey(id, key)]: jobId } }));
      return api().call('tensor.stats', { id, key, jobId });
    });
  },
});
