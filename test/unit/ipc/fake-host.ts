// A Host for handler tests: records events, and either allows every path (browser mode) or only
// granted ones (desktop mode, through the same PathGrants main.ts uses).

import * as path from 'node:path';
import type { AppError } from '../../../shared/errors';
import type { EventName, Events } from '../../../shared/ipc/contract';
import { PathGrants } from '../../../electron/app-service/grants';
import type { Host } from '../../../electron/app-service/host';

export interface RecordedEvent {
  readonly name: EventName;
  readonly payload: unknown;
}

export interface FakeHost extends Host {
  readonly events: RecordedEvent[];
  readonly grants: PathGrants;
  /** Resolves with the job.done payload of `jobId`. */
  done(jobId: string): Promise<Events['job.done']>;
}

export function fakeHost(mode: 'browser' | 'electron', picks: Partial<Record<string, string | null>> = {}): FakeHost {
  const events: RecordedEvent[] = [];
  const waiters = new Map<string, (p: Events['job.done']) => void>();
  const grants = new PathGrants();
  const refuse = (p: string): AppError => ({ code: 'BAD_REQUEST', message: `${p} was not chosen in this session` });
  return {
    mode,
    version: '0.0.0-test',
    initialPath: null,
    canBrowse: mode === 'browser',
    ...(mode === 'electron'
      ? {
          pick: async (purpose) => {
            const p = picks[purpose] ?? null;
            if (p !== null) grants.add(p, purpose === 'destination' ? 'write' : 'read');
            return p;
          },
          showInFolder: () => undefined,
        }
      : {}),
    allowPath: (p, use) => (mode === 'browser' || grants.allows(p, use) ? null : refuse(path.resolve(p))),
    grantPath: (p, use) => grants.add(p, use),
    emit(name, payload) {
      events.push({ name, payload });
      if (name === 'job.done') {
        const d = payload as Events['job.done'];
        waiters.get(d.jobId)?.(d);
      }
    },
    events,
    grants,
    done(jobId) {
      const already = events.find((e) => e.name === 'job.done' && (e.payload as Events['job.done']).jobId === jobId);
      if (already) return Promise.resolve(already.payload as Events['job.done']);
      return new Promise((resolve) => waiters.set(jobId, resolve));
    },
  };
}
