// The renderer's one way to the Node side: the contract's commands and events, over Electron's
// preload bridge when there is one (`window.shardscope`), else over HTTP to `shardscope ui`
// (POST ./api/<command>, events as Server-Sent Events). Views never see which.

import type { Result } from '../shared/result';
import {
  EVENT_NAMES,
  type AppMode,
  type ArgsOf,
  type CommandName,
  type EventListener,
  type ResultOf,
  type ShardscopeBridge,
} from '../shared/ipc/contract';
import { checkEvent } from '../shared/ipc/guards';

export interface Api {
  readonly mode: AppMode;
  call<K extends CommandName>(name: K, args: ArgsOf<K>): Promise<Result<ResultOf<K>>>;
  onEvent(listener: EventListener): () => void;
  /** The OS path of a dropped File (desktop app only; browsers don't reveal paths). */
  grantDroppedFile(file: File): Promise<string | null>;
}

declare global {
  interface Window {
    shardscope?: ShardscopeBridge;
  }
}

function electronApi(bridge: ShardscopeBridge): Api {
  return {
    mode: 'electron',
    call: (name, args) => bridge.commands[name](args),
    onEvent: (listener) => bridge.onEvent(listener),
    grantDroppedFile: (file) => bridge.grantDroppedFile(file),
  };
}

const TOKEN_HEADER = 'X-Shardscope-Token';

function httpApi(token: string | null): Api {
  const listeners = new Set<EventListener>();
  let source: EventSource | null = null;
  const connect = (): void => {
    if (source !== null) return;
    source = new EventSource(`./api/events${token !== null ? `?token=${encodeURIComponent(token)}` : ''}`);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (m: MessageEvent<string>) => {
        let payload: unknown;
        try {
          payload = JSON.parse(m.data);
        } catch {
          return;
        }
        const checked = checkEvent(name, payload);
        if (!checked.ok) return; // a malformed event is dropped, never half-applied
        for (const l of listeners) l(name, checked.value as never);
      });
    }
  };
  return {
    mode: 'browser',
    async call(name, args) {
      let res: Response;
      try {
        res = await fetch(`./api/${name}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(token !== null ? { [TOKEN_HEADER]: token } : {}) },
          body: JSON.stringify(args),
          credentials: 'same-origin',
        });
      } catch {
        return { ok: false, error: { code: 'IO', message: 'the Shardscope server is not answering (was `shardscope ui` stopped?)' } };
      }
      const text = await res.text();
      if (res.headers.get('Content-Type')?.startsWith('application/json')) {
        try {
          return JSON.parse(text) as Result<ResultOf<typeof name>>;
        } catch {
          // fall through to the status line
        }
      }
      const code = res.status === 403 ? 'BAD_REQUEST' : 'INTERNAL';
      return { ok: false, error: { code, message: `${name}: the server answered ${res.status}: ${text.slice(0, 200)}` } };
    },
    onEvent(listener) {
      listeners.add(listener);
      connect();
      return () => listeners.delete(listener);
    },
    grantDroppedFile: () => Promise.resolve(null),
  };
}

export function createApi(): Api {
  if (window.shardscope !== undefined) return electronApi(window.shardscope);
  return httpApi(new URLSearchParams(window.location.search).get('token'));
}
