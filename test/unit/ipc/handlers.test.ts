// The contract's handlers in Node, over the real services and the torch-written fixtures:
// every answer is a Result (never a throw), errors are one readable line naming the path or
// key, jobs report progress and end with exactly one job.done, and the desktop mode touches
// only paths the user chose.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/result';
import type { CommandName, Events, JobProgress } from '../../../shared/ipc/contract';
import { RecentStore } from '../../../electron/app-service/recent';
import { DEFAULT_SERVICES } from '../../../electron/app-service/services';
import { Session, type Services } from '../../../electron/app-service/session';
import { dispatch } from '../../../electron/ipc/dispatch';
import { HANDLERS } from '../../../electron/ipc/handlers';
import { fakeHost } from './fake-host';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');
const fixture = (name: string): string => path.join(FIXTURES, name, 'checkpoint');

interface ExpectedEntry {
  kind: 'tensor' | 'object';
  dtype?: string;
  shape?: number[];
  nbytes?: number;
  python_type?: string;
  stats?: { min: number | null; max: number | null; mean: number | null; nan: number; inf: number };
}
const expectedOf = (name: string): Record<string, ExpectedEntry> =>
  (JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8')) as { entries: Record<string, ExpectedEntry> }).entries;

function setup(mode: 'browser' | 'electron', services: Services = DEFAULT_SERVICES, picks: Record<string, string | null> = {}) {
  const host = fakeHost(mode, picks);
  const session = new Session(host, services, new RecentStore(null));
  const call = (name: CommandName | string, args: unknown): Promise<Result<unknown>> => dispatch(HANDLERS, session, name, args);
  return { host, session, call };
}

function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

function error(r: Result<unknown>): { code: string; message: string } {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value).slice(0, 200)}`);
  return r.error;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'shardscope-handlers-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('opening and reading (browser mode)', () => {
  const { call, host } = setup('browser');

  it('app.info says what this front end can do', async () => {
    const info = value<{ mode: string; canPickFolders: boolean; canShowInFolder: boolean }>(await call('app.info', {}));
    expect(info).toMatchObject({ mode: 'browser', canPickFolders: false, canShowInFolder: false });
  });

  it('dialog.pick answers that there is no dialog in a browser', async () => {
    expect(error(await call('dialog.pick', { purpose: 'open' }))).toEqual({ code: 'UNSUPPORTED', message: 'there is no folder dialog in the browser; type the path instead' });
  });

  it('opens a DCP checkpoint into a summary whose totals match what torch wrote', async () => {
    const s = value<{ format: string; worldSize: number; totals: { tensors: number; objects: number; bytes: number }; entries: { keys: string[] } }>(
      await call('checkpoint.open', { path: fixture('fsdp_train') }),
    );
    const want = Object.values(expectedOf('fsdp_train'));
    expect(s.format).toBe('dcp');
    expect(s.worldSize).toBe(2);
    expect(s.totals.tensors).toBe(want.filter((e) => e.kind === 'tensor').length);
    expect(s.totals.objects).toBe(want.filter((e) => e.kind === 'object').length);
    expect(s.totals.bytes).toBe(want.reduce((n, e) => n + (e.nbytes ?? 0), 0));
    expect(s.entries.keys.sort()).toEqual(Object.keys(expectedOf('fsdp_train')).sort());
  });

  it('says plainly that a folder is not a checkpoint, naming it and what was expected', async () => {
    const e = error(await call('checkpoint.open', { path: FIXTURES }));
    expect(e.code).toBe('NOT_A_CHECKPOINT');
    expect(e.message).toContain(FIXTURES);
    expect(e.message).toContain('Expected a DCP folder');
  });

  it('names a path that does not exist', async () => {
    const missing = path.join(work, 'nope');
    const e = error(await call('checkpoint.open', { path: missing }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain(missing);
  });

  it('answers details, first values and errors per key', async () => {
    const id = value<{ id: string }>(await call('checkpoint.open', { path: fixture('dtypes') })).id;
    const entries = expectedOf('dtypes');
    const [key, want] = Object.entries(entries).find(([, e]) => e.kind === 'tensor' && (e.stats?.nan ?? 0) > 0)!;
    const d = value<{ kind: string; dtype: string; shape: number[]; chunks: unknown[] }>(await call('checkpoint.entry', { id, key }));
    expect(d).toMatchObject({ kind: 'tensor', dtype: want.dtype, shape: want.shape });
    expect(d.chunks.length).toBeGreaterThan(0);
    const p = value<{ values: unknown[] }>(await call('tensor.preview', { id, key, limit: 100 }));
    // NaN and ±inf cannot cross JSON as numbers: they arrive as text.
    expect(p.values.filter((v) => v === 'nan').length).toBe(want.stats!.nan);
    expect(p.values.filter((v) => v === 'inf' || v === '-inf').length).toBe(want.stats!.inf);

    const e = error(await call('checkpoint.entry', { id, key: 'no.such.key' }));
    expect(e).toMatchObject({ code: 'NOT_FOUND' });
    expect(e.message).toContain('"no.such.key"');
    expect(e.message).toContain(fixture('dtypes'));

    expect(value(await call('checkpoint.close', { id }))).toEqual({ closed: true });
    expect(error(await call('checkpoint.entry', { id, key })).message).toBe(`checkpoint ${id} is not open (it was closed, or the app restarted)`);
  });

  it('computes stats in a worker, with progress and exactly one job.done that matches torch', async () => {
    const id = value<{ id: string }>(await call('checkpoint.open', { path: fixture('fsdp_train') })).id;
    const key = 'layers.0.feed_forward.w1.weight';
    expect(value(await call('tensor.stats', { id, key, jobId: 'stats-1' }))).toEqual({ jobId: 'stats-1' });
    const done = await host.done('stats-1');
    const want = expectedOf('fsdp_train')[key]!.stats!;
    expect(done.outcome.ok).toBe(true);
    if (done.outcome.ok && done.outcome.value.kind === 'stats') {
      const s = done.outcome.value.stats.stats;
      expect([s.nan, s.inf, s.min, s.max]).toEqual([want.nan, want.inf, want.min, want.max]);
      expect(s.mean).toBeCloseTo(want.mean!, 12);
      expect(s.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(s.finite);
    }
    const progress = host.events.filter((e) => e.name === 'job.progress' && (e.payload as JobProgress).jobId === 'stats-1');
    expect(progress.length).toBeGreaterThan(0);
    expect(host.events.filter((e) => e.name === 'job.done' && (e.payload as Events['job.done']).jobId === 'stats-1')).toHaveLength(1);
  });

  it('refuses stats of a non-tensor and a reused job id, in words', async () => {
    const id = value<{ id: string }>(await call('checkpoint.open', { path: fixture('fsdp_train') })).id;
    expect(error(await call('tensor.stats', { id, key: 'lr_scheduler.last_epoch', jobId: 'x1' }))).toEqual({
      code: 'BAD_REQUEST',
      message: '"lr_scheduler.last_epoch" is a int value, not a tensor',
      key: 'lr_scheduler.last_epoch',
    });
    const key = 'tok_embeddings.weight';
    value(await call('tensor.stats', { id, key, jobId: 'dup' }));
    const again = await call('tensor.stats', { id, key, jobId: 'dup' });
    const settled = await host.done('dup');
    expect(settled.outcome.ok).toBe(true);
    expect(error(again)).toEqual({ code: 'BAD_REQUEST', message: 'job dup is already running' });
  });

  it('converts through the convert service and reports its summary', async () => {
    const id = value<{ id: string }>(await call('checkpoint.open', { path: fixture('fsdp_model_only') })).id;
    const destination = path.join(work, 'converted');
    const request = { destination, modelOnly: true, dtype: null, maxShardBytes: null, preset: null, configPath: null, verify: true, replaceExisting: false };
    value(await call('convert.start', { id, jobId: 'cv-1', request }));
    const done = await host.done('cv-1');
    expect(done.kind).toBe('convert');
    expect(done.outcome.ok).toBe(true);
    if (done.outcome.ok && done.outcome.value.kind === 'convert') {
      expect(done.outcome.value.summary).toMatchObject({ dst: destination, verified: true });
    }
    expect(existsSync(path.join(destination, 'model.safetensors'))).toBe(true);

    // The same destination again, without "replace": the service's refusal reaches the renderer as data.
    value(await call('convert.start', { id, jobId: 'cv-2', request }));
    const refused = await host.done('cv-2');
    expect(refused.outcome.ok).toBe(false);
    if (!refused.outcome.ok) {
      expect(refused.outcome.error.code).toBe('EXISTS');
      expect(refused.outcome.error.message).toContain(destination);
    }
  });

  it('compares two checkpoints through the diff service', async () => {
    const a = value<{ id: string }>(await call('checkpoint.open', { path: fixture('fsdp_train') })).id;
    const b = value<{ id: string }>(await call('checkpoint.open', { path: fixture('fsdp_model_only') })).id;
    const request = { atol: null, rtol: null, dtypeInsensitive: false, modelOnly: false, preset: null, configPath: null };
    value(await call('diff.start', { a, b, jobId: 'df-1', request }));
    const done = await host.done('df-1');
    expect(done.outcome.ok).toBe(true);
    if (done.outcome.ok && done.outcome.value.kind === 'diff') {
      const onlyA = Object.keys(expectedOf('fsdp_train')).filter((k) => !(k in expectedOf('fsdp_model_only')));
      expect(done.outcome.value.report.onlyA).toEqual(onlyA.sort());
    }
  });

  it('job.cancel of a job that is not running says so', async () => {
    expect(value(await call('job.cancel', { jobId: 'never-started' }))).toEqual({ cancelled: false });
  });
});

describe('the desktop mode reads only what the user chose', () => {
  it('refuses a path the renderer names on its own, and opens it once chosen in the dialog', async () => {
    const chosen = fixture('tp');
    const { call } = setup('electron', DEFAULT_SERVICES, { open: chosen });
    const refused = error(await call('checkpoint.open', { path: chosen }));
    expect(refused).toEqual({ code: 'BAD_REQUEST', message: `${chosen} was not chosen in this session`, file: chosen });
    expect(value(await call('dialog.pick', { purpose: 'open' }))).toEqual({ path: chosen });
    expect(value<{ root: string }>(await call('checkpoint.open', { path: chosen })).root).toBe(chosen);
  });

  it('refuses a convert destination that was not picked, writing nothing', async () => {
    const { call, host } = setup('electron', DEFAULT_SERVICES, { open: fixture('tp') });
    value(await call('dialog.pick', { purpose: 'open' }));
    const id = value<{ id: string }>(await call('checkpoint.open', { path: fixture('tp') })).id;
    const destination = path.join(work, 'not-picked');
    const request = { destination, modelOnly: false, dtype: null, maxShardBytes: null, preset: null, configPath: null, verify: false, replaceExisting: false };
    const e = error(await call('convert.start', { id, jobId: 'np', request }));
    expect(e.message).toBe(`destination: ${destination} was not chosen in this session`);
    expect(existsSync(destination)).toBe(false);
    expect(host.events).toEqual([]);
  });

  it('fs.listDir is refused: folders come from the dialog', async () => {
    const { call } = setup('electron');
    expect(error(await call('fs.listDir', { path: '/' })).code).toBe('UNSUPPORTED');
  });
});

describe('handlers never throw', () => {
  const exploding: Services = {
    openCheckpoint: () => Promise.reject(new Error('disk on fire')),
    previewTensor: () => {
      throw new Error('sync throw');
    },
    tensorStats: () => Promise.reject(new Error('worker crashed')),
    convert: () => Promise.reject(Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC', path: '/full/disk' })),
    diff: () => Promise.reject(new Error('boom')),
  };

  it('turns a service failure into a Result with the service’s words', async () => {
    const { call } = setup('browser', exploding);
    expect(error(await call('checkpoint.open', { path: '/x' }))).toEqual({ code: 'INTERNAL', message: 'disk on fire' });
  });

  it('turns a failed job into one job.done with an AppError (ENOSPC becomes DISK_FULL)', async () => {
    const services: Services = { ...DEFAULT_SERVICES, convert: exploding.convert };
    const { call, host } = setup('browser', services);
    const id = value<{ id: string }>(await call('checkpoint.open', { path: fixture('tp') })).id;
    const request = { destination: path.join(work, 'full'), modelOnly: false, dtype: null, maxShardBytes: null, preset: null, configPath: null, verify: false, replaceExisting: false };
    value(await call('convert.start', { id, jobId: 'full', request }));
    const done = await host.done('full');
    expect(done.outcome).toEqual({ ok: false, error: { code: 'DISK_FULL', message: 'no space left on the device writing /full/disk', file: '/full/disk' } });
  });

  it('never reaches a handler with a malformed payload', async () => {
    let reached = false;
    const spy: Services = { ...exploding, openCheckpoint: () => ((reached = true), Promise.reject(new Error('reached'))) };
    const { call } = setup('browser', spy);
    for (const args of [{}, { path: 7 }, { path: '/x', extra: true }, null]) {
      expect(error(await call('checkpoint.open', args)).code).toBe('BAD_REQUEST');
    }
    expect(error(await call('not.a.command', {})).code).toBe('BAD_REQUEST');
    expect(reached).toBe(false);
  });

  it('cancels a running stats job: the outcome is CANCELLED, said in words', async () => {
    let release: () => void = () => undefined;
    const slow: Services = {
      ...DEFAULT_SERVICES,
      tensorStats: (_open, _entry, { signal }) =>
        new Promise((_resolve, reject) => {
          release = () => reject(new Error('aborted'));
          signal.addEventListener('abort', () => release());
        }),
    };
    const { call, host } = setup('browser', slow);
    const id = value<{ id: string }>(await call('checkpoint.open', { path: fixture('tp') })).id;
    const key = Object.entries(expectedOf('tp')).find(([, e]) => e.kind === 'tensor')![0];
    value(await call('tensor.stats', { id, key, jobId: 'slow' }));
    expect(value(await call('job.cancel', { jobId: 'slow' }))).toEqual({ cancelled: true });
    expect((await host.done('slow')).outcome).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'statistics cancelled' } });
  });
});

describe('what the destination folder holds after a refused or failed conversion', () => {
  it('holds nothing new', () => {
    expect(readdirSync(work).filter((n) => n !== 'converted')).toEqual([]);
  });
});
