// The worker side of the RPC: dispatches calls to typed handlers, one AbortController per call
// (cancelled by a `cancel` message), and sends back results, AppErrors, progress and logs.

import { isMainThread, parentPort, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { toAppError } from '../../shared/errors';
import { isMainToWorker, type LogLevel, type MethodSpec, type WorkerApi, type WorkerToMain } from './protocol';

export interface CallContext<P> {
  readonly signal: AbortSignal;
  progress(value: P): void;
  log(level: LogLevel, message: string): void;
}

/** A handler's answer; list buffers in `transfer` to move them instead of copying. */
export interface Reply<R> {
  readonly value: R;
  readonly transfer?: readonly TransferListItem[];
}

export type Handlers<Api extends WorkerApi<Api>> = {
  [M in keyof Api]: (args: Api[M]['args'], ctx: CallContext<Api[M]['progress']>) => Promise<Reply<Api[M]['result']>>;
};

/** Throws unless this code runs in a worker thread: worker modules must not run on the main thread. */
export function requireWorkerPort(what: string): MessagePort {
  if (isMainThread || parentPort === null) {
    throw new Error(`${what} is a worker module: start it with new Worker(), not require()/import`);
  }
  return parentPort;
}

export function serveWorker<Api extends WorkerApi<Api>>(what: string, handlers: Handlers<Api>): void {
  const port = requireWorkerPort(what);
  const running = new Map<number, AbortController>();
  const send = (m: WorkerToMain, transfer?: readonly TransferListItem[]): void => port.postMessage(m, transfer as TransferListItem[] | undefined);

  port.on('message', (msg: unknown) => {
    if (!isMainToWorker(msg)) {
      send({ kind: 'log', level: 'error', message: `${what}: ignored a malformed message` });
      return;
    }
    if (msg.kind === 'cancel') {
      running.get(msg.seq)?.abort();
      return;
    }
    const { seq, method } = msg;
    const handler = Object.prototype.hasOwnProperty.call(handlers, method) ? (handlers as Record<string, unknown>)[method] : undefined;
    if (typeof handler !== 'function') {
      send({ kind: 'error', seq, error: { code: 'INTERNAL', message: `${what}: no method "${method}"` } });
      return;
    }
    const ac = new AbortController();
    running.set(seq, ac);
    const ctx: CallContext<unknown> = {
      signal: ac.signal,
      progress: (value) => send({ kind: 'progress', seq, value }),
      log: (level, message) => send({ kind: 'log', level, message }),
    };
    (handler as (a: unknown, c: CallContext<unknown>) => Promise<Reply<MethodSpec['result']>>)(msg.args, ctx).then(
      (reply) => send({ kind: 'result', seq, value: reply.value }, reply.transfer),
      (e: unknown) => send({ kind: 'error', seq, error: ac.signal.aborted ? { code: 'CANCELLED', message: 'cancelled' } : toAppError(e) }),
    ).finally(() => running.delete(seq));
  });
}
