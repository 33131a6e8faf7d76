// The worker RPC over real worker threads (the pool compiles TypeScript workers when run from
// sources): results, errors as data, progress, logs, cancel, a dying worker, closing.
import { afterEach, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { WorkerPool } from '../../../electron/workers/pool';
import type { EchoApi } from './fixtures/echo.worker';
import { isWorkerToMain, isMainToWorker } from '../../../electron/workers/protocol';

const ECHO = path.join(__dirname, 'fixtures', 'echo.worker.ts');
const pools: WorkerPool<EchoApi>[] = [];
function pool(size: number, onLog?: (level: string, m: string) => void): WorkerPool<EchoApi> {
  const p = new WorkerPool<EchoApi>({ module: ECHO, size, ...(onLog ? { onLog } : {}) });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('WorkerPool', () => {
  it('runs calls on up to `size` worker threads and returns their results', async () => {
    const p = pool(2);
    const rs = await Promise.all(['a', 'b', 'c', 'd'].map((value) => p.call('echo', { value })));
    expect(rs.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd']);
    const threads = new Set(rs.map((r) => r.thread));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false); // never the main thread
  });

  it('brings errors back as typed errors with code, file and offset', async () => {
    await expect(pool(1).call('fail', null)).rejects.toMatchObject({ code: 'CORRUPT', message: 'bad bytes', file: 'a.distcp', offset: 12 });
  });

  it('delivers progress and logs', async () => {
    const logs: string[] = [];
    const seen: number[] = [];
    const n = await pool(1, (level, m) => logs.push(`${level}: ${m}`)).call('count', { n: 3 }, { onProgress: (v) => seen.push(v) });
    expect(n).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(logs).toEqual(['info: counted to 3']);
  });

  it('transfers buffers', async () => {
    const b = await pool(1).call('bytes', { size: 1024 });
    expect(b.length).toBe(1024);
    expect(b[1023]).toBe(7);
  });

  it('cancels a running call and a queued one through their AbortSignals', async () => {
    const p = pool(1);
    const ac = new AbortController();
    const running = expect(p.call('wait', { ms: 60_000 }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    const queued = expect(p.call('wait', { ms: 60_000 }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    setTimeout(() => ac.abort(), 50);
    await running;
    await queued;
    expect((await p.call('echo', { value: 'still works' })).value).toBe('still works');
  });

  it('fails the call of a worker that dies and replaces the worker', async () => {
    const p = pool(1);
    await expect(p.call('crash', null)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('exit code 3') });
    expect((await p.call('echo', { value: 'again' })).value).toBe('again');
  });

  it('close() fails what is still queued or running', async () => {
    const p = pool(1);
    const pending = expect(p.call('wait', { ms: 60_000 })).rejects.toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 20));
    await p.close();
    await pending;
    await expect(p.call('echo', { value: 'x' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('a worker module refuses to run on the main thread', async () => {
    await expect(import('./fixtures/echo.worker')).rejects.toThrow(/echo.worker is a worker module/);
  });

  it('checks messages in both directions', () => {
    expect(isMainToWorker({ kind: 'call', seq: 1, method: 'x', args: null })).toBe(true);
    expect(isMainToWorker({ kind: 'call', seq: '1', method: 'x' })).toBe(false);
    expect(isWorkerToMain({ kind: 'error', seq: 1, error: { code: 'CORRUPT', message: 'm' } })).toBe(true);
    expect(isWorkerToMain({ kind: 'error', seq: 1, error: { code: 'WHATEVER', message: 'm' } })).toBe(false);
    expect(isWorkerToMain({ kind: 'log', level: 'debug', message: 'm' })).toBe(false);
  });
});
