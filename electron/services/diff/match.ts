// Which entries of A and B are compared with which: the --model-only selection and the preset's
// key mapping (applied to A), both as convert does them, then matching by key. Pure functions
// over the checkpoint model.
//
// After matching, `classify` settles everything that needs no tensor bytes: tensors against
// non-tensor items, shape and dtype differences, and non-tensor items (compared by Python type
// and repr). What is left are tensor pairs whose values must be read.

import type { CheckpointModel, Entry, ObjectEntry, TensorEntry } from '../../../shared/model/checkpoint';
import type { DiffChange } from '../../../shared/model/diff';
import { formatShape } from '../../../shared/model/shape';
import { FormatError } from '../../../shared/errors';
import type { Preset } from '../presets/index';
import { selectTensors } from '../convert/select';

/** An entry under the key it is compared by. */
export interface Candidate {
  readonly key: string;
  readonly entry: Entry;
  /** Apply the q/k RoPE permutation for this many heads to the entry's rows (A side, preset). */
  readonly permuteHeads: number | null;
}

export function asCandidates(entries: readonly Entry[]): Candidate[] {
  return entries.map((entry) => ({ key: entry.key, entry, permuteHeads: null }));
}

export interface SideSelection {
  readonly candidates: Candidate[];
  /** Keys the preset maps to nothing (not compared, not a difference). */
  readonly skipped: string[];
}

/**
 * The entries of one side that take part, under the names they are compared by. Without
 * --model-only or a preset, every entry (non-tensor items included) under its own key. Otherwise
 * convert's own selection (services/convert/select.ts), so `diff --model-only --preset` compares
 * exactly the tensors `convert` with the same options writes, under the same names.
 */
export function selectSide(model: CheckpointModel, opts: { modelOnly: boolean; preset: Preset | null }): SideSelection {
  if (!opts.modelOnly && opts.preset === null) return { candidates: asCandidates(model.entries), skipped: [] };
  const sel = selectTensors(model, { modelOnly: opts.modelOnly, include: [], exclude: [], preset: opts.preset });
  const candidates = sel.selected.map((t) => ({ key: t.name, entry: t.entry, permuteHeads: t.permuteHeads }));
  const skipped = sel.skipped.filter((s) => s.reason === 'preset').map((s) => s.key);
  return { candidates, skipped: skipped.sort() };
}

export interface Matched {
  readonly pairs: ReadonlyArray<{ readonly a: Candidate; readonly b: Candidate }>;
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
}

/** Pairs by key; pairs come in B's order, the one-sided lists sorted. */
export function matchKeys(a: readonly Candidate[], b: readonly Candidate[]): Matched {
  const byKey = new Map<string, Candidate>();
  for (const c of a) {
    const twin = byKey.get(c.key);
    if (twin !== undefined) {
      throw new FormatError('BAD_REQUEST', `A's keys "${twin.entry.key}" and "${c.entry.key}" are both compared as "${c.key}"; check the preset`, { key: c.key });
    }
    byKey.set(c.key, c);
  }
  const seenB = new Set<string>();
  const pairs: { a: Candidate; b: Candidate }[] = [];
  const onlyB: string[] = [];
  for (const c of b) {
    seenB.add(c.key);
    const twin = byKey.get(c.key);
    if (twin === undefined) onlyB.push(c.key);
    else pairs.push({ a: twin, b: c });
  }
  const onlyA = a.filter((c) => !seenB.has(c.key)).map((c) => c.key);
  return { pairs, onlyA: onlyA.sort(), onlyB: onlyB.sort() };
}

/** A pair whose tensor values must be read. */
export interface ValuePair {
  readonly key: string;
  readonly keyA: string;
  readonly a: TensorEntry;
  readonly b: TensorEntry;
  readonly permuteHeads: number | null;
  /** The dtype differs and counts as a change (not --dtype-insensitive). */
  readonly dtypeChange: boolean;
}

export type Classified =
  | { readonly kind: 'same' }
  | { readonly kind: 'change'; readonly change: DiffChange }
  | { readonly kind: 'values'; readonly pair: ValuePair };

/** Settles a matched pair without reading tensor bytes, where that is possible. */
export function classify(a: Candidate, b: Candidate, dtypeInsensitive: boolean): Classified {
  const ea = a.entry;
  const eb = b.entry;
  const base = { key: b.key, ...(ea.key !== b.key ? { keyA: ea.key } : {}) };
  if (ea.kind === 'object' && eb.kind === 'object') {
    return sameObject(ea, eb) ? { kind: 'same' } : { kind: 'change', change: { ...base, change: 'object', reprA: describeObject(ea), reprB: describeObject(eb) } };
  }
  if (ea.kind !== 'tensor' || eb.kind !== 'tensor') {
    return { kind: 'change', change: { ...base, change: 'kind', reprA: describeEntry(ea), reprB: describeEntry(eb) } };
  }
  const shapes = { dtypeA: ea.dtype, dtypeB: eb.dtype, shapeA: ea.shape, shapeB: eb.shape };
  if (!sameShape(ea.shape, eb.shape)) return { kind: 'change', change: { ...base, change: 'shape', ...shapes } };
  // complex64 is compared as (real, imaginary) float32 pairs: only against complex64.
  if ((ea.dtype === 'complex64') !== (eb.dtype === 'complex64')) return { kind: 'change', change: { ...base, change: 'dtype', ...shapes } };
  return {
    kind: 'values',
    pair: { key: b.key, keyA: ea.key, a: ea, b: eb, permuteHeads: a.permuteHeads, dtypeChange: ea.dtype !== eb.dtype && !dtypeInsensitive },
  };
}

function sameShape(x: readonly number[], y: readonly number[]): boolean {
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

function sameObject(x: ObjectEntry, y: ObjectEntry): boolean {
  return x.pythonType === y.pythonType && x.repr === y.repr && x.global === y.global;
}

function describeObject(e: ObjectEntry): string {
  if (e.repr !== undefined) return e.repr;
  return e.global !== undefined ? `<unsafe ${e.global}>` : `<${e.pythonType}>`;
}

function describeEntry(e: Entry): string {
  return e.kind === 'tensor' ? `tensor ${e.dtype} ${formatShape(e.shape)}` : `${e.pythonType} ${describeObject(e)}`;
}
