// The `.metadata` allow-list (formats.md 2.2 and 9) and the torch dtype table (2.3).
// Module paths cover torch ≥ 2.3 (`torch.distributed.checkpoint.metadata`), 2.0–2.2
// (`TensorProperties` / `MEM_FORMAT_ENCODING` from `torch.distributed._shard.sharded_tensor.metadata`)
// and 1.13 (`torch.distributed._shard.checkpoint.*`); pathlib classes from Python ≤ 3.12
// (`pathlib`) and 3.13+ (`pathlib._local`); enums pickled by value (`REDUCE(cls, (0,))`) or, from
// Python 3.12 on, by name (`REDUCE(builtins.getattr, (cls, 'TORCH_CONTIGUOUS_FORMAT'))`).

import type { DType } from '../../../shared/model/dtype';
import {
  DATACLASS,
  defineAllowList,
  type GlobalResolvers,
  ORDERED_DICT,
  valueGlobal,
} from '../pickle/globals';
import { AllowedGlobal, type GlobalHandler, PyInstance, PyList, PyTuple } from '../pickle/values';
import { CHUNK_STORAGE, METADATA_INDEX, STORAGE_INFO, TENSOR_STORAGE } from './metadata-records';

/** torch dtype global name → Shardscope DType, for the dtypes Shardscope can hold. */
export const TORCH_DTYPES: Readonly<Record<string, DType>> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  bfloat16: 'bfloat16',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
  float8_e4m3fn: 'float8_e4m3fn',
  float8_e5m2: 'float8_e5m2',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  complex64: 'complex64',
};

/** torch dtypes that are valid in a checkpoint but that Shardscope cannot hold as tensors. */
export const OTHER_TORCH_DTYPES = [
  'complex128', 'complex32', 'float8_e4m3fnuz', 'float8_e5m2fnuz', 'float8_e8m0fnu', 'float4_e2m1fn_x2',
  'qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'bits1x8', 'bits2x4', 'bits4x2', 'bits8', 'bits16',
  'int1', 'int2', 'int3', 'int4', 'int5', 'int6', 'int7', 'uint1', 'uint2', 'uint3', 'uint4', 'uint5', 'uint6', 'uint7',
] as const;

/** A dtype global used as a value: its `name` is the torch dtype name. */
export const DTYPE_GLOBAL: GlobalHandler = valueGlobal('dtype');

export function dtypeGlobals(): Array<[string, GlobalHandler]> {
  return [...Object.keys(TORCH_DTYPES), ...OTHER_TORCH_DTYPES].map((n) => [`torch ${n}`, DTYPE_GLOBAL]);
}

/** `torch.Size((d0, d1, …))` → the tuple itself (a list is copied: a Size is immutable). */
export const TORCH_SIZE: GlobalHandler = {
  reduce: (_self, args) => {
    const [dims] = args;
    if (args.length !== 1) return undefined;
    if (dims instanceof PyTuple) return dims;
    if (dims instanceof PyList) return new PyTuple([...dims.items]);
    return undefined;
  },
  typeName: 'type',
};

/** An enum class: `cls(value)` or `getattr(cls, name)` gives a member that keeps what named it. */
const ENUM: GlobalHandler = {
  reduce: (self, args) => (args.length === 1 ? new PyInstance(self, args) : undefined),
  typeName: 'EnumType',
};

/** `getattr(cls, 'MEMBER')`, allowed only on allow-listed enum classes. */
const GETATTR_ENUM_MEMBER: GlobalHandler = {
  reduce: (_self, args) => {
    const [cls, name] = args;
    if (args.length === 2 && cls instanceof AllowedGlobal && cls.handler === ENUM && typeof name === 'string') {
      return new PyInstance(cls, [name]);
    }
    return undefined;
  },
  typeName: 'builtin_function_or_method',
};

/** `torch.serialization._get_layout('torch.strided')` → the layout's name. */
const GET_LAYOUT: GlobalHandler = {
  reduce: (_self, args) => (args.length === 1 && typeof args[0] === 'string' ? args[0] : undefined),
  typeName: 'function',
};

/** `PosixPath('/a/b')` or `PosixPath('/', 'a', 'b')` → the path as one string (display only). */
function pathHandler(windows: boolean): GlobalHandler {
  return {
    reduce: (_self, args) => {
      if (!args.every((a): a is string => typeof a === 'string')) return undefined;
      const sep = windows ? '\\' : '/';
      let out = '';
      for (const part of args) out = out === '' || out.endsWith('/') || out.endsWith('\\') ? out + part : out + sep + part;
      return out;
    },
    typeName: 'type',
  };
}

const METADATA_MODULES = ['torch.distributed.checkpoint.metadata', 'torch.distributed._shard.checkpoint.metadata'];
/** Classes with one instance per key or per chunk fold their state into records (metadata-records.ts). */
const METADATA_CLASSES: ReadonlyArray<[string, GlobalHandler]> = [
  ['Metadata', DATACLASS],
  ['TensorStorageMetadata', TENSOR_STORAGE],
  ['ChunkStorageMetadata', CHUNK_STORAGE],
  ['BytesStorageMetadata', DATACLASS],
  ['MetadataIndex', METADATA_INDEX],
  ['StorageMeta', DATACLASS],
  ['TensorProperties', DATACLASS],
];
const FILESYSTEM_MODULES = ['torch.distributed.checkpoint.filesystem', 'torch.distributed._shard.checkpoint.filesystem'];

function metadataClasses(): Array<[string, GlobalHandler]> {
  const out: Array<[string, GlobalHandler]> = [];
  for (const m of METADATA_MODULES) for (const [c, handler] of METADATA_CLASSES) out.push([`${m} ${c}`, handler]);
  for (const m of FILESYSTEM_MODULES) out.push([`${m} _StorageInfo`, STORAGE_INFO]);
  out.push(['torch.distributed._shard.sharded_tensor.metadata TensorProperties', DATACLASS]);
  out.push(['torch.distributed.checkpoint.metadata _MEM_FORMAT_ENCODING', ENUM]);
  out.push(['torch.distributed._shard.checkpoint.metadata _MEM_FORMAT_ENCODING', ENUM]);
  out.push(['torch.distributed._shard.sharded_tensor.metadata MEM_FORMAT_ENCODING', ENUM]);
  return out;
}

function pathClasses(): Array<[string, GlobalHandler]> {
  const out: Array<[string, GlobalHandler]> = [];
  for (const m of ['pathlib', 'pathlib._local']) {
    for (const c of ['PosixPath', 'PurePosixPath', 'Path']) out.push([`${m} ${c}`, pathHandler(false)]);
    for (const c of ['WindowsPath', 'PureWindowsPath']) out.push([`${m} ${c}`, pathHandler(true)]);
  }
  return out;
}

export const METADATA_ALLOW_LIST: GlobalResolvers = defineAllowList(
  metadataClasses(),
  pathClasses(),
  dtypeGlobals(),
  [
    ['torch Size', TORCH_SIZE],
    ['torch.serialization _get_layout', GET_LAYOUT],
    ['torch strided', valueGlobal('layout')],
    ['torch sparse_coo', valueGlobal('layout')],
    ['builtins getattr', GETATTR_ENUM_MEMBER],
    ['collections OrderedDict', ORDERED_DICT],
  ],
);
