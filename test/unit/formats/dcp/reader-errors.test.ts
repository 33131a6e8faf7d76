// Bad DCP folders, built from real fixture bytes (copied into a MemoryFolder, then cut or
// re-pointed by a rewritten .metadata). Each test pins the one-line message users see.
import { describe, expect, it } from 'vitest';
import { readDcp } from '../../../../electron/formats/dcp/reader';
import { MAX_BYTES_ITEM_BYTES } from '../../../../electron/formats/dcp/limits';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import type { ObjectEntry } from '../../../../shared/model/checkpoint';
import { describeError, FormatError, toAppError } from '../../../../shared/errors';
import { bytes as pyBytes, g, list, reduce, type W, writePickle } from '../pickle/pickle-writer';
import { buildZip } from '../torchzip/zip-builder';
import { caseMetadata, memoryCase, readCase } from './fixture-items';
import { type MdEntry, writeMetadata } from './metadata-writer';
import { zstdRawFrame } from './zstd-frames';
import { formatFailure } from '../../../support/outcome';

const line = (e: FormatError): string => describeError(toAppError(e));

/** bytes_objects' weight item (a real tensor item) and meta.int item (a real bytes item). */
function realItems(): { weight: Uint8Array; metaInt: Uint8Array } {
  const md = caseMetadata('bytes_objects');
  const file = readCase('bytes_objects').get('__0_0.distcp') as Uint8Array;
  const at = (k: string) => md.storage.get(k) as { offset: number; length: number };
  const w = at(JSON.stringify(['weight', [0, 0]]));
  const i = at(JSON.stringify(['meta.int']));
  return { weight: file.slice(w.offset, w.offset + w.length), metaInt: file.slice(i.offset, i.offset + i.length) };
}

interface Item {
  key: string;
  bytes: Uint8Array;
  tensor?: { dtype: string; size: number[]; chunks?: Array<{ offsets: number[]; sizes: number[] }> };
  transforms?: string[];
  file?: string;
  offset?: number;
  length?: number;
}

/** One __0_0.distcp holding the items back to back, and a .metadata describing them. */
function checkpoint(items: Item[]): MemoryFolder {
  const total = items.reduce((n, it) => n + it.bytes.length, 0);
  const data = new Uint8Array(total);
  const entries: MdEntry[] = [];
  let at = 0;
  for (const it of items) {
    data.set(it.bytes, at);
    const where = { file: it.file ?? '__0_0.distcp', offset: it.offset ?? at, length: it.length ?? it.bytes.length, ...(it.transforms ? { transforms: it.transforms } : {}) };
    if (it.tensor) {
      const chunks = it.tensor.chunks ?? [{ offsets: it.tensor.size.map(() => 0), sizes: it.tensor.size }];
      entries.push({ kind: 'tensor', key: it.key, dtype: it.tensor.dtype, size: it.tensor.size, chunks: chunks.map((c) => ({ ...c, ...where })) });
    } else {
      entries.push({ kind: 'bytes', key: it.key, ...where });
    }
    at += it.bytes.length;
  }
  return new MemoryFolder(new Map([['.metadata', writeMetadata(entries)], ['__0_0.distcp', data]]), '/memory/synthetic');
}

/** A bytes item: a torch.save-like zip whose data.pkl pickles `value` with protocol 2. */
function bytesItem(value: W): Uint8Array {
  return buildZip([['archive/data.pkl', writePickle(value, { protocol: 2 })], ['archive/version', new TextEncoder().encode('3\n')]]);
}

describe('readDcp refuses broken folders', () => {
  it('a truncated .metadata', async () => {
    const e = await formatFailure(readDcp(memoryCase('fsdp_train', (f) => f.set('.metadata', (f.get('.metadata') as Uint8Array).slice(0, 5000)))));
    expect(e.code).toBe('TRUNCATED');
    expect(e.file).toBe('.metadata');
    expect(line(e)).toMatch(/^\.metadata: FRAME at byte 2 declares \d+ bytes but only 4989 follow$/);
    // Protocol 2 has no FRAME: the cut shows inside an opcode.
    const p2 = writeMetadata([{ kind: 'bytes', key: 'x', file: '__0_0.distcp', offset: 0, length: 1 }], { protocol: 2 });
    const e2 = await formatFailure(readDcp(new MemoryFolder(new Map([['.metadata', p2.slice(0, 100)]]))));
    expect(e2.code).toBe('TRUNCATED');
    expect(line(e2)).toMatch(/^\.metadata: pickle ends (inside \w+ at byte \d+: needs \d+ more bytes, \d+ left|at byte 100 without a STOP opcode)$/);
  });

  it('a missing .metadata', async () => {
    const e = await formatFailure(readDcp(memoryCase('tp', (f) => f.delete('.metadata'))));
    expect(e.code).toBe('NOT_FOUND');
    expect(line(e)).toBe('.metadata is missing from /memory/tp; a DCP checkpoint needs it');
  });

  it('a missing .distcp file', async () => {
    const e = await formatFailure(readDcp(memoryCase('fsdp_train', (f) => f.delete('__1_0.distcp'))));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.file).toBe('__1_0.distcp');
    expect(line(e)).toMatch(/^__1_0\.distcp is missing from the checkpoint folder; \.metadata stores "[^"]+" in it$/);
  });

  it('a truncated .distcp file', async () => {
    const e = await formatFailure(readDcp(memoryCase('bytes_objects', (f) => f.set('__0_0.distcp', (f.get('__0_0.distcp') as Uint8Array).slice(0, 14000)))));
    expect(e.code).toBe('TRUNCATED');
    expect([e.file, e.key, e.offset]).toEqual(['__0_0.distcp', 'weight', 12674]);
    expect(line(e)).toBe('__0_0.distcp: item for "weight" at byte 12674 ends at byte 14251 but the file has 14000 bytes');
  });

  it('an item whose offset/length runs past its file', async () => {
    const { metaInt } = realItems();
    const e = await formatFailure(readDcp(checkpoint([{ key: 'x', bytes: metaInt, length: metaInt.length + 1 }])));
    expect(e.code).toBe('TRUNCATED');
    expect(line(e)).toBe(`__0_0.distcp: item for "x" at byte 0 ends at byte ${metaInt.length + 1} but the file has ${metaInt.length} bytes`);
    const e2 = await formatFailure(readDcp(checkpoint([{ key: 'x', bytes: metaInt, offset: 5 }])));
    expect(line(e2)).toBe(`__0_0.distcp: item for "x" at byte 5 ends at byte ${metaInt.length + 5} but the file has ${metaInt.length} bytes`);
  });

  it('a bytes item whose zip end record is damaged', async () => {
    const e = await formatFailure(readDcp(memoryCase('bytes_objects', (f) => {
      const b = f.get('__0_0.distcp') as Uint8Array;
      b[1261 - 22] = (b[1261 - 22] as number) ^ 0xff; // the EOCD of meta.int, the first item
    })));
    expect(e.code).toBe('CORRUPT');
    expect([e.file, e.key, e.offset]).toEqual(['__0_0.distcp', 'meta.int', 0]);
    expect(line(e)).toMatch(/^__0_0\.distcp: item for "meta\.int" at byte 0: not a zip: no end-of-central-directory record/);
  });

  it('an unknown transform, naming the descriptor', async () => {
    const { metaInt } = realItems();
    const e = await formatFailure(readDcp(checkpoint([{ key: 'x', bytes: metaInt, transforms: ['stream.lz4/1'] }])));
    expect(e.code).toBe('UNSUPPORTED');
    expect(line(e)).toBe('__0_0.distcp: key "x": at byte 0: unknown stream transform "stream.lz4/1"; Shardscope reads "stream.zstd/1" only');
  });

  it.each(['../x', '/etc/passwd', 'sub/__0_0.distcp', 'C:\\x', 'file://host/x', '..', '__0_0.distcp\0.txt'])('a storage path leaving the folder: %j', async (p) => {
    const { weight } = realItems();
    const e = await formatFailure(readDcp(checkpoint([{ key: 'w', bytes: weight, file: p, tensor: { dtype: 'float32', size: [2, 3] } }])));
    expect(e.code).toBe('UNSAFE_PATH');
    // Named where the path is written, never as a file of its own; the path quoted (a NUL as \u0000).
    expect([e.file, e.key, e.offset]).toEqual(['.metadata', 'w', undefined]);
    expect(line(e).startsWith(`.metadata: storage_data entry for "w": relative_path is unsafe: path ${JSON.stringify(p)} `)).toBe(true);
    expect(line(e)).toMatch(/^\.metadata: storage_data entry for "w": relative_path is unsafe: path "[^\0]*" [^;]+; only file names inside the checkpoint folder are allowed$/);
  });

  it('a storage path with a NUL, quoted and escaped in the one line', async () => {
    const { weight } = realItems();
    const e = await formatFailure(readDcp(checkpoint([{ key: 'w', bytes: weight, file: '__0_0.distcp\0.txt', tensor: { dtype: 'float32', size: [2, 3] } }])));
    expect(line(e)).toBe('.metadata: storage_data entry for "w": relative_path is unsafe: path "__0_0.distcp\\u0000.txt" contains a NUL byte; only file names inside the checkpoint folder are allowed');
  });

  it('a zstd bomb in a bytes item', async () => {
    const bomb = zstdRawFrame(new Uint8Array(16), { contentSize: 2 ** 40 });
    const e = await formatFailure(readDcp(checkpoint([{ key: 'x', bytes: bomb, transforms: ['stream.zstd/1'] }])));
    expect(e.code).toBe('LIMIT');
    expect(line(e)).toBe(`__0_0.distcp: key "x": zstd data (${bomb.length} bytes) would decompress to more than ${MAX_BYTES_ITEM_BYTES} bytes (declares ${2 ** 40}); refusing it as a decompression bomb`);
  });

  it('chunks with a gap', async () => {
    const { weight } = realItems();
    const e = await formatFailure(readDcp(checkpoint([{ key: 'w', bytes: weight, tensor: { dtype: 'float32', size: [4, 3], chunks: [{ offsets: [0, 0], sizes: [2, 3] }] } }])));
    expect(e.code).toBe('INCONSISTENT');
    expect([e.file, e.key]).toEqual(['.metadata', 'w']);
    expect(line(e)).toBe('.metadata: tensor "w": chunks cover 6 of 12 elements; nothing holds the box at offsets (2, 0) with sizes (2, 3) (the checkpoint is partial)');
  });

  it('chunks that overlap or leave the shape, naming .metadata and the key', async () => {
    const { weight } = realItems();
    const read = (chunks: Array<{ offsets: number[]; sizes: number[] }>) => formatFailure(readDcp(checkpoint([{ key: 'w', bytes: weight, tensor: { dtype: 'float32', size: [4, 3], chunks } }])));
    const overlap = await read([{ offsets: [0, 0], sizes: [2, 3] }, { offsets: [1, 0], sizes: [3, 3] }]);
    expect([overlap.code, overlap.file, overlap.key]).toEqual(['INCONSISTENT', '.metadata', 'w']);
    expect(line(overlap)).toBe('.metadata: tensor "w": chunks at offsets (0, 0) (sizes (2, 3)) and (1, 0) (sizes (3, 3)) overlap');
    const outside = await read([{ offsets: [0, 0], sizes: [3, 3] }, { offsets: [3, 0], sizes: [2, 3] }]);
    expect([outside.code, outside.file, outside.key]).toEqual(['INCONSISTENT', '.metadata', 'w']);
    expect(line(outside)).toBe('.metadata: tensor "w": chunk at offsets (3, 0) with sizes (2, 3) lies outside shape (4, 3)');
  });

  it('a bytes item larger than MAX_BYTES_ITEM_BYTES (and one exactly at it)', async () => {
    const at = await readDcp(checkpoint([{ key: 'x', bytes: new Uint8Array(MAX_BYTES_ITEM_BYTES) }]));
    expect((at.entries[0] as ObjectEntry).pythonType).toBe('bytes');
    const e = await formatFailure(readDcp(checkpoint([{ key: 'x', bytes: new Uint8Array(MAX_BYTES_ITEM_BYTES + 1) }])));
    expect(e.code).toBe('LIMIT');
    expect(line(e)).toBe(`__0_0.distcp: item for "x" is ${MAX_BYTES_ITEM_BYTES + 1} bytes, more than the ${MAX_BYTES_ITEM_BYTES}-byte limit for Python objects`);
  });
});

describe('readDcp shows hostile and unusual bytes items inertly', () => {
  it('names every global a pickle reaches for and runs none of them', async () => {
    const folder = checkpoint([
      { key: 'popen', bytes: bytesItem(reduce(g('subprocess', 'Popen'), list('sh', '-c', 'touch /tmp/pwned'))) },
      { key: 'eval', bytes: bytesItem(reduce(g('builtins', 'eval'), "__import__('os').system('id')")) },
      { key: 'system', bytes: bytesItem(reduce(g('os', 'system'), 'id')) },
      { key: 'codecs_utf8', bytes: bytesItem(reduce(g('_codecs', 'encode'), 'x', 'utf-8')) },
    ]);
    const model = await readDcp(folder);
    const got = model.entries.map((e) => [e.key, (e as ObjectEntry).pythonType, (e as ObjectEntry).global]);
    expect(got).toEqual([
      ['popen', 'unsafe', 'subprocess.Popen'],
      ['eval', 'unsafe', 'builtins.eval'],
      ['system', 'unsafe', 'os.system'],
      ['codecs_utf8', 'unsafe', '_codecs.encode'],
    ]);
    expect(model.diagnostics.filter((d) => d.severity === 'warning').length).toBe(4);
  });

  it('decodes big ints, bytes, sets and raw (non-zip) items', async () => {
    const model = await readDcp(checkpoint([
      { key: 'big', bytes: bytesItem(2n ** 70n) },
      { key: 'neg', bytes: bytesItem(-(2n ** 64n)) },
      { key: 'b', bytes: bytesItem(pyBytes(0, 1, 0xff)) },
      { key: 'empty_b', bytes: bytesItem(pyBytes()) },
      { key: 's', bytes: bytesItem({ t: 'set', items: [3, 1] }) },
      { key: 'raw', bytes: Uint8Array.of(1, 2, 3) },
    ]));
    const got = Object.fromEntries(model.entries.map((e) => [e.key, [(e as ObjectEntry).pythonType, (e as ObjectEntry).repr]]));
    expect(got).toEqual({
      big: ['int', '1180591620717411303424'],
      neg: ['int', '-18446744073709551616'],
      b: ['bytes', "b'\\x00\\x01\\xff'"],
      empty_b: ['bytes', "b''"],
      s: ['set', '{3, 1}'],
      raw: ['bytes', "b'\\x01\\x02\\x03'"],
    });
  });
});
