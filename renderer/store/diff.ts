// The compare view's state: the comparison job, its options, and how its table is filtered,
// sorted and which row is open.

import type { StateCreator } from 'zustand';
import { api } from './api-ref';
import type { DiffSlice, Store } from './types';

export const createDiffSlice: StateCreator<Store, [], [], DiffSlice> = (set, get) => ({
  diffJobId: null,
  diffRequest: { atol: null, rtol: null, dtypeInsensitive: false, modelOnly: false, preset: null, configPath: null },
  diffTable: { text: '', kinds: new Set(), sort: 'kind', descending: false },
  diffSelected: null,

  setDiffRequest(r) {
    set((s) => ({ diffRequest: { ...s.diffRequest, ...r } }));
  },

  async startDiff() {
    const { activeId: a, compareId: b, diffRequest: request } = get();
    if (a === null || b === null) return;
    set({ diffSelected: null });
    await get().startJob('diff', (jobId) => {
      set({ diffJobId: jobId });
      return api().call('diff.start', { a, b, jobId, request });
    });
  },

  setDiffTable(v) {
    set((s) => ({ diffTable: { ...s.diffTable, ...v } }));
  },

  selectDiffRow(key) {
    set({ diffSelected: key });
  },
});
