// DCP `.metadata` → typed metadata (formats.md section 2). The file is one pickle of
// torch.distributed.checkpoint.metadata.Metadata (dataclass: NEWOBJ + BUILD with a field dict).
// Fields that postdate an older writer (`storage_meta` < 2.4, `version`) are null when missing;
// unknown extra fields are listed, kept opaque. `storage_data` is keyed by MetadataIndex objects:
// look entries up by (fqn, chunk offsets) — `index` is only a hint (hsdp lists chunks out of
// offset order) — and bytes items by (fqn, null), in `storageIndex` (or `storage` by storageKey).
// The per-chunk dataclasses arrive folded into records (metadata-records.ts); states that did not
// fold are read field by field with the same checks, so both give the same result or error.

import { FormatError } from '../../../shared/errors';
import type { ChunkSource, Diagnostic, PathElement } from '../../../shared/model/checkpoint';
import type { DType } from '../../../shared/model/dtype';
import { unpickle } from '../pickle/machine';
import type { PickleLimits } from '../pickle/limits';
import { AllowedGlobal, asSafeInt, OpaqueCall, OpaqueGlobal, PyDict, PyInstance, type PyValue, sequenceItems } from '../pickle/values';
import { pythonTypeName } from '../pickle/repr';
import { METADATA_ALLOW_LIST, TORCH_DTYPES } from './metadata-globals';
import { MAX_CHUNKS_PER_TENSOR, MAX_TENSOR_DIMS } from './limits';
import { chunkRecord, indexRecord, storageInfoRecord, tensorRecord, TRANSFORMS_ABSENT } from './metadata-records';
import { duplicateDiagnostic, StorageIndex, storageKey } from './storage-index';
import { readTorchMetadata } from './metadata-fast';

export { StorageIndex, storageKey };

export const METADATA_FILE = '.metadata';

export interface DcpChunkMeta {
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
}

export type DcpStorageMeta =
  | {
      readonly kind: 'tensor';
      /** null when torch's dtype is one Shardscope cannot hold (see dtypeName). */
      readonly dtype: DType | null;
      readonly dtypeName: string;
      readonly size: readonly number[];
      readonly chunks: readonly DcpChunkMeta[];
    }
  | { readonly kind: 'bytes' };

/**
 * A storage_data entry (`_StorageInfo`): `file` is its relative_path, `transforms` its
 * transform_descriptors ([] when absent). Shaped as the chunk source it becomes, so that the
 * reader hands the same object to the model (400k of them in a 100k-key checkpoint).
 */
export type DcpStorageInfo = Extract<ChunkSource, { readonly kind: 'torch-item' }>;

export interface DcpStorageMetaInfo {
  readonly checkpointId: string | null;
  readonly saveId: string | null;
  readonly loadId: string | null;
}

export interface DcpMetadata {
  /** Pickle protocol of the file. */
  readonly protocol: number;
  readonly version: string | null;
  /** state_dict_metadata, in the file's order. */
  readonly stateDict: ReadonlyMap<string, DcpStorageMeta>;
  /** The same as two lists in step (readers walk these: no Map to build or iterate). */
  readonly stateKeys: readonly string[];
  readonly stateMetas: readonly DcpStorageMeta[];
  /** storage_data by (fqn or stateDict position, offsets | null); duplicates dropped (first kept). */
  readonly storageIndex: StorageIndex;
  /** The same by storageKey(fqn, offsets | null), built on first use (tools and tests). */
  readonly storage: ReadonlyMap<string, DcpStorageInfo>;
  /** planner_data: key → path, or null when the file has none. */
  readonly plannerData: ReadonlyMap<string, readonly PathElement[]> | null;
  readonly storageMeta: DcpStorageMetaInfo | null;
  /** Metadata fields Shardscope does not know (kept opaque). */
  readonly extraFields: readonly string[];
  /** Globals left inert while unpickling (`module.name`). */
  readonly opaqueGlobals: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

const KNOWN_FIELDS = new Set(['state_dict_metadata', 'planner_data', 'storage_data', 'storage_meta', 'version']);

function corrupt(message: string, key?: string): FormatError {
  return new FormatError('CORRUPT', message, { file: METADATA_FILE, ...(key === undefined ? {} : { key }) });
}

function limit(message: string, key: string): FormatError {
  return new FormatError('LIMIT', message, { file: METADATA_FILE, key });
}

function instanceOf(v: PyValue | undefined, ...names: string[]): v is PyInstance {
  return v instanceof PyInstance && names.includes(v.cls.name);
}

function what(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  return v instanceof PyInstance ? v.cls.qualname : pythonTypeName(v);
}

/**
 * What a `.metadata` holds instead of Metadata. A hostile one is usually a call (`posix.system(…)`):
 * name the global it calls. Values carry no byte offsets, so none is given.
 */
function rootWhat(v: PyValue): string {
  if (v instanceof OpaqueCall) {
    let callee: PyValue = v.callee;
    // A call of a call (`getattr(x, 'system')(…)`) names the innermost global called. The chain
    // ends: a call record only ever refers to values built before it.
    while (callee instanceof OpaqueCall) callee = callee.callee;
    return callee instanceof OpaqueGlobal || callee instanceof AllowedGlobal ? `a call to ${callee.qualname}` : `a call of ${what(callee)}`;
  }
  if (v instanceof OpaqueGlobal || v instanceof AllowedGlobal) return `the global ${v.qualname}`;
  const type = what(v);
  return `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}`;
}

/** A tuple/list of non-negative ints ≤ 2^53 (shapes, offsets), or a CORRUPT/LIMIT error. */
function intTuple(v: PyValue | undefined, field: string, key: string): number[] {
  const items = sequenceItems(v);
  if (items === undefined) throw corrupt(`entry "${key}": ${field} is ${what(v)}, not a tuple of ints`, key);
  return items.map((x) => {
    const n = asSafeInt(x);
    if (n === undefined) {
      if (typeof x === 'bigint') throw new FormatError('LIMIT', `entry "${key}": ${field} value ${x} is past 2^53`, { file: METADATA_FILE, key });
      throw corrupt(`entry "${key}": ${field} holds ${what(x)}, not an int`, key);
    }
    if (n < 0) throw corrupt(`entry "${key}": ${field} holds negative value ${n}`, key);
    return n;
  });
}

function nonNegativeInt(v: PyValue | undefined, field: string, key: string): number {
  const n = asSafeInt(v);
  if (n === undefined) {
    if (typeof v === 'bigint') throw new FormatError('LIMIT', `storage entry "${key}": ${field} ${v} is past 2^53`, { file: METADATA_FILE, key });
    throw corrupt(`storage entry "${key}": ${field} is ${what(v)}, not an int`, key);
  }
  if (n < 0) throw corrupt(`storage entry "${key}": ${field} is negative (${n})`, key);
  return n;
}

function optionalString(v: PyValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function tensorMeta(key: string, md: PyInstance): DcpStorageMeta {
  const rec = tensorRecord(md);
  const props = rec !== undefined ? rec.properties : md.field('properties');
  if (!instanceOf(props, 'TensorProperties')) throw corrupt(`entry "${key}": properties are ${what(props)}, not TensorProperties`, key);
  // TensorProperties pickles a 5-tuple (dtype, layout, requires_grad, memory_format, pin_memory)
  // through __getstate__; a plain dataclass dict state is accepted too.
  const dtypeValue = sequenceItems(props.state)?.[0] ?? props.field('dtype');
  if (!(dtypeValue instanceof AllowedGlobal) || dtypeValue.handler.typeName !== 'dtype') {
    throw corrupt(`entry "${key}": properties hold ${what(dtypeValue)} where a torch dtype belongs`, key);
  }
  const size = rec !== undefined ? rec.size : intTuple(md.field('size'), 'size', key);
  if (size.length > MAX_TENSOR_DIMS) throw limit(`entry "${key}": size has ${size.length} dimensions, more than the limit of ${MAX_TENSOR_DIMS}`, key);
  const chunksValue = rec !== undefined ? rec.chunks : md.field('chunks');
  const chunkItems = sequenceItems(chunksValue);
  if (chunkItems === undefined) throw corrupt(`entry "${key}": chunks are ${what(chunksValue)}, not a list`, key);
  if (chunkItems.length > MAX_CHUNKS_PER_TENSOR) throw limit(`entry "${key}": ${chunkItems.length} chunks, more than the limit of ${MAX_CHUNKS_PER_TENSOR} per tensor`, key);
  const chunks = new Array<DcpChunkMeta>(chunkItems.length);
  for (let i = 0; i < chunkItems.length; i++) {
    const c = chunkItems[i];
    let chunk = chunkRecord(c);
    if (chunk === undefined) {
      if (!instanceOf(c, 'ChunkStorageMetadata')) throw corrupt(`entry "${key}": chunk ${i} is ${what(c)}, not ChunkStorageMetadata`, key);
      chunk = { offsets: intTuple(c.field('offsets'), `chunk ${i} offsets`, key), sizes: intTuple(c.field('sizes'), `chunk ${i} sizes`, key) };
    }
    const { offsets, sizes } = chunk;
    const dims = Math.max(offsets.length, sizes.length);
    if (dims > MAX_TENSOR_DIMS) throw limit(`entry "${key}": chunk ${i} has ${dims} dimensions, more than the limit of ${MAX_TENSOR_DIMS}`, key);
    if (offsets.length !== size.length || sizes.length !== size.length) {
      throw corrupt(`entry "${key}": chunk ${i} has ${offsets.length} offsets and ${sizes.length} sizes for a ${size.length}-d tensor`, key);
    }
    chunks[i] = chunk; // a record is exactly a DcpChunkMeta: kept, not copied
  }
  const name = dtypeValue.name;
  return { kind: 'tensor', dtype: TORCH_DTYPES[name] ?? null, dtypeName: name, size, chunks };
}

function parseStateDict(v: PyValue | undefined): Map<string, DcpStorageMeta> {
  if (!(v instanceof PyDict)) throw corrupt(`state_dict_metadata is ${what(v)}, not a dict`);
  const out = new Map<string, DcpStorageMeta>();
  const keys = v.keys;
  const values = v.values;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const md = values[i];
    if (typeof k !== 'string') throw corrupt(`state_dict_metadata has a ${what(k)} key; keys are strings`);
    if (instanceOf(md, 'BytesStorageMetadata')) out.set(k, BYTES_META);
    else if (instanceOf(md, 'TensorStorageMetadata')) out.set(k, tensorMeta(k, md));
    else throw corrupt(`entry "${k}" is ${what(md)}, not TensorStorageMetadata or BytesStorageMetadata`, k);
  }
  return out;
}

const BYTES_META: DcpStorageMeta = { kind: 'bytes' };

function transformList(td: PyValue | undefined, fqn: string): readonly string[] {
  if (td === undefined || td === null) return TRANSFORMS_ABSENT;
  const items = sequenceItems(td);
  if (items === undefined || !items.every((d): d is string => typeof d === 'string')) {
    throw corrupt(`storage entry "${fqn}": transform_descriptors is ${what(td)}, not a list of str`, fqn);
  }
  return items.length === 0 ? TRANSFORMS_ABSENT : [...items];
}

function parseStorage(v: PyValue | undefined, stateKeys: readonly string[], diagnostics: Diagnostic[]): StorageIndex {
  const out = new StorageIndex(stateKeys);
  if (v === null || v === undefined) return out;
  if (!(v instanceof PyDict)) throw corrupt(`storage_data is ${what(v)}, not a dict`);
  const keys = v.keys;
  const values = v.values;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const info = values[i];
    const index = indexRecord(k);
    let fqn: PyValue | undefined;
    let offsets: readonly number[] | null;
    if (index !== undefined) {
      fqn = index.fqn;
      offsets = index.offsets;
    } else {
      if (!instanceOf(k, 'MetadataIndex')) throw corrupt(`storage_data has a ${what(k)} key, not a MetadataIndex`);
      fqn = k.field('fqn');
      if (typeof fqn !== 'string') throw corrupt(`storage_data key has fqn ${what(fqn)}, not a str`);
      const off = k.field('offset');
      offsets = off === undefined || off === null ? null : intTuple(off, 'storage offset', fqn);
    }
    if (!instanceOf(info, '_StorageInfo')) throw corrupt(`storage entry "${fqn}" is ${what(info)}, not _StorageInfo`, fqn);
    const rec = storageInfoRecord(info); // already checked and final when folded
    if (rec !== undefined) {
      if (!out.add(fqn, offsets, rec)) diagnostics.push(duplicateDiagnostic(fqn, offsets));
      continue;
    }
    const relativePath = info.field('relative_path');
    if (typeof relativePath !== 'string') throw corrupt(`storage entry "${fqn}": relative_path is ${what(relativePath)}, not a str`, fqn);
    const transforms = transformList(info.field('transform_descriptors'), fqn);
    if (out.find(fqn, offsets) >= 0) {
      diagnostics.push(duplicateDiagnostic(fqn, offsets));
      continue;
    }
    out.add(fqn, offsets, {
      kind: 'torch-item',
      file: relativePath,
      offset: nonNegativeInt(info.field('offset'), 'offset', fqn),
      length: nonNegativeInt(info.field('length'), 'length', fqn),
      transforms,
    });
  }
  return out;
}

function parsePlannerData(v: PyValue | undefined, diagnostics: Diagnostic[]): Map<string, PathElement[]> | null {
  if (v === null || v === undefined) return null;
  if (!(v instanceof PyDict)) {
    diagnostics.push({ severity: 'warning', message: `planner_data is ${what(v)}, not a dict; keys are shown flat`, file: METADATA_FILE });
    return null;
  }
  const out = new Map<string, PathElement[]>();
  let skipped = 0;
  const keys = v.keys;
  const values = v.values;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const path = pathOf(values[i]);
    if (typeof k !== 'string' || path === undefined) {
      skipped++;
      continue;
    }
    out.set(k, path);
  }
  if (skipped > 0) {
    diagnostics.push({ severity: 'warning', message: `planner_data has ${skipped} entries that are not paths of str/int; those keys are shown flat`, file: METADATA_FILE });
  }
  return out;
}

/** A non-empty tuple/list of str and int as a path; undefined otherwise. */
function pathOf(p: PyValue | undefined): PathElement[] | undefined {
  const items = sequenceItems(p);
  if (items === undefined || items.length === 0) return undefined;
  const path = new Array<PathElement>(items.length);
  for (let i = 0; i < items.length; i++) {
    const e = items[i];
    const el = typeof e === 'string' ? e : asSafeInt(e);
    if (el === undefined) return undefined;
    path[i] = el;
  }
  return path;
}

function parseStorageMeta(v: PyValue | undefined): DcpStorageMetaInfo | null {
  if (!instanceOf(v, 'StorageMeta')) return null;
  const id = v.field('checkpoint_id');
  return {
    checkpointId: typeof id === 'string' ? id : null,
    saveId: optionalString(v.field('save_id')),
    loadId: optionalString(v.field('load_id')),
  };
}

/**
 * Reads `.metadata`: first with the direct reader for torch's layout (metadata-fast.ts), else with
 * the pickle machine. `fastPaths: false` takes the machine, opcode by opcode (tests compare them).
 */
export function parseDcpMetadata(bytes: Uint8Array, limits?: Partial<PickleLimits>, opts: { readonly fastPaths?: boolean } = {}): DcpMetadata {
  if (opts.fastPaths !== false) {
    const fast = readTorchMetadata(bytes, limits);
    if (fast !== undefined) return fast;
  }
  let result;
  try {
    result = unpickle(bytes, { resolvers: METADATA_ALLOW_LIST, ...(limits === undefined ? {} : { limits }) });
  } catch (e) {
    if (e instanceof FormatError) throw e.inFile(METADATA_FILE);
    throw e;
  }
  const root = result.value;
  if (!instanceOf(root, 'Metadata')) throw corrupt(`.metadata: the top-level value is ${rootWhat(root)}, not a DCP Metadata object`);
  if (!(root.state instanceof PyDict)) throw corrupt(`Metadata state is ${what(root.state)}, not a field dict`);
  const diagnostics: Diagnostic[] = [];
  const extraFields: string[] = [];
  for (const k of root.state.keys) if (typeof k !== 'string' || !KNOWN_FIELDS.has(k)) extraFields.push(String(k));
  if (result.opaqueGlobals.length > 0) {
    diagnostics.push({
      severity: 'warning',
      message: `.metadata names globals Shardscope does not interpret (${result.opaqueGlobals.join(', ')}); they were kept inert`,
      file: METADATA_FILE,
    });
  }
  const version = root.field('version');
  const stateDict = parseStateDict(root.field('state_dict_metadata'));
  const stateKeys = [...stateDict.keys()];
  const storageIndex = parseStorage(root.field('storage_data'), stateKeys, diagnostics);
  let storage: Map<string, DcpStorageInfo> | undefined;
  return {
    protocol: result.protocol,
    version: typeof version === 'string' ? version : null,
    stateDict,
    stateKeys,
    stateMetas: [...stateDict.values()],
    storageIndex,
    get storage() {
      return (storage ??= storageIndex.toMap());
    },
    plannerData: parsePlannerData(root.field('planner_data'), diagnostics),
    storageMeta: parseStorageMeta(root.field('storage_meta')),
    extraFields,
    opaqueGlobals: result.opaqueGlobals,
    diagnostics,
  };
}
