// The per-chunk DCP dataclasses fold into records (metadata-records.ts) only when that loses
// nothing: states in other layouts take the field-by-field path and give the same metadata.
import { describe, expect, it } from 'vitest';
import { type DcpMetadata, parseDcpMetadata } from '../../../../electron/formats/dcp/metadata';
import { chunkRecord, indexRecord, storageInfoRecord, tensorRecord } from '../../../../electron/formats/dcp/metadata-records';
import { METADATA_ALLOW_LIST } from '../../../../electron/formats/dcp/metadata-globals';
import { unpickle } from '../../../../electron/formats/pickle/machine';
import { pyRepr } from '../../../../electron/formats/pickle/repr';
import { type PyDict, type PyInstance, PyList, type PyValue } from '../../../../electron/formats/pickle/values';
import { dict, g, list, obj, reduce, tuple, type W, writePickle } from '../pickle/pickle-writer';

const MD = 'torch.distributed.checkpoint.metadata';
const FS = 'torch.distributed.checkpoint.filesystem';
const size = (...d: number[]): W => reduce(g('torch', 'Size'), tuple(...d));
const props = obj(g(MD, 'TensorProperties'), tuple(g('torch', 'float32'), reduce(g('torch.serialization', '_get_layout'), 'torch.strided'), false, reduce(g(MD, '_MEM_FORMAT_ENCODING'), 0), false));

/** Two tensors of two chunks each; `odd` writes every dataclass state in a layout torch does not. */
function metadata(odd: boolean): Uint8Array {
  const chunk = (o: number): W =>
    obj(g(MD, 'ChunkStorageMetadata'), odd ? dict(['sizes', size(2, 3)], ['offsets', size(o, 0)]) : dict(['offsets', size(o, 0)], ['sizes', size(2, 3)]));
  const tensor = (): W =>
    obj(g(MD, 'TensorStorageMetadata'), odd ? dict(['chunks', list(chunk(0), chunk(2))], ['size', size(4, 3)], ['properties', props], ['note', 1]) : dict(['properties', props], ['size', size(4, 3)], ['chunks', list(chunk(0), chunk(2))]));
  const index = (fqn: string, o: number, i: number): W =>
    obj(g(MD, 'MetadataIndex'), odd ? dict(['fqn', fqn], ['offset', reduce(g('torch', 'Size'), list(o, 0))], ['index', i], ['extra', null]) : dict(['fqn', fqn], ['index', i], ['offset', size(o, 0)]));
  const info = (at: number): W =>
    obj(g(FS, '_StorageInfo'), odd ? dict(['offset', at], ['relative_path', '__0_0.distcp'], ['length', 100]) : dict(['relative_path', '__0_0.distcp'], ['offset', at], ['length', 100], ['transform_descriptors', null]));
  const storage: Array<[W, W]> = [];
  let at = 0;
  for (const key of ['a', 'b']) for (const [i, o] of [0, 2].entries()) storage.push([index(key, o, i), info((at += 100))]);
  return writePickle(
    obj(g(MD, 'Metadata'), dict(['state_dict_metadata', dict(['a', tensor()], ['b', tensor()])], ['planner_data', dict(['a', tuple('a')], ['b', tuple('b')])], ['storage_data', { t: 'dict', entries: storage }])),
  );
}

const plain = (md: DcpMetadata): unknown => ({ stateDict: [...md.stateDict], storage: [...md.storage], plannerData: md.plannerData === null ? null : [...md.plannerData], diagnostics: md.diagnostics });

describe('DCP dataclass records', () => {
  it('torch layouts fold; other layouts do not; both give the same metadata', () => {
    const folded = unpickle(metadata(false), { resolvers: METADATA_ALLOW_LIST }).value as PyInstance;
    const unfolded = unpickle(metadata(true), { resolvers: METADATA_ALLOW_LIST }).value as PyInstance;
    const parts = (root: PyInstance): PyValue[] => {
      const sd = (root.field('state_dict_metadata') as PyDict).values[0] as PyInstance;
      const storage = root.field('storage_data') as PyDict;
      const chunks = (sd.folded as { chunks: PyList } | undefined)?.chunks ?? (sd.field('chunks') as PyList);
      return [sd, chunks.items[0] as PyValue, storage.keys[0] as PyValue, storage.values[0] as PyValue];
    };
    const [t1, c1, i1, s1] = parts(folded);
    const [t2, c2, i2, s2] = parts(unfolded);
    expect([tensorRecord(t1), chunkRecord(c1), indexRecord(i1), storageInfoRecord(s1)].every((r) => r !== undefined)).toBe(true);
    expect([tensorRecord(t2), chunkRecord(c2), indexRecord(i2), storageInfoRecord(s2)].every((r) => r === undefined)).toBe(true);
    expect(plain(parseDcpMetadata(metadata(true)))).toEqual(plain(parseDcpMetadata(metadata(false))));
  });

  it('a folded instance reads back as the dict torch wrote', () => {
    const root = unpickle(metadata(false), { resolvers: METADATA_ALLOW_LIST }).value as PyInstance;
    const storage = root.field('storage_data') as PyDict;
    expect(pyRepr(storage.keys[0] as PyValue)).toBe("<torch.distributed.checkpoint.metadata.MetadataIndex state={'fqn': 'a', 'index': 0, 'offset': (0, 0)}>");
    expect(pyRepr(storage.values[0] as PyValue)).toBe("<torch.distributed.checkpoint.filesystem._StorageInfo state={'relative_path': '__0_0.distcp', 'offset': 100, 'length': 100, 'transform_descriptors': None}>");
    const sd = (root.field('state_dict_metadata') as PyDict).values[0] as PyInstance;
    expect(pyRepr(sd)).toMatch(/^<torch\.distributed\.checkpoint\.metadata\.TensorStorageMetadata state=\{'properties': /);
  });

  it('storage records are the DcpStorageInfo values, equal to plain ones', () => {
    const md = parseDcpMetadata(metadata(false));
    expect([...md.storage.values()][0]).toEqual({ kind: 'torch-item', file: '__0_0.distcp', offset: 100, length: 100, transforms: [] });
    expect(md.stateDict.get('a')).toEqual({ kind: 'tensor', dtype: 'float32', dtypeName: 'float32', size: [4, 3], chunks: [{ offsets: [0, 0], sizes: [2, 3] }, { offsets: [2, 0], sizes: [2, 3] }] });
  });
});
