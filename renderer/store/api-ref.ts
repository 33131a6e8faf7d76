// The store's handle on the transport, set once at start (main.tsx) or by a test.

import type { Api } from '../api';

let current: Api | null = null;

export function setApi(api: Api): void {
  current = api;
}

export function api(): Api {
  if (current === null) throw new Error('the API is not set up yet (setApi in main.tsx)');
  return current;
}
