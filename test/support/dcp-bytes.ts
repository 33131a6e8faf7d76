// Builds whole DCP folders inside a test: a `.metadata` pickle laid out as torch writes it
// (formats.md 2.2) and `.distcp` files of torch.save items, with hooks for what torch would never
// write (a `../` relative_path, any offset or length, transforms). Built on test/support/bytes.ts.

import { type Py, ByteBuf, itemsizeOf, pattern, pickle, py, torchSaveObject, torchSaveTensor, zstdRawFrame } from './bytes';

const MD = 'torch.distributed.checkpoint.metadata';
const FS = 'torch.distributed.checkpoint.filesystem';
const torchSize = (dims: readonly number[]): Py => py.reduce(py.global('torch', 'Size'), py.tuple(...dims));

export interface DcpStorageSpec {
  /** Chunk offsets for a tensor chunk; null for a bytes item. */
  readonly offsets: readonly number[] | null;
  readonly relativePath: string;
  readonly offset: number | bigint;
  readonly length: number | bigint;
  readonly transforms?: readonly string[];
}

export type DcpMetaSpec =
  | { readonly kind: 'tensor'; readonly key: string; readonly dtype: string; readonly shape: readonly number[]; readonly chunks: ReadonlyArray<{ offsets: readonly number[]; sizes: readonly number[] }> }
  | { readonly kind: 'bytes'; readonly key: string };

/** A `.metadata` pickle laid out as torch writes it (formats.md 2.2), protocol 4 with one FRAME. */
export function dcpMetadata(
  entries: ReadonlyArray<{ meta: DcpMetaSpec; storage: readonly DcpStorageSpec[]; path?: ReadonlyArray<string | number> }>,
  /** `plannerOrder`: the entries' order in planner_data (default: state_dict's, as torch writes it). */
  opts: { readonly cpython?: boolean; readonly plannerOrder?: readonly number[]; readonly freshKeys?: boolean } = {},
): Uint8Array {
  // freshKeys: each state_dict key its own str (as torch's are), even when it repeats an earlier one.
  const keyOf = (k: string): Py => (opts.freshKeys === true ? py.fresh(k) : k);
  const stateDict = entries.map(({ meta }): [Py, Py] => {
    if (meta.kind === 'bytes') return [keyOf(meta.key), py.obj(py.global(MD, 'BytesStorageMetadata'))];
    const props = py.obj(
      py.global(MD, 'TensorProperties'),
      py.tuple(py.global('torch', meta.dtype), py.reduce(py.global('torch.serialization', '_get_layout'), 'torch.strided'), false, py.reduce(py.global(MD, '_MEM_FORMAT_ENCODING'), 0), false),
    );
    const chunks = meta.chunks.map((c) => py.obj(py.global(MD, 'ChunkStorageMetadata'), py.dict(['offsets', torchSize(c.offsets)], ['sizes', torchSize(c.sizes)])));
    return [keyOf(meta.key), py.obj(py.global(MD, 'TensorStorageMetadata'), py.dict(['properties', props], ['size', torchSize(meta.shape)], ['chunks', py.list(...chunks)]))];
  });
  const storage: Array<[Py, Py]> = [];
  for (const { meta, storage: items } of entries) {
    items.forEach((s, i) => {
      const index = s.offsets === null ? py.dict(['fqn', meta.key], ['index', null]) : py.dict(['fqn', meta.key], ['offset', torchSize(s.offsets)], ['index', i]);
      const info: Array<[Py, Py]> = [['relative_path', s.relativePath], ['offset', s.offset], ['length', s.length]];
      if (s.transforms !== undefined) info.push(['transform_descriptors', py.list(...s.transforms)]);
      storage.push([py.obj(py.global(MD, 'MetadataIndex'), index), py.obj(py.global(FS, '_StorageInfo'), py.dict(...info))]);
    });
  }
  const planner = (opts.plannerOrder ?? entries.map((_, i) => i)).map((i): [Py, Py] => {
    const { meta, path } = entries[i]!;
    return [meta.key, py.tuple(...(path ?? [meta.key]))];
  });
  return pickle(
    py.obj(
      py.global(MD, 'Metadata'),
      py.dict(['state_dict_metadata', py.dict(...stateDict)], ['planner_data', py.dict(...planner)], ['storage_data', py.dict(...storage)], ['storage_meta', null], ['version', '1.0.0']),
    ),
    { protocol: 4, cpython: opts.cpython === true },
  );
}

export type DcpEntrySpec =
  | {
      readonly kind: 'tensor';
      readonly key: string;
      readonly dtype: string;
      readonly shape: readonly number[];
      /** Chunk boxes; default one chunk covering the tensor. Each item holds a counting pattern. */
      readonly chunks?: ReadonlyArray<{ offsets: readonly number[]; sizes: readonly number[] }>;
      readonly path?: ReadonlyArray<string | number>;
    }
  | { readonly kind: 'object'; readonly key: string; readonly dataPkl: Uint8Array; readonly path?: ReadonlyArray<string | number> };

export interface DcpBuildOptions {
  /** The .distcp every item goes into (default `__0_0.distcp`). */
  readonly file?: string;
  /** The relative_path written in .metadata (default: `file`) — hostile tests put `../x` here. */
  readonly relativePath?: (key: string) => string;
  /** Wrap every item in a zstd frame (raw blocks) and mark it `stream.zstd/1`. */
  readonly zstd?: boolean;
  /** transform_descriptors to write (default: `stream.zstd/1` with `zstd`, none without). */
  readonly transforms?: readonly string[];
  /** Replace an item's torch.save zip before it is (maybe) compressed. */
  readonly mutateItem?: (key: string, item: Uint8Array) => Uint8Array;
  /** Replace an item's bytes as stored in the file (after compression). */
  readonly mutateStored?: (key: string, stored: Uint8Array) => Uint8Array;
  /** Replace what .metadata says about an item (offset, length, path). */
  readonly mutateStorage?: (s: DcpStorageSpec, key: string) => DcpStorageSpec;
}

/** A whole DCP folder, name → bytes: `.metadata` and one `.distcp` holding every item back to back. */
export function buildDcp(entries: readonly DcpEntrySpec[], opts: DcpBuildOptions = {}): Map<string, Uint8Array> {
  const file = opts.file ?? '__0_0.distcp';
  const items = new ByteBuf();
  const transforms = opts.transforms ?? (opts.zstd ? ['stream.zstd/1'] : undefined);
  const storage = (key: string, offsets: readonly number[] | null, zip: Uint8Array): DcpStorageSpec => {
    const item = opts.mutateItem?.(key, zip) ?? zip;
    const packed = opts.zstd ? zstdRawFrame(item) : item;
    const stored = opts.mutateStored?.(key, packed) ?? packed;
    const spec: DcpStorageSpec = {
      offsets,
      relativePath: opts.relativePath?.(key) ?? file,
      offset: items.length,
      length: stored.length,
      ...(transforms ? { transforms } : {}),
    };
    items.push(stored);
    return opts.mutateStorage?.(spec, key) ?? spec;
  };
  const md = entries.map((e) => {
    const path = e.path === undefined ? {} : { path: e.path };
    if (e.kind === 'object') return { meta: { kind: 'bytes' as const, key: e.key }, storage: [storage(e.key, null, torchSaveObject(e.dataPkl))], ...path };
    const chunks = e.chunks ?? [{ offsets: e.shape.map(() => 0), sizes: [...e.shape] }];
    const st = chunks.map((c, i) => {
      const bytes = c.sizes.reduce((a, b) => a * b, 1) * itemsizeOf(e.dtype);
      return storage(e.key, c.offsets, torchSaveTensor(e.dtype, c.sizes, pattern(bytes, i)));
    });
    return { meta: { kind: 'tensor' as const, key: e.key, dtype: e.dtype, shape: e.shape, chunks }, storage: st, ...path };
  });
  return new Map([['.metadata', dcpMetadata(md)], [file, items.bytes()]]);
}
