// The renderer's store against a fake transport: opening fills summaries and trees (never
// bytes), job events drive progress and outcomes, a refused start shows as the job's outcome,
// and a failed open keeps its error for the start screen.

import { describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/result';
import type { ArgsOf, CheckpointSummary, CommandName, EventListener, ResultOf } from '../../../shared/ipc/contract';
import type { Api } from '../../../renderer/api';
import { setApi } from '../../../renderer/store/api-ref';
import { createStore, itemKey } from '../../../renderer/store';

function summary(id: string, root: string): CheckpointSummary {
  return {
    id,
    root,
    name: 'checkpoint',
    format: 'dcp',
    worldSize: 2,
    info: {},
    files: [],
    diagnostics: [],
    totals: { tensors: 1, objects: 0, unsafe: 0, elements: 4, bytes: 16, fileBytes: 100 },
    dtypes: [{ dtype: 'float32', tensors: 1, elements: 4, bytes: 16 }],
    entries: { keys: ['model.w'], paths: [['model', 'w']], kinds: ['t'], types: ['float32'], shapes: [[4]], nbytes: [16], chunkCounts: [2] },
  };
}

function fakeApi(answers: Partial<{ [K in CommandName]: (args: ArgsOf<K>) => Result<ResultOf<K>> }>) {
  const calls: { name: CommandName; args: unknown }[] = [];
  let listener: EventListener = () => undefined;
  const api: Api = {
    mode: 'browser',
    async call(name, args) {
      calls.push({ name, args });
      const answer = answers[name] as ((a: unknown) => Result<unknown>) | undefined;
      return (answer ? answer(args) : { ok: false, error: { code: 'INTERNAL', message: `no fake for ${name}` } }) as never;
    },
    onEvent(l) {
      listener = l;
      return () => undefined;
    },
    grantDroppedFile: async () => null,
  };
  return { api, calls, emit: ((name, payload) => listener(name, payload)) as EventListener };
}

const INFO = { mode: 'browser', version: '0', platform: 'linux', initialPath: null, recent: [], homeDir: '/home/u', pathSeparator: '/', canPickFolders: false, canShowInFolder: false } as const;

describe('store', () => {
  it('opens a checkpoint into a summary and a tree, and closes the one it replaces', async () => {
    let n = 0;
    const { api, calls } = fakeApi({
      'app.info': () => ({ ok: true, value: INFO }),
      'checkpoint.open': (a) => ({ ok: true, value: summary(`c${++n}`, a.path) }),
      'checkpoint.close': () => ({ ok: true, value: { closed: true } }),
    });
    setApi(api);
    const store = createStore();
    await store.getState().boot();
    expect(await store.getState().openPath('/ckpt/a')).toBe(true);
    let s = store.getState();
    expect(s.screen).toBe('inspect');
    expect(s.activeId).toBe('c1');
    expect(s.checkpoints['c1']!.tree.nodes.map((x) => x.label)).toEqual(['', 'model', 'w']);
    expect(s.recent[0]!.path).toBe('/ckpt/a');
    await s.openPath('/ckpt/b');
    s = store.getState();
    expect(Object.keys(s.checkpoints)).toEqual(['c2']);
    expect(calls.filter((c) => c.name === 'checkpoint.close').map((c) => c.args)).toEqual([{ id: 'c1' }]);
  });

  it('keeps the error of a failed open for the start screen', async () => {
    const { api } = fakeApi({ 'checkpoint.open': (a) => ({ ok: false, error: { code: 'NOT_A_CHECKPOINT', message: `${a.path}: not a checkpoint` } }) });
    setApi(api);
    const store = createStore();
    expect(await store.getState().openPath('/tmp')).toBe(false);
    expect(store.getState().openError).toEqual({ code: 'NOT_A_CHECKPOINT', message: '/tmp: not a checkpoint' });
    expect(store.getState().opening).toBeNull();
  });

  it('files a job before its start call returns, then follows its events', async () => {
    const { api, emit } = fakeApi({
      'app.info': () => ({ ok: true, value: INFO }),
      'tensor.stats': (a) => ({ ok: true, value: { jobId: a.jobId } }),
    });
    setApi(api);
    const store = createStore();
    await store.getState().boot();
    await store.getState().computeStats('c1', 'model.w');
    const jobId = store.getState().statsJobs[itemKey('c1', 'model.w')]!;
    expect(store.getState().jobs[jobId]).toEqual({ kind: 'stats', progress: null, outcome: null });
    emit('job.progress', { jobId, kind: 'stats', phase: 'reading', done: 8, total: 16, unit: 'bytes', elapsedMs: 10, key: 'model.w' });
    expect(store.getState().jobs[jobId]!.progress?.done).toBe(8);
    emit('job.done', { jobId, kind: 'stats', outcome: { ok: false, error: { code: 'CANCELLED', message: 'statistics cancelled' } } });
    expect(store.getState().jobs[jobId]!.outcome).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'statistics cancelled' } });
    // A late progress event does not bring a finished job back to life.
    emit('job.progress', { jobId, kind: 'stats', phase: 'reading', done: 16, total: 16, unit: 'bytes', elapsedMs: 20, key: 'model.w' });
    expect(store.getState().jobs[jobId]!.progress?.done).toBe(8);
  });

  it('shows a refused start as the job’s outcome and as the notice', async () => {
    const { api } = fakeApi({ 'tensor.stats': () => ({ ok: false, error: { code: 'LIMIT', message: '8 jobs are already running' } }) });
    setApi(api);
    const store = createStore();
    await store.getState().computeStats('c1', 'model.w');
    const jobId = store.getState().statsJobs[itemKey('c1', 'model.w')]!;
    expect(store.getState().jobs[jobId]!.outcome).toEqual({ ok: false, error: { code: 'LIMIT', message: '8 jobs are already running' } });
    expect(store.getState().notice).toEqual({ tone: 'error', text: '8 jobs are already running' });
  });
});
