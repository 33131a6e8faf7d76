// Commands that start long work: they answer at once with the job id; progress and the outcome
// arrive as job.progress / job.done events.

import * as path from 'node:path';
import { FormatError } from '../../../shared/errors';
import type { Result } from '../../../shared/result';
import type { JobId } from '../../../shared/ipc/contract';
import type { Session } from '../../app-service/session';
import { attempt, type Handler } from '../handler';

function requirePath(s: Session, p: string, use: 'read' | 'write', what: string): void {
  const refused = s.host.allowPath(p, use);
  if (refused !== null) throw new FormatError(refused.code, `${what}: ${refused.message}`, { file: p });
}

async function started(work: () => Result<{ jobId: JobId }>): Promise<Result<{ jobId: JobId }>> {
  const r = await attempt(work);
  return r.ok ? r.value : r;
}

export const tensorStats: Handler<'tensor.stats'> = (args, s) =>
  started(() => {
    const open = s.get(args.id);
    const entry = s.tensor(args.id, args.key);
    return s.jobs.start(args.jobId, 'stats', async ({ signal, progress }) => {
      const stats = await s.services.tensorStats(open, entry, {
        signal,
        onProgress: (u) => progress({ ...u, key: entry.key }),
      });
      return { kind: 'stats', stats: { key: entry.key, dtype: entry.dtype, shape: entry.shape, stats } };
    });
  });

export const convertStart: Handler<'convert.start'> = (args, s) =>
  started(() => {
    const source = s.get(args.id).model.root;
    const destination = path.resolve(args.request.destination);
    requirePath(s, destination, 'write', 'destination');
    if (args.request.configPath !== null) requirePath(s, args.request.configPath, 'read', 'config file');
    const request = { ...args.request, destination };
    return s.jobs.start(args.jobId, 'convert', async ({ signal, progress }) => {
      const summary = await s.services.convert(source, request, { signal, onProgress: progress });
      s.host.grantPath(destination, 'read');
      return { kind: 'convert', summary };
    });
  });

export const diffStart: Handler<'diff.start'> = (args, s) =>
  started(() => {
    const a = s.get(args.a).model.root;
    const b = s.get(args.b).model.root;
    if (args.request.configPath !== null) requirePath(s, args.request.configPath, 'read', 'config file');
    return s.jobs.start(args.jobId, 'diff', async ({ signal, progress }) => ({
      kind: 'diff',
      report: await s.services.diff(a, b, args.request, { signal, onProgress: progress }),
    }));
  });

export const jobCancel: Handler<'job.cancel'> = (args, s) => attempt(() => ({ cancelled: s.jobs.cancel(args.jobId) }));
