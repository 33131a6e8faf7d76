// What the user looks at in the tree: the selected key, the expanded groups per checkpoint, and
// the search text.

import type { StateCreator } from 'zustand';
import type { SelectionSlice, Store } from './types';

export const createSelectionSlice: StateCreator<Store, [], [], SelectionSlice> = (set) => ({
  selectedKey: null,
  expanded: {},
  query: '',

  select(key) {
    set({ selectedKey: key });
  },

  toggle(id, node, open) {
    set((s) => {
      const cur = s.expanded[id] ?? new Set<number>();
      const want = open ?? !cur.has(node);
      if (want === cur.has(node)) return {};
      const next = new Set(cur);
      if (want) next.add(node);
      else next.delete(node);
      return { expanded: { ...s.expanded, [id]: next } };
    });
  },

  setQuery(q) {
    set({ query: q });
  },
});
