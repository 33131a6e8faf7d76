// Derived reads shared by several views.

import type { Loaded, Store } from './types';

export const activeCheckpoint = (s: Store): Loaded | null => (s.activeId === null ? null : s.checkpoints[s.activeId] ?? null);
export const compareCheckpoint = (s: Store): Loaded | null => (s.compareId === null ? null : s.checkpoints[s.compareId] ?? null);
