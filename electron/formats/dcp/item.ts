// What is inside one DCP item (formats.md section 3): a torch.save zip whose data.pkl either
// rebuilds one tensor from storage `data/<key>` (tensor items) or pickles a Python value (bytes
// items). Each kind unpickles under its own allow-list (section 9); a bytes item that reaches for
// anything else (`posix.system`, `builtins.eval`) is reported as unsafe and nothing runs.
// Rebuild functions: torch/_utils.py `_rebuild_tensor_v2(storage, storage_offset, size, stride,
// requires_grad, backward_hooks[, metadata])` and `_rebuild_tensor_v3(…, backward_hooks, dtype
// [, metadata])`; persistent ids: torch/serialization.py `_save` → ('storage', storage_type, key,
// location, numel), numel in elements for typed storages and in bytes for UntypedStorage.

import { FormatError } from '../../../shared/errors';
import type { DType } from '../../../shared/model/dtype';
import { MemorySource } from '../../io/memory-source';
import {
  BUILTIN_BYTES,
  BUILTIN_FROZENSET,
  BUILTIN_SET,
  CODECS_ENCODE_LATIN1,
  defineAllowList,
  type GlobalResolvers,
  ORDERED_DICT,
} from '../pickle/globals';
import { unpickle } from '../pickle/machine';
import { AllowedGlobal, asSafeInt, type GlobalHandler, HostValue, PyTuple, type PyValue, sequenceItems } from '../pickle/values';
import { TorchZip } from '../torchzip/records';
import { DTYPE_GLOBAL, dtypeGlobals, TORCH_DTYPES } from './metadata-globals';
import { MAX_BYTES_ITEM_BYTES, MAX_TENSOR_PICKLE_BYTES } from './limits';

/** A storage named by a persistent id. */
export interface StorageRef {
  /** Record `data/<key>` of the item. */
  readonly key: string;
  /** Element type of a typed (legacy) storage; null for UntypedStorage (bytes). */
  readonly dtypeName: string | null;
  readonly numel: number;
  readonly location: string;
}

export interface TensorRebuild {
  readonly dtype: DType | null;
  readonly dtypeName: string;
  readonly size: readonly number[];
  readonly stride: readonly number[];
  readonly storageOffset: number;
  readonly storage: StorageRef;
}

/** Legacy typed storage classes (formats.md 2.3) → torch dtype name. */
const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  ShortStorage: 'int16',
  IntStorage: 'int32',
  LongStorage: 'int64',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
};

const STORAGE_CLASS: GlobalHandler = { typeName: 'type' };

function nonNegative(v: PyValue | undefined, what: string): number {
  const n = asSafeInt(v);
  if (n === undefined || n < 0) throw new FormatError('CORRUPT', `tensor data.pkl: ${what} is not a non-negative int`);
  return n;
}

function intList(v: PyValue | undefined, what: string): number[] {
  const items = sequenceItems(v);
  if (items === undefined) throw new FormatError('CORRUPT', `tensor data.pkl: ${what} is not a tuple of ints`);
  return items.map((x) => nonNegative(x, what));
}

function rebuild(args: readonly PyValue[], explicitDtype: PyValue | undefined): HostValue<TensorRebuild> {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof HostValue) || storage.tag !== 'storage') throw new FormatError('CORRUPT', 'tensor data.pkl: first argument is not a storage');
  const ref = storage.data as StorageRef;
  let dtypeName: string | null;
  if (explicitDtype !== undefined) {
    if (!(explicitDtype instanceof AllowedGlobal) || explicitDtype.handler !== DTYPE_GLOBAL) throw new FormatError('CORRUPT', 'tensor data.pkl: _rebuild_tensor_v3 dtype is not a torch dtype');
    dtypeName = explicitDtype.name;
  } else {
    dtypeName = ref.dtypeName;
    if (dtypeName === null) throw new FormatError('CORRUPT', 'tensor data.pkl: _rebuild_tensor_v2 on an untyped storage names no dtype');
  }
  const sizes = intList(size, 'size');
  const strides = intList(stride, 'stride');
  if (sizes.length !== strides.length) throw new FormatError('CORRUPT', `tensor data.pkl: ${sizes.length} sizes but ${strides.length} strides`);
  return new HostValue('tensor', {
    dtype: TORCH_DTYPES[dtypeName] ?? null,
    dtypeName,
    size: sizes,
    stride: strides,
    storageOffset: nonNegative(offset, 'storage_offset'),
    storage: ref,
  });
}

const REBUILD_V2: GlobalHandler = {
  // 6 args, or 7 with a trailing metadata dict (unverified variant, accepted).
  reduce: (_self, args) => (args.length === 6 || args.length === 7 ? rebuild(args, undefined) : undefined),
  typeName: 'function',
};

const REBUILD_V3: GlobalHandler = {
  reduce: (_self, args) => (args.length === 7 || args.length === 8 ? rebuild(args, args[6]) : undefined),
  typeName: 'function',
};

export const TENSOR_ITEM_ALLOW_LIST: GlobalResolvers = defineAllowList(
  dtypeGlobals(),
  Object.keys(STORAGE_DTYPES).map((n): [string, GlobalHandler] => [`torch ${n}`, STORAGE_CLASS]),
  [
    ['torch._utils _rebuild_tensor_v2', REBUILD_V2],
    ['torch._utils _rebuild_tensor_v3', REBUILD_V3],
    ['torch.storage UntypedStorage', STORAGE_CLASS],
    ['torch UntypedStorage', STORAGE_CLASS],
    ['collections OrderedDict', ORDERED_DICT],
  ],
);

/** persistent_load for tensor items: ('storage', storage_type, key, location, numel). */
function loadStorage(pid: PyValue): PyValue {
  const items = pid instanceof PyTuple ? pid.items : undefined;
  const [tag, cls, key, location, numel] = items ?? [];
  if (items?.length !== 5 || tag !== 'storage' || typeof key !== 'string' || typeof location !== 'string' || !(cls instanceof AllowedGlobal) || cls.handler !== STORAGE_CLASS) {
    throw new FormatError('CORRUPT', 'tensor data.pkl has a persistent id that is not (\'storage\', <storage class>, key, location, numel)');
  }
  const ref: StorageRef = { key, dtypeName: STORAGE_DTYPES[cls.name] ?? null, numel: nonNegative(numel, 'storage numel'), location };
  return new HostValue('storage', ref);
}

/** Unpickles a tensor item's data.pkl. CORRUPT unless it rebuilds exactly one tensor. */
export function parseTensorPickle(bytes: Uint8Array): TensorRebuild {
  const r = unpickle(bytes, { resolvers: TENSOR_ITEM_ALLOW_LIST, persistentLoad: loadStorage });
  if (r.value instanceof HostValue && r.value.tag === 'tensor') return r.value.data as TensorRebuild;
  const reached = r.opaqueGlobals.length > 0 ? ` (it calls ${r.opaqueGlobals.join(', ')})` : '';
  throw new FormatError('CORRUPT', `tensor item's data.pkl does not rebuild a tensor${reached}`);
}

/** Bytes items: the value types torch.save writes with protocol 2 (formats.md 3.4 and 9). */
export const BYTES_ITEM_ALLOW_LIST: GlobalResolvers = defineAllowList([
  ['_codecs encode', CODECS_ENCODE_LATIN1],
  ['collections OrderedDict', ORDERED_DICT],
  ['builtins set', BUILTIN_SET],
  ['builtins frozenset', BUILTIN_FROZENSET],
  ['builtins bytes', BUILTIN_BYTES],
]);

export type BytesItemValue =
  | { readonly kind: 'value'; readonly value: PyValue; readonly opaqueGlobals: readonly string[]; readonly crcOk: boolean }
  /** Not a zip: a custom planner wrote raw bytes (formats.md 3.4). */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function startsWithZipMagic(b: Uint8Array): boolean {
  return ZIP_MAGIC.every((m, i) => b[i] === m);
}

/** Decodes a bytes item already in memory (transforms undone). */
export async function decodeBytesItem(item: Uint8Array, name: string): Promise<BytesItemValue> {
  if (!startsWithZipMagic(item)) return { kind: 'raw', bytes: item };
  const zip = await TorchZip.open(new MemorySource(name, item));
  const pkl = await zip.read('data.pkl', MAX_BYTES_ITEM_BYTES);
  // Persistent ids (a tensor inside a pickled object) stay inert: the value then shows as unsafe.
  const r = unpickle(pkl.bytes, { resolvers: BYTES_ITEM_ALLOW_LIST, persistentLoad: (pid) => new HostValue('persistent_id', pid) });
  return { kind: 'value', value: r.value, opaqueGlobals: r.opaqueGlobals, crcOk: pkl.crcOk };
}

/** Reads a small record of a tensor item whole (data.pkl, byteorder), with the tensor-pickle cap. */
export async function readSmallRecord(zip: TorchZip, name: string): Promise<{ bytes: Uint8Array; crcOk: boolean }> {
  return zip.read(name, MAX_TENSOR_PICKLE_BYTES);
}
