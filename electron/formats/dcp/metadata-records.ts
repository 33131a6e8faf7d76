// Compact records for the DCP dataclasses a `.metadata` holds one of per chunk (formats.md 2.2):
// ChunkStorageMetadata, MetadataIndex and _StorageInfo, plus TensorStorageMetadata per key. Their
// handlers fold the BUILD state dict into a small record (GlobalHandler.fold), so a 100k-key file
// keeps 2 objects per dataclass alive while it is unpickled instead of ~6 (the dict, its key and
// value arrays, tuple wrappers); chunk and storage-info records are the very objects metadata.ts
// returns. A state folds only when its keys are torch's field names, each once (for the two
// per-chunk records, in torch's order), and its values are ones the record holds exactly: Size
// tuples of non-negative ints become their item arrays, shared between equal ones (tuples are
// immutable); anything else is kept as the pickle gave it. States that do not fit stay dicts and
// metadata.ts reads them the slow way, with the same checks and messages.
// (Records rather than PyInstance subclasses with typed fields: a base-class constructor that
// runs on five different shapes makes every instance creation a megamorphic store, 2x slower.)

import { DATACLASS } from '../pickle/globals';
import { type BuildContext, type GlobalHandler, PyDict, PyInstance, PyTuple, type PyValue } from '../pickle/values';
import type { DcpStorageInfo } from './metadata';

/** A state's field names in pickle order; shared between instances of the same shape. */
type Layout = readonly string[];

/** Backstop on Layouts.seen (it only ever holds orderings of the allowed names: 30 at most). */
const MAX_LAYOUTS = 64;

/**
 * Layouts seen so far for one class: a state folds only if its keys are allowed names, each
 * once, with the required ones present. Only such layouts are kept, so at most the orderings of
 * the allowed names (30 for _StorageInfo); the cap is a backstop.
 */
class Layouts {
  private readonly seen: Layout[] = [];
  constructor(
    private readonly allowed: readonly string[],
    private readonly required: readonly string[],
  ) {}

  of(keys: readonly PyValue[]): Layout | undefined {
    search: for (const l of this.seen) {
      if (l.length !== keys.length) continue;
      for (let i = 0; i < l.length; i++) if (l[i] !== keys[i]) continue search;
      return l;
    }
    if (this.seen.length >= MAX_LAYOUTS || keys.length > this.allowed.length) return undefined;
    for (const k of keys) if (typeof k !== 'string' || !this.allowed.includes(k)) return undefined;
    for (const r of this.required) if (!keys.includes(r)) return undefined;
    const l = [...(keys as readonly string[])];
    this.seen.push(l);
    return l;
  }
}

/**
 * Items of a Size tuple when every one is a non-negative int number (the only ints that fold),
 * shared with equal ones already kept (sizes and offsets repeat from layer to layer).
 */
function sizeItems(v: PyValue | undefined, ctx: BuildContext): readonly number[] | undefined {
  if (!(v instanceof PyTuple)) return undefined;
  const items = v.items;
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (typeof x !== 'number' || x < 0) return undefined; // numbers from the machine are always safe ints
  }
  return ctx.shareInts(items as readonly number[]);
}

/** A dict state rebuilt from a layout and a field → value function. */
function dictOf(layout: Layout, value: (field: string) => PyValue): PyDict {
  const d = new PyDict();
  for (const k of layout) d.set(k, value(k));
  return d;
}

const sizeTuple = (items: readonly number[]): PyTuple => new PyTuple(items);

/** ChunkStorageMetadata {offsets: Size, sizes: Size}. */
export interface ChunkRecord {
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
}

/** MetadataIndex {fqn, offset?: Size | None, index?} (torch writes `offset` only when set). */
export interface IndexRecord {
  readonly layout: Layout;
  readonly fqn: string;
  /** null when `offset` is None or absent (layout says which). */
  readonly offsets: readonly number[] | null;
  /** `index` as pickled (a hint only; never read), undefined when absent. */
  readonly index: PyValue | undefined;
}

/** TensorStorageMetadata {properties, size: Size, chunks}. */
export interface TensorRecord {
  readonly layout: Layout;
  readonly properties: PyValue;
  readonly size: readonly number[];
  readonly chunks: PyValue;
}

const CHUNK_LAYOUT: Layout = ['offsets', 'sizes'];

export const CHUNK_STORAGE: GlobalHandler = {
  ...DATACLASS,
  fold: (state, ctx) => {
    const keys = state.keys;
    // torch's only layout, checked inline: there is one of these per chunk.
    if (keys.length !== 2 || keys[0] !== 'offsets' || keys[1] !== 'sizes') return undefined;
    const offsets = sizeItems(state.values[0], ctx);
    const sizes = sizeItems(state.values[1], ctx);
    return offsets === undefined || sizes === undefined ? undefined : ({ offsets, sizes } satisfies ChunkRecord);
  },
  unfold: (f) => {
    const r = f as ChunkRecord;
    return dictOf(CHUNK_LAYOUT, (k) => sizeTuple(k === 'offsets' ? r.offsets : r.sizes));
  },
};

const INDEX_LAYOUTS = new Layouts(['fqn', 'offset', 'index'], ['fqn']);

export const METADATA_INDEX: GlobalHandler = {
  ...DATACLASS,
  fold: (state, ctx) => {
    const layout = INDEX_LAYOUTS.of(state.keys);
    if (layout === undefined) return undefined;
    const fqn = state.get('fqn');
    const off = state.get('offset');
    const offsets = off === undefined || off === null ? null : sizeItems(off, ctx);
    if (typeof fqn !== 'string' || offsets === undefined) return undefined;
    return { layout, fqn, offsets, index: state.get('index') } satisfies IndexRecord;
  },
  unfold: (f) => {
    const r = f as IndexRecord;
    return dictOf(r.layout, (k) => (k === 'fqn' ? r.fqn : k === 'index' ? (r.index as PyValue) : r.offsets === null ? null : sizeTuple(r.offsets)));
  },
};

/**
 * _StorageInfo {relative_path, offset, length[, transform_descriptors: None]} folds straight into
 * the DcpStorageInfo metadata.ts returns, so it is kept, not copied. Only torch's field order
 * folds, and only without transforms (a list: mutable, kept as pickled): which of two shared empty
 * arrays `transforms` is records whether the None field was there.
 */
export const TRANSFORMS_ABSENT: readonly string[] = Object.freeze([]);
export const TRANSFORMS_NONE: readonly string[] = Object.freeze([]);
const INFO_LAYOUT: Layout = ['relative_path', 'offset', 'length'];
const INFO_LAYOUT_TD: Layout = [...INFO_LAYOUT, 'transform_descriptors'];

export const STORAGE_INFO: GlobalHandler = {
  ...DATACLASS,
  fold: (state) => {
    const keys = state.keys;
    const values = state.values;
    const withTd = keys.length === 4;
    if (!withTd && keys.length !== 3) return undefined;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== INFO_LAYOUT_TD[i]) return undefined;
    const relativePath = values[0];
    const offset = values[1];
    const length = values[2];
    if (typeof relativePath !== 'string' || typeof offset !== 'number' || offset < 0 || typeof length !== 'number' || length < 0) return undefined;
    if (withTd && values[3] !== null) return undefined;
    return { kind: 'torch-item', file: relativePath, offset, length, transforms: withTd ? TRANSFORMS_NONE : TRANSFORMS_ABSENT } satisfies DcpStorageInfo;
  },
  unfold: (f) => {
    const r = f as DcpStorageInfo;
    const layout = r.transforms === TRANSFORMS_NONE ? INFO_LAYOUT_TD : INFO_LAYOUT;
    return dictOf(layout, (k) => (k === 'relative_path' ? r.file : k === 'offset' ? r.offset : k === 'length' ? r.length : null));
  },
};

const TENSOR_LAYOUTS = new Layouts(['properties', 'size', 'chunks'], ['properties', 'size', 'chunks']);

export const TENSOR_STORAGE: GlobalHandler = {
  ...DATACLASS,
  fold: (state, ctx) => {
    const layout = TENSOR_LAYOUTS.of(state.keys);
    const size = sizeItems(state.get('size'), ctx);
    if (layout === undefined || size === undefined) return undefined;
    return { layout, properties: state.get('properties') as PyValue, size, chunks: state.get('chunks') as PyValue } satisfies TensorRecord;
  },
  unfold: (f) => {
    const r = f as TensorRecord;
    return dictOf(r.layout, (k) => (k === 'properties' ? r.properties : k === 'size' ? sizeTuple(r.size) : r.chunks));
  },
};

function folded<T>(v: PyValue | undefined, handler: GlobalHandler): T | undefined {
  return v instanceof PyInstance && v.folded !== undefined && v.cls.handler === handler ? (v.folded as T) : undefined;
}

export const chunkRecord = (v: PyValue | undefined): ChunkRecord | undefined => folded(v, CHUNK_STORAGE);
export const indexRecord = (v: PyValue | undefined): IndexRecord | undefined => folded(v, METADATA_INDEX);
export const storageInfoRecord = (v: PyValue | undefined): DcpStorageInfo | undefined => folded(v, STORAGE_INFO);
export const tensorRecord = (v: PyValue | undefined): TensorRecord | undefined => folded(v, TENSOR_STORAGE);
