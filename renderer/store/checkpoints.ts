// Opened checkpoints: their summaries and rebuilt trees, which one is shown, and which one it is
// compared with. Opening goes through the Node side; the summary crosses once.

import type { StateCreator } from 'zustand';
import { describeError } from '../../shared/errors';
import { buildEntryTree, initialExpansion } from '../lib/entry-tree';
import { api } from './api-ref';
import type { CheckpointsSlice, Store } from './types';

export const createCheckpointsSlice: StateCreator<Store, [], [], CheckpointsSlice> = (set, get) => ({
  checkpoints: {},
  activeId: null,
  compareId: null,
  opening: null,
  openError: null,
  pathDialog: null,

  async openPath(path, purpose = 'open') {
    set({ opening: { path, purpose }, openError: null });
    const r = await api().call('checkpoint.open', { path });
    if (!r.ok) {
      set({ opening: null, openError: r.error });
      return false;
    }
    const summary = r.value;
    const tree = buildEntryTree(summary.entries);
    const before = get();
    // Opening a new checkpoint ends the comparison; picking a new second side replaces the old one.
    const replaced = purpose === 'open' ? [before.activeId, before.compareId] : [before.compareId];
    set((s) => ({
      opening: null,
      pathDialog: null,
      checkpoints: { ...s.checkpoints, [summary.id]: { summary, tree } },
      expanded: { ...s.expanded, [summary.id]: initialExpansion(tree) },
      recent: [
        { path: summary.root, format: summary.format, openedAt: Date.now() },
        ...s.recent.filter((x) => x.path !== summary.root),
      ].slice(0, 12),
      ...(purpose === 'open'
        ? { activeId: summary.id, compareId: null, selectedKey: null, query: '', screen: 'inspect' as const, diffJobId: null, diffSelected: null }
        : { compareId: summary.id, screen: 'compare' as const, diffJobId: null, diffSelected: null }),
    }));
    // The one it replaces is closed on the Node side too (its handles, its memory).
    for (const id of replaced) if (id !== null && id !== summary.id) await get().closeCheckpoint(id);
    if (purpose === 'compare') await get().startDiff();
    return true;
  },

  async chooseAndOpen(purpose) {
    const info = get().info;
    if (info === null) return;
    if (!info.canPickFolders) {
      set({ pathDialog: purpose, openError: null });
      return;
    }
    const r = await api().call('dialog.pick', { purpose });
    if (!r.ok) {
      get().notify('error', describeError(r.error));
      return;
    }
    if (r.value.path !== null) await get().openPath(r.value.path, purpose);
  },

  setPathDialog(p) {
    set({ pathDialog: p, openError: null });
  },

  async closeCheckpoint(id) {
    set((s) => {
      const { [id]: _gone, ...rest } = s.checkpoints;
      return { checkpoints: rest };
    });
    await api().call('checkpoint.close', { id });
  },

  clearOpenError() {
    set({ openError: null });
  },
});
