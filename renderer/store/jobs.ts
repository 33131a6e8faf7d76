// Jobs the Node side runs for us (stats, convert, diff): started here with our own id, then
// filled in by job.progress and job.done events.

import type { StateCreator } from 'zustand';
import { describeError } from '../../shared/errors';
import { newJobId } from '../lib/ids';
import { api } from './api-ref';
import type { JobsSlice, Store } from './types';

export const createJobsSlice: StateCreator<Store, [], [], JobsSlice> = (set, get) => ({
  jobs: {},

  async startJob(kind, start) {
    const jobId = newJobId();
    // Filed before the call: the first progress event may arrive before its answer.
    set((s) => ({ jobs: { ...s.jobs, [jobId]: { kind, progress: null, outcome: null } } }));
    const r = await start(jobId);
    if (!r.ok) {
      set((s) => ({ jobs: { ...s.jobs, [jobId]: { kind, progress: null, outcome: r } } }));
      get().notify('error', describeError(r.error));
      return null;
    }
    return jobId;
  },

  async cancelJob(jobId) {
    await api().call('job.cancel', { jobId });
  },

  onProgress(p) {
    set((s) => {
      const j = s.jobs[p.jobId];
      if (j === undefined || j.outcome !== null) return {};
      return { jobs: { ...s.jobs, [p.jobId]: { ...j, progress: p } } };
    });
  },

  onDone(jobId, kind, outcome) {
    set((s) => ({ jobs: { ...s.jobs, [jobId]: { kind, progress: s.jobs[jobId]?.progress ?? null, outcome } } }));
  },
});
