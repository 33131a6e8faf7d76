// The contract's runtime guards: every command's args and every event payload is checked, and
// malformed ones are refused with a message naming the command and the field.

import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, EVENT_NAMES, type ArgsOf, type CommandName, type EventName, type Events } from '../../../shared/ipc/contract';
import { checkArgs, checkEvent, guardedNames, MAX_PREVIEW_VALUES } from '../../../shared/ipc/guards';

const CONVERT = {
  destination: '/tmp/out',
  modelOnly: true,
  dtype: 'bfloat16',
  maxShardBytes: 5_000_000_000,
  preset: null,
  configPath: null,
  verify: true,
  replaceExisting: false,
} as const;

const DIFF = { atol: null, rtol: 1e-3, dtypeInsensitive: false, modelOnly: false, preset: 'torchtitan-llama', configPath: '/tmp/config.json' } as const;

/** One well-formed payload per command. */
const VALID: { [K in CommandName]: ArgsOf<K> } = {
  'app.info': {},
  'dialog.pick': { purpose: 'destination' },
  'fs.listDir': { path: '/home' },
  'checkpoint.open': { path: '/data/step-1000' },
  'checkpoint.close': { id: 'c1' },
  'checkpoint.entry': { id: 'c1', key: 'model.layers.0.attention.wq.weight' },
  'tensor.preview': { id: 'c1', key: 'w', limit: 100 },
  'tensor.stats': { id: 'c1', key: 'w', jobId: '8e0f4a2c-1d2b-4c3e-9f00-aa11bb22cc33' },
  'convert.start': { id: 'c1', jobId: 'j1', request: CONVERT },
  'diff.start': { a: 'c1', b: 'c2', jobId: 'j2', request: DIFF },
  'job.cancel': { jobId: 'j1' },
  'recent.remove': { path: '/data/step-1000' },
  'shell.showInFolder': { path: '/tmp/out' },
};

/** A value of the wrong type for whatever a field holds. */
function wrongTypeFor(v: unknown): unknown {
  if (typeof v === 'string') return 42;
  if (typeof v === 'number') return '42';
  if (typeof v === 'boolean') return 'yes';
  if (v === null) return 42;
  return 'not an object';
}

describe('command guards', () => {
  it('cover every command in the allow-list', () => {
    expect(guardedNames().commands).toEqual([...COMMAND_NAMES]);
    expect(Object.keys(VALID).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it.each(COMMAND_NAMES)('%s accepts a well-formed payload', (name) => {
    expect(checkArgs(name, VALID[name])).toEqual({ ok: true, value: VALID[name] });
  });

  it.each(COMMAND_NAMES)('%s refuses a payload that is not an object', (name) => {
    for (const bad of [null, undefined, 'x', 7, [], [VALID[name]]]) {
      const r = checkArgs(name, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('BAD_REQUEST');
        expect(r.error.message).toContain(`${name}: args must be an object`);
      }
    }
  });

  it.each(COMMAND_NAMES)('%s refuses an unexpected field', (name) => {
    const r = checkArgs(name, { ...VALID[name], __proto_pollution__: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`${name}: args.__proto_pollution__ is not an expected field`);
  });

  const fields = COMMAND_NAMES.flatMap((name) => Object.keys(VALID[name]).map((field) => [name, field] as const));

  it.each(fields)('%s refuses a payload missing %s', (name, field) => {
    const args: Record<string, unknown> = { ...VALID[name] };
    delete args[field];
    const r = checkArgs(name, args);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`${name}: args.${field} is missing`);
  });

  it.each(fields)('%s refuses a wrong type in %s', (name, field) => {
    const args: Record<string, unknown> = { ...VALID[name] };
    args[field] = wrongTypeFor(args[field]);
    const r = checkArgs(name, args);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: args\\.${field}`));
  });

  it('refuses nested mistakes in convert and diff requests, naming the field', () => {
    const cases: [CommandName, unknown, string][] = [
      ['convert.start', { ...VALID['convert.start'], request: { ...CONVERT, dtype: 'float8_e4m3fn' } }, 'args.request.dtype must be one of'],
      ['convert.start', { ...VALID['convert.start'], request: { ...CONVERT, maxShardBytes: 0 } }, 'args.request.maxShardBytes must be at least 1'],
      ['convert.start', { ...VALID['convert.start'], request: { ...CONVERT, maxShardBytes: 1.5 } }, 'args.request.maxShardBytes must be a whole number'],
      ['convert.start', { ...VALID['convert.start'], request: { ...CONVERT, destination: '' } }, 'args.request.destination must not be empty'],
      ['convert.start', { ...VALID['convert.start'], request: { ...CONVERT, destination: 'a\0b' } }, 'args.request.destination contains a NUL character'],
      ['convert.start', { ...VALID['convert.start'], request: { ...CONVERT, preset: 'gpt2' } }, 'args.request.preset must be one of torchtitan-llama'],
      ['diff.start', { ...VALID['diff.start'], request: { ...DIFF, atol: -1 } }, 'args.request.atol must not be negative'],
      ['diff.start', { ...VALID['diff.start'], request: { ...DIFF, rtol: Number.NaN } }, 'args.request.rtol must be a finite number'],
      ['tensor.preview', { ...VALID['tensor.preview'], limit: MAX_PREVIEW_VALUES + 1 }, `args.limit must be at most ${MAX_PREVIEW_VALUES}`],
      ['tensor.preview', { ...VALID['tensor.preview'], limit: 0 }, 'args.limit must be at least 1'],
      ['checkpoint.entry', { id: '../c1', key: 'w' }, 'args.id is not in the expected form'],
      ['checkpoint.entry', { id: 'c1', key: '' }, 'args.key must not be empty'],
      ['dialog.pick', { purpose: 'anything' }, 'args.purpose must be one of open, compare, destination, config'],
      ['checkpoint.open', { path: 'x'.repeat(40_000) }, 'args.path has 40000 characters'],
    ];
    for (const [name, args, message] of cases) {
      const r = checkArgs(name, args);
      expect(r.ok, message).toBe(false);
      if (!r.ok) expect(r.error.message).toContain(`${name}: ${message}`);
    }
  });

  it('refuses names outside the allow-list', () => {
    for (const name of ['shell.openExternal', 'fs.readFile', '__proto__', 'constructor', '', 7]) {
      const r = checkArgs(name, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/^unknown command/);
    }
  });

  it('refuses objects with a prototype other than Object (class instances, arrays)', () => {
    class Sneaky {
      path = '/etc';
    }
    expect(checkArgs('checkpoint.open', new Sneaky()).ok).toBe(false);
  });
});

const VALID_EVENTS: { [E in EventName]: Events[E] } = {
  'job.progress': { jobId: 'j1', kind: 'convert', phase: 'writing shards', done: 10, total: 100, unit: 'bytes', elapsedMs: 5, key: null },
  'job.done': { jobId: 'j1', kind: 'stats', outcome: { ok: false, error: { code: 'CANCELLED', message: 'statistics cancelled' } } },
  'app.openRequested': { path: '/data/step-1' },
};

describe('event guards', () => {
  it('cover every event', () => {
    expect(guardedNames().events).toEqual([...EVENT_NAMES]);
  });

  it.each(EVENT_NAMES)('%s accepts a well-formed payload', (name) => {
    expect(checkEvent(name, VALID_EVENTS[name]).ok).toBe(true);
  });

  it.each(EVENT_NAMES.flatMap((name) => Object.keys(VALID_EVENTS[name]).map((f) => [name, f] as const)))('%s refuses a payload missing %s', (name, field) => {
    const payload: Record<string, unknown> = { ...VALID_EVENTS[name] };
    delete payload[field];
    const r = checkEvent(name, payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`${name}: payload.${field} is missing`);
  });

  it('refuses a job.done whose outcome is neither ok nor an AppError', () => {
    for (const outcome of [{ ok: 'yes' }, { ok: true }, { ok: false, error: { message: 'no code' } }, null]) {
      expect(checkEvent('job.done', { jobId: 'j1', kind: 'diff', outcome }).ok).toBe(false);
    }
  });

  it('refuses unknown events', () => {
    expect(checkEvent('job.hijack', {}).ok).toBe(false);
  });
});
