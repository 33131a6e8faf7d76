// Writes DCP `.metadata` pickles inside tests, in the layouts older torch versions produce:
// module paths of torch ≥ 2.3 / 2.0–2.2 / 1.13, protocol 2 (text GLOBAL) or 4/5 (STACK_GLOBAL,
// FRAMEs), enums by value or by getattr, with or without version / storage_meta / planner_data.
// Together with real items copied from a fixture, this lets tests read "other writers' files".
import { dict, float, g, list, obj, reduce, tuple, type W, writePickle } from '../pickle/pickle-writer';

export interface MdChunk {
  offsets: number[];
  sizes: number[];
  file: string;
  offset: number | bigint;
  length: number | bigint;
  transforms?: string[];
}

export type MdEntry =
  | { kind: 'tensor'; key: string; dtype: string; size: number[]; chunks: MdChunk[] }
  | { kind: 'bytes'; key: string; file: string; offset: number | bigint; length: number | bigint; transforms?: string[] };

export interface MdOptions {
  protocol?: 2 | 4 | 5;
  frameSize?: number;
  style?: 'modern' | 'pre23' | 'v113';
  enumStyle?: 'value' | 'getattr';
  /** null = field absent (older writers). */
  version?: string | null;
  /** How storage_meta.checkpoint_id is pickled; null = no storage_meta field. */
  storageMeta?: 'str' | 'parts' | 'local' | null;
  /** Explicit planner paths; undefined = `(key,)` for every key; null = no planner_data field. */
  planner?: Record<string, Array<string | number>> | null;
  /** An unknown extra Metadata field (e.g. Megatron's mcore_data). */
  extraField?: boolean;
  /** Its value, when not the default plain dict. */
  extraValue?: W;
}

export function writeMetadata(entries: MdEntry[], o: MdOptions = {}): Uint8Array {
  const style = o.style ?? 'modern';
  const md = style === 'v113' ? 'torch.distributed._shard.checkpoint.metadata' : 'torch.distributed.checkpoint.metadata';
  const fs = style === 'v113' ? 'torch.distributed._shard.checkpoint.filesystem' : 'torch.distributed.checkpoint.filesystem';
  const propsModule = style === 'modern' ? md : 'torch.distributed._shard.sharded_tensor.metadata';
  const enumCls = style === 'modern' ? g(md, '_MEM_FORMAT_ENCODING') : g(propsModule, 'MEM_FORMAT_ENCODING');
  const builtins = (o.protocol ?? 4) < 3 ? '__builtin__' : 'builtins';
  const enumMember = o.enumStyle === 'getattr' ? reduce(g(builtins, 'getattr'), enumCls, 'TORCH_CONTIGUOUS_FORMAT') : reduce(enumCls, 0);
  const size = (dims: number[]): W => reduce(g('torch', 'Size'), tuple(...dims));
  const storageInfo = (file: string, offset: number | bigint, length: number | bigint, transforms?: string[]): W => {
    const fields: Array<[W, W]> = [['relative_path', file], ['offset', offset], ['length', length]];
    if (transforms !== undefined) fields.push(['transform_descriptors', list(...transforms)]);
    return obj(g(fs, '_StorageInfo'), dict(...fields));
  };
  const index = (fqn: string, offsets: number[] | null, i: number | null): W =>
    obj(g(md, 'MetadataIndex'), dict(...((offsets === null ? [['fqn', fqn], ['index', null]] : [['fqn', fqn], ['offset', size(offsets)], ['index', i]]) as Array<[W, W]>)));

  const sdm: Array<[W, W]> = [];
  const storage: Array<[W, W]> = [];
  for (const e of entries) {
    if (e.kind === 'bytes') {
      sdm.push([e.key, obj(g(md, 'BytesStorageMetadata'))]);
      storage.push([index(e.key, null, null), storageInfo(e.file, e.offset, e.length, e.transforms)]);
      continue;
    }
    const props = obj(g(propsModule, 'TensorProperties'), tuple(g('torch', e.dtype), reduce(g('torch.serialization', '_get_layout'), 'torch.strided'), false, enumMember, false));
    const chunks = e.chunks.map((c) => obj(g(md, 'ChunkStorageMetadata'), dict(['offsets', size(c.offsets)], ['sizes', size(c.sizes)])));
    sdm.push([e.key, obj(g(md, 'TensorStorageMetadata'), dict(['properties', props], ['size', size(e.size)], ['chunks', list(...chunks)]))]);
    e.chunks.forEach((c, i) => storage.push([index(e.key, c.offsets, i), storageInfo(c.file, c.offset, c.length, c.transforms)]));
  }
  const fields: Array<[W, W]> = [['state_dict_metadata', { t: 'dict', entries: sdm }]];
  if (o.planner !== null) {
    const paths = o.planner ?? Object.fromEntries(entries.map((e) => [e.key, [e.key]]));
    fields.push(['planner_data', { t: 'dict', entries: Object.entries(paths).map(([k, p]): [W, W] => [k, tuple(...p)]) }]);
  }
  fields.push(['storage_data', { t: 'dict', entries: storage }]);
  if (o.storageMeta !== null && o.storageMeta !== undefined) {
    const id = o.storageMeta === 'parts' ? reduce(g('pathlib', 'PosixPath'), '/', 'ckpt', 'step-1')
      : o.storageMeta === 'local' ? reduce(g('pathlib._local', 'PosixPath'), '/ckpt/step-1')
      : '/ckpt/step-1';
    fields.push(['storage_meta', obj(g(md, 'StorageMeta'), dict(['checkpoint_id', id], ['save_id', 'uuid-1'], ['load_id', null], ['modules', list()]))]);
  }
  if (o.version !== null) fields.push(['version', o.version ?? '1.0.0']);
  if (o.extraField === true) fields.push(['mcore_data', o.extraValue ?? dict(['sharded', true], ['ratio', float(0.5)])]);
  return writePickle(obj(g(md, 'Metadata'), dict(...fields)), {
    protocol: o.protocol ?? 4,
    ...(o.frameSize === undefined ? {} : { frameSize: o.frameSize }),
  });
}
