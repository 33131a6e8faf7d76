// The main-thread side of the RPC: a fixed-size pool of worker threads running one module, each
// taking one call at a time from a queue. `call` is typed from the worker's API; cancel is an
// AbortSignal (a queued call is dropped, a running one gets a `cancel` message); a worker that
// dies fails its call and is replaced on demand.

import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';
import * as path from 'node:path';
import { FormatError, type AppError } from '../../shared/errors';
import { isWorkerToMain, type LogLevel, type WorkerApi, type WorkerToMain } from './protocol';

export interface CallOptions<P> {
  readonly signal?: AbortSignal;
  readonly transfer?: readonly TransferListItem[];
  readonly onProgress?: (value: P) => void;
}

export interface PoolOptions {
  /** Module name beside this file, without extension (e.g. 'convert.worker'), or an absolute path. */
  readonly module: string;
  readonly size: number;
  /** V8 heap limits per worker (see worker_threads ResourceLimits). */
  readonly resourceLimits?: ResourceLimits;
  readonly onLog?: (level: LogLevel, message: string) => void;
}

interface Task {
  readonly seq: number;
  readonly method: string;
  readonly args: unknown;
  readonly opts: CallOptions<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  cleanup(): void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | null;
}

export function fromAppError(e: AppError): FormatError {
  return new FormatError(e.code, e.message, {
    ...(e.file !== undefined ? { file: e.file } : {}),
    ...(e.key !== undefined ? { key: e.key } : {}),
    ...(e.offset !== undefined ? { offset: e.offset } : {}),
  });
}

/**
 * How to start a worker module. Compiled (out/…/*.js): the file itself. From TypeScript sources
 * (vitest runs them; Node 20 cannot), a small bootstrap that compiles each required .ts file
 * with the typescript package's transpileModule, so tests exercise real worker threads.
 */
function workerEntry(module: string): { script: string; eval: boolean; workerData?: unknown } {
  const ext = path.extname(__filename);
  const file = path.isAbsolute(module) ? module : path.join(__dirname, `${module}${ext}`);
  if (!file.endsWith('.ts')) return { script: file, eval: false };
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    const ts = require(workerData.typescript);
    const fs = require('node:fs');
    require.extensions['.ts'] = (m, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
      });
      m._compile(out.outputText, filename);
    };
    require(workerData.entry);`;
  return { script: bootstrap, eval: true, workerData: { entry: file, typescript: require.resolve('typescript') } };
}

export class WorkerPool<Api extends WorkerApi<Api>> {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private seq = 0;
  private closed = false;

  constructor(private readonly opts: PoolOptions) {
    if (!Number.isSafeInteger(opts.size) || opts.size < 1) throw new Error(`worker pool size must be a positive integer, not ${opts.size}`);
  }

  get size(): number {
    return this.opts.size;
  }

  call<M extends keyof Api & string>(method: M, args: Api[M]['args'], opts: CallOptions<Api[M]['progress']> = {}): Promise<Api[M]['result']> {
    return new Promise<Api[M]['result']>((resolve, reject) => {
      if (this.closed) return reject(new FormatError('INTERNAL', 'worker pool is closed'));
      if (opts.signal?.aborted) return reject(new FormatError('CANCELLED', 'cancelled'));
      const onAbort = (): void => this.cancel(task);
      const task: Task = {
        seq: ++this.seq,
        method,
        args,
        opts: opts as CallOptions<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(task);
      this.pump();
    });
  }

  /** Stops every worker; calls still queued or running fail with CANCELLED. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) this.settle(t, new FormatError('CANCELLED', 'cancelled'));
    const slots = this.slots.splice(0);
    for (const s of slots) if (s.task !== null) this.settle(s.task, new FormatError('CANCELLED', 'cancelled'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private cancel(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(task, new FormatError('CANCELLED', 'cancelled'));
      return;
    }
    this.slots.find((s) => s.task === task)?.worker.postMessage({ kind: 'cancel', seq: task.seq });
  }

  private settle(task: Task, error: unknown, value?: unknown): void {
    task.cleanup();
    if (error !== undefined) task.reject(error);
    else task.resolve(value);
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => s.task === null);
      if (slot === undefined) {
        if (this.slots.length >= this.opts.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.postMessage({ kind: 'call', seq: task.seq, method: task.method, args: task.args }, task.opts.transfer as TransferListItem[] | undefined);
    }
  }

  private spawn(): Slot {
    const entry = workerEntry(this.opts.module);
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: entry.workerData,
      ...(this.opts.resourceLimits ? { resourceLimits: this.opts.resourceLimits } : {}),
    });
    const slot: Slot = { worker, task: null };
    this.slots.push(slot);
    worker.on('message', (m: unknown) => this.onMessage(slot, m));
    const fail = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const task = slot.task;
      slot.task = null;
      if (task !== null) this.settle(task, new FormatError('INTERNAL', `worker thread ${this.opts.module} stopped: ${why}`));
      this.pump();
    };
    worker.on('error', (e) => fail(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(`exit code ${code}`);
    });
    return slot;
  }

  private onMessage(slot: Slot, m: unknown): void {
    if (!isWorkerToMain(m)) {
      this.opts.onLog?.('error', `worker ${this.opts.module} sent a malformed message`);
      return;
    }
    const msg: WorkerToMain = m;
    if (msg.kind === 'log') {
      this.opts.onLog?.(msg.level, msg.message);
      return;
    }
    const task = slot.task;
    if (task === null || task.seq !== msg.seq) return; // a late answer to a call already failed
    if (msg.kind === 'progress') {
      task.opts.onProgress?.(msg.value);
      return;
    }
    slot.task = null;
    if (msg.kind === 'result') this.settle(task, undefined, msg.value);
    else this.settle(task, fromAppError(msg.error));
    this.pump();
  }
}
