// The one zustand store, put together from its slices. Views read it with selectors.

import { create } from 'zustand';
import { createAppSlice } from './app';
import { createCheckpointsSlice } from './checkpoints';
import { createSelectionSlice } from './selection';
import { createDetailsSlice } from './details';
import { createJobsSlice } from './jobs';
import { createConvertSlice } from './convert';
import { createDiffSlice } from './diff';
import type { Store } from './types';

export function createStore() {
  return create<Store>()((...a) => ({
    ...createAppSlice(...a),
    ...createCheckpointsSlice(...a),
    ...createSelectionSlice(...a),
    ...createDetailsSlice(...a),
    ...createJobsSlice(...a),
    ...createConvertSlice(...a),
    ...createDiffSlice(...a),
  }));
}

export const useStore = createStore();
export type { Store } from './types';
export { itemKey } from './types';
