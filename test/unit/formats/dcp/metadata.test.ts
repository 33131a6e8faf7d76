import { describe, expect, it } from 'vitest';
import { parseDcpMetadata, storageKey } from '../../../../electron/formats/dcp/metadata';
import { readDcp } from '../../../../electron/formats/dcp/reader';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import type { ObjectEntry } from '../../../../shared/model/checkpoint';
import { expectedEntries, type ExpectedObject } from '../../../support/fixtures';
import { dict, g, obj, reduce, writePickle } from '../pickle/pickle-writer';
import { caseMetadata, readCase } from './fixture-items';
import { type MdEntry, type MdOptions, writeMetadata } from './metadata-writer';
import { failure } from '../../../support/outcome';


describe('parseDcpMetadata on fixtures', () => {
  it('maps every torch dtype global of the dtypes fixture', () => {
    const md = caseMetadata('dtypes');
    const want = expectedEntries('dtypes');
    for (const [key, meta] of md.stateDict) {
      expect(meta.kind).toBe('tensor');
      if (meta.kind === 'tensor') {
        expect(meta.dtype).toBe((want[key] as { dtype: string }).dtype);
        expect(meta.size).toEqual((want[key] as { shape: number[] }).shape);
      }
    }
    expect(md.version).toBe('1.0.0');
    expect(md.protocol).toBe(5);
    expect(md.storageMeta?.saveId).toMatch(/^[0-9a-f-]{36}$/);
    expect(md.storageMeta?.checkpointId).toMatch(/\/dtypes\/checkpoint$/);
  });

  it('keys storage by (fqn, chunk offsets), not by MetadataIndex.index (hsdp lists chunks unsorted)', () => {
    const md = caseMetadata('hsdp');
    let unsorted = 0;
    for (const [key, meta] of md.stateDict) {
      if (meta.kind !== 'tensor') continue;
      const starts = meta.chunks.map((c) => c.offsets[0] as number);
      if (starts.some((s, i) => i > 0 && s < (starts[i - 1] as number))) unsorted++;
      for (const c of meta.chunks) expect(md.storage.has(storageKey(key, c.offsets))).toBe(true);
    }
    expect(unsorted).toBeGreaterThan(0);
  });

  it('keys bytes items by fqn alone', () => {
    const md = caseMetadata('bytes_objects');
    expect(md.storage.get(storageKey('evil', null))).toEqual({ kind: 'torch-item', file: '__0_0.distcp', offset: 11349, length: 1325, transforms: [] });
  });
});

/** bytes_objects' entries, pointing at its real items, for re-writing its .metadata. */
function bytesObjectsEntries(): MdEntry[] {
  const md = caseMetadata('bytes_objects');
  return [...md.stateDict].map(([key, meta]): MdEntry => {
    if (meta.kind === 'bytes') {
      const s = md.storage.get(storageKey(key, null));
      if (s === undefined) throw new Error(key);
      return { kind: 'bytes', key, file: s.file, offset: s.offset, length: s.length };
    }
    return {
      kind: 'tensor',
      key,
      dtype: meta.dtypeName,
      size: [...meta.size],
      chunks: meta.chunks.map((c) => {
        const s = md.storage.get(storageKey(key, c.offsets));
        if (s === undefined) throw new Error(key);
        return { offsets: [...c.offsets], sizes: [...c.sizes], file: s.file, offset: s.offset, length: s.length };
      }),
    };
  });
}

function withMetadata(meta: Uint8Array): MemoryFolder {
  const files = readCase('bytes_objects');
  files.set('.metadata', meta);
  return new MemoryFolder(files);
}

describe('other writers: older torch, other protocols (formats.md 2.1–2.2)', () => {
  const variants: Array<[string, MdOptions]> = [
    ['torch 2.6 style: protocol 4, no version field', { protocol: 4, version: null, storageMeta: 'str' }],
    ['torch 2.0–2.2 modules, protocol 2, enum by getattr, path parts', { protocol: 2, style: 'pre23', enumStyle: 'getattr', storageMeta: 'parts', version: null }],
    ['torch 1.13 modules, no planner_data, no storage_meta', { protocol: 2, style: 'v113', planner: null, version: null }],
    ['protocol 5 with many FRAMEs, pathlib._local, an extra field', { protocol: 5, frameSize: 64, storageMeta: 'local', extraField: true }],
  ];
  it.each(variants)('%s', async (_name, opts) => {
    const bytes = writeMetadata(bytesObjectsEntries(), opts);
    const md = parseDcpMetadata(bytes);
    expect(md.protocol).toBe(opts.protocol);
    expect(md.version).toBe(opts.version === null ? null : '1.0.0');
    expect(md.opaqueGlobals).toEqual([]);
    expect(md.plannerData === null).toBe(opts.planner === null);
    if (opts.storageMeta) expect(md.storageMeta?.checkpointId).toBe('/ckpt/step-1');
    else expect(md.storageMeta).toBe(null);
    expect(md.extraFields).toEqual(opts.extraField ? ['mcore_data'] : []);

    const model = await readDcp(withMetadata(bytes));
    const want = expectedEntries('bytes_objects');
    expect(model.entries.map((e) => e.key).sort()).toEqual(Object.keys(want).sort());
    for (const e of model.entries) {
      expect(e.path).toEqual([e.key]);
      if (e.kind === 'object') {
        const w = want[e.key] as ExpectedObject;
        expect([e.pythonType, e.repr ?? e.global]).toEqual([w.python_type, w.repr ?? w.global]);
      } else {
        expect([e.dtype, e.shape]).toEqual(['float32', [2, 3]]);
      }
    }
    if (opts.version === null) expect(model.info.metadataVersion).toBeUndefined();
  });

  it('decodes LONG1 offsets past 2 GiB and refuses ones past 2^53', () => {
    const entry: MdEntry = { kind: 'tensor', key: 'w', dtype: 'float32', size: [4], chunks: [{ offsets: [0], sizes: [4], file: '__0_0.distcp', offset: 2n ** 31n + 5n, length: 5_000_000_000n }] };
    const md = parseDcpMetadata(writeMetadata([entry]));
    expect(md.storage.get(storageKey('w', [0]))).toMatchObject({ offset: 2 ** 31 + 5, length: 5_000_000_000 });
    const huge = { ...entry, chunks: [{ ...entry.chunks[0], offset: 2n ** 53n + 1n }] } as MdEntry;
    const e = failure(() => parseDcpMetadata(writeMetadata([huge])));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toBe('storage entry "w": offset 9007199254740993 is past 2^53');
    expect(e.file).toBe('.metadata');
  });

  it('keeps tensors of dtypes Shardscope cannot hold visible, as objects with a warning', async () => {
    const entries = bytesObjectsEntries().map((e) => (e.kind === 'tensor' ? { ...e, dtype: 'complex128' } : e));
    const model = await readDcp(withMetadata(writeMetadata(entries)));
    const w = model.entries.find((e) => e.key === 'weight') as ObjectEntry;
    expect(w).toMatchObject({ kind: 'object', pythonType: 'Tensor', repr: '<tensor of shape [2, 3], dtype torch.complex128>' });
    expect(model.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', key: 'weight' }));
  });
});

describe('parseDcpMetadata errors', () => {
  it('refuses a pickle that is not a Metadata object', () => {
    const e = failure(() => parseDcpMetadata(writePickle(dict(['a', 1]))));
    expect(e.code).toBe('CORRUPT');
    expect(e.file).toBe('.metadata');
    expect(e.message).toBe('.metadata: the top-level value is a dict, not a DCP Metadata object');
    const evil = failure(() => parseDcpMetadata(writePickle(obj(g('os', 'system')))));
    expect(evil.message).toBe('.metadata: the top-level value is a call to os.system, not a DCP Metadata object');
  });

  it('names the global a hostile root calls, through calls of calls', () => {
    const call = failure(() => parseDcpMetadata(writePickle(reduce(g('posix', 'system'), 'touch x'))));
    expect([call.code, call.file, call.message]).toEqual(['CORRUPT', '.metadata', '.metadata: the top-level value is a call to posix.system, not a DCP Metadata object']);
    const chained = failure(() => parseDcpMetadata(writePickle(reduce(reduce(g('builtins', 'getattr'), g('os', 'x'), 'system'), 'id'))));
    expect(chained.message).toBe('.metadata: the top-level value is a call to builtins.getattr, not a DCP Metadata object');
    const bare = failure(() => parseDcpMetadata(writePickle(g('os', 'system'))));
    expect(bare.message).toBe('.metadata: the top-level value is the global os.system, not a DCP Metadata object');
  });

  it('refuses chunks whose rank disagrees with the tensor', () => {
    const bad: MdEntry = { kind: 'tensor', key: 'w', dtype: 'float32', size: [4, 2], chunks: [{ offsets: [0], sizes: [4], file: 'f', offset: 0, length: 1 }] };
    const e = failure(() => parseDcpMetadata(writeMetadata([bad])));
    expect(e.message).toBe('entry "w": chunk 0 has 1 offsets and 1 sizes for a 2-d tensor');
    expect(e.key).toBe('w');
  });

  it('refuses a non-dtype where TensorProperties keeps the dtype', () => {
    const e = failure(() => parseDcpMetadata(writeMetadata([{ kind: 'tensor', key: 'w', dtype: 'not_a_dtype', size: [1], chunks: [] }])));
    expect(e.message).toBe('entry "w": properties hold global where a torch dtype belongs');
  });

  it('adds the file name to pickle errors', () => {
    const bytes = writeMetadata(bytesObjectsEntries());
    const e = failure(() => parseDcpMetadata(bytes.subarray(0, 200)));
    expect(e.code).toBe('TRUNCATED');
    expect(e.file).toBe('.metadata');
  });

  it('keeps unknown globals in .metadata inert and warns', () => {
    const md = parseDcpMetadata(writeMetadata(bytesObjectsEntries(), { extraField: true, extraValue: reduce(g('megatron.core', 'ShardedObject'), 'x') }));
    expect(md.extraFields).toEqual(['mcore_data']);
    expect(md.opaqueGlobals).toEqual(['megatron.core.ShardedObject']);
    expect(md.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('megatron.core.ShardedObject') }));
    expect(md.stateDict.size).toBe(11);
  });
});
