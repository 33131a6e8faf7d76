// The convert dialog's state: open or not, the running conversion's job, and the request.

import type { StateCreator } from 'zustand';
import { api } from './api-ref';
import type { ConvertSlice, Store } from './types';

export const createConvertSlice: StateCreator<Store, [], [], ConvertSlice> = (set, get) => ({
  convertOpen: false,
  convertJobId: null,
  convertError: null,
  convertRequest: null,

  openConvert() {
    const running = get().convertJobId;
    const job = running === null ? undefined : get().jobs[running];
    // Reopening shows a running conversion; a finished one makes room for a new form.
    set({ convertOpen: true, convertError: null, ...(job?.outcome ? { convertJobId: null } : {}) });
  },

  closeConvert() {
    set({ convertOpen: false });
  },

  async startConvert(request) {
    const id = get().activeId;
    if (id === null) return;
    set({ convertError: null, convertRequest: request });
    const jobId = await get().startJob('convert', (jobId) => {
      set({ convertJobId: jobId });
      return api().call('convert.start', { id, jobId, request });
    });
    if (jobId === null) {
      const failed = get().convertJobId;
      const outcome = failed === null ? null : get().jobs[failed]?.outcome;
      set({ convertJobId: null, convertError: outcome && !outcome.ok ? outcome.error : null, notice: null });
    }
  },
});
