// Start-up facts, the recent list, the current screen and the one-line notice.

import type { StateCreator } from 'zustand';
import { describeError } from '../../shared/errors';
import { api } from './api-ref';
import type { AppSlice, Store } from './types';

export const createAppSlice: StateCreator<Store, [], [], AppSlice> = (set, get) => ({
  info: null,
  bootError: null,
  recent: [],
  notice: null,
  screen: 'start',

  async boot() {
    const r = await api().call('app.info', {});
    if (!r.ok) {
      set({ bootError: r.error });
      return;
    }
    set({ info: r.value, recent: r.value.recent });
    api().onEvent((name, payload) => {
      const s = get();
      switch (name) {
        case 'job.progress':
          s.onProgress(payload as Parameters<Store['onProgress']>[0]);
          return;
        case 'job.done': {
          const p = payload as { jobId: string; kind: 'stats' | 'convert' | 'diff'; outcome: Parameters<Store['onDone']>[2] };
          s.onDone(p.jobId, p.kind, p.outcome);
          return;
        }
        case 'app.openRequested':
          void s.openPath((payload as { path: string }).path);
          return;
      }
    });
    if (r.value.initialPath !== null) await get().openPath(r.value.initialPath);
  },

  notify(tone, text) {
    set({ notice: { tone, text } });
  },

  dismissNotice() {
    set({ notice: null });
  },

  setScreen(screen) {
    set({ screen });
  },

  async removeRecent(path) {
    const r = await api().call('recent.remove', { path });
    if (r.ok) set({ recent: r.value.recent });
    else get().notify('error', describeError(r.error));
  },
});
