// One runtime check per command's args and per event payload. Main (and the `ui` server) runs
// `checkArgs` on every request before any handler; the renderer's HTTP transport runs
// `checkEvent` on what arrives over the event stream. A refusal is an AppError BAD_REQUEST whose
// message names the command and the field.

import type { AppError } from '../errors';
import type { Result } from '../result';
import {
  type Checker,
  anyObject,
  bool,
  finite,
  int,
  literal,
  nullable,
  object,
  pathString,
  str,
} from './check';
import {
  type ArgsOf,
  type CommandName,
  type EventName,
  type Events,
  COMMAND_NAMES,
  EVENT_NAMES,
  isCommandName,
  isEventName,
} from './contract';
import { CAST_TARGETS, CONVERT_PRESETS } from './convert-wire';

/** Ids are ours (`c1`, UUIDs): short and plain, so they are safe in logs and maps. */
const idString = str({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
/** A tensor key as the checkpoint names it. */
const keyString = str({ min: 1 });
/** More than this many preview values is a table nobody reads; the view asks for ~100. */
export const MAX_PREVIEW_VALUES = 4096;
/** 1 PiB: far above any shard anyone writes, far below Number.MAX_SAFE_INTEGER. */
const MAX_SHARD_BYTES = 2 ** 50;

const preset = nullable(literal(...CONVERT_PRESETS));
const tolerance: Checker = (v, at) => {
  const e = finite(v, at);
  if (e !== null) return e;
  return (v as number) < 0 ? `${at} must not be negative` : null;
};

const convertRequest = object({
  destination: pathString,
  modelOnly: bool,
  dtype: nullable(literal(...CAST_TARGETS)),
  maxShardBytes: nullable(int({ min: 1, max: MAX_SHARD_BYTES })),
  preset,
  configPath: nullable(pathString),
  verify: bool,
  replaceExisting: bool,
});

const diffRequest = object({
  atol: nullable(tolerance),
  rtol: nullable(tolerance),
  dtypeInsensitive: bool,
  modelOnly: bool,
  preset,
  configPath: nullable(pathString),
});

const ARGS: { readonly [K in CommandName]: Checker } = {
  'app.info': object({}),
  'dialog.pick': object({ purpose: literal('open', 'compare', 'destination', 'config') }),
  'fs.listDir': object({ path: pathString }),
  'checkpoint.open': object({ path: pathString }),
  'checkpoint.close': object({ id: idString }),
  'checkpoint.entry': object({ id: idString, key: keyString }),
  'tensor.preview': object({ id: idString, key: keyString, limit: int({ min: 1, max: MAX_PREVIEW_VALUES }) }),
  'tensor.stats': object({ id: idString, key: keyString, jobId: idString }),
  'convert.start': object({ id: idString, jobId: idString, request: convertRequest }),
  'diff.start': object({ a: idString, b: idString, jobId: idString, request: diffRequest }),
  'job.cancel': object({ jobId: idString }),
  'recent.remove': object({ path: pathString }),
  'shell.showInFolder': object({ path: pathString }),
};

const resultShape: Checker = (v, at) => {
  const e = anyObject(v, at);
  if (e !== null) return e;
  const r = v as { ok?: unknown; value?: unknown; error?: unknown };
  if (r.ok === true) return anyObject(r.value, `${at}.value`);
  if (r.ok === false) return object({ code: str({ min: 1, max: 32 }), message: str() }, { file: str(), key: str(), offset: int() })(r.error, `${at}.error`);
  return `${at}.ok must be true or false`;
};

const jobKind = literal('stats', 'convert', 'diff');

const EVENTS: { readonly [E in EventName]: Checker } = {
  'job.progress': object({
    jobId: idString,
    kind: jobKind,
    phase: str({ max: 200 }),
    done: finite,
    total: finite,
    unit: literal('bytes', 'tensors'),
    elapsedMs: finite,
    key: nullable(str()),
  }),
  'job.done': object({ jobId: idString, kind: jobKind, outcome: resultShape }),
  'app.openRequested': object({ path: pathString }),
};

function badRequest(message: string): AppError {
  return { code: 'BAD_REQUEST', message };
}

/** Checks a command name and its args; the value is the args, typed. */
export function checkArgs<K extends CommandName>(name: K, args: unknown): Result<ArgsOf<K>>;
export function checkArgs(name: unknown, args: unknown): Result<unknown>;
export function checkArgs(name: unknown, args: unknown): Result<unknown> {
  if (!isCommandName(name)) {
    return { ok: false, error: badRequest(`unknown command ${JSON.stringify(String(name)).slice(0, 80)}`) };
  }
  const problem = ARGS[name](args, 'args');
  return problem === null ? { ok: true, value: args } : { ok: false, error: badRequest(`${name}: ${problem}`) };
}

/** Checks an event name and payload (the renderer's HTTP transport drops what fails). */
export function checkEvent<E extends EventName>(name: E, payload: unknown): Result<Events[E]>;
export function checkEvent(name: unknown, payload: unknown): Result<unknown>;
export function checkEvent(name: unknown, payload: unknown): Result<unknown> {
  if (!isEventName(name)) return { ok: false, error: badRequest(`unknown event ${JSON.stringify(String(name)).slice(0, 80)}`) };
  const problem = EVENTS[name](payload, 'payload');
  return problem === null ? { ok: true, value: payload } : { ok: false, error: badRequest(`${name}: ${problem}`) };
}

/** For tests: every name has a guard (the maps are typed to be total; this proves it at runtime). */
export function guardedNames(): { commands: readonly string[]; events: readonly string[] } {
  return { commands: COMMAND_NAMES.filter((n) => n in ARGS), events: EVENT_NAMES.filter((n) => n in EVENTS) };
}
