import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import { readSafetensorsSharded } from '../../../../electron/formats/hfshards/read-sharded';
import { parseHfIndexJson } from '../../../../electron/formats/hfshards/index-json';
import { buildIndexJson } from '../../../../electron/formats/safetensors/index-writer';
import { expectFormatError } from '../safetensors/helpers';
import { buildFile } from './helpers';

const IDX = 'model.safetensors.index.json';
const enc = (s: string) => new TextEncoder().encode(s);
const f1 = buildFile([{ name: 'a', dtype: 'float32', shape: [2] }, { name: 'b', dtype: 'float32', shape: [3] }], { format: 'pt' });
const f2 = buildFile([{ name: 'c', dtype: 'bfloat16', shape: [4] }], { format: 'pt' });
const goodMap = { a: 'm-1.safetensors', b: 'm-1.safetensors', c: 'm-2.safetensors' };

function folder(index: string, extra: Record<string, Uint8Array> = {}): MemoryFolder {
  return new MemoryFolder(new Map([[IDX, enc(index)], ['m-1.safetensors', f1], ['m-2.safetensors', f2], ...Object.entries(extra)]));
}

describe('readSafetensorsSharded', () => {
  it('reads what buildIndexJson and planSafetensorsFile wrote, in weight_map order', async () => {
    const m = await readSafetensorsSharded(folder(buildIndexJson(28, goodMap, { total_parameters: 9 })));
    expect(m.entries.map((e) => e.key)).toEqual(['a', 'b', 'c']);
    expect(m.diagnostics).toEqual([]);
    expect(m.info).toEqual({ format: 'pt', total_parameters: '9', total_size: '28' });
  });

  it('follows the file order of weight_map, not sorted order', async () => {
    const m = await readSafetensorsSharded(folder('{"weight_map":{"c":"m-2.safetensors","b":"m-1.safetensors","a":"m-1.safetensors"}}'));
    expect(m.entries.map((e) => e.key)).toEqual(['c', 'b', 'a']);
  });

  it("rejects index.json weight_map '../x.safetensors'", async () => {
    const e = await expectFormatError(
      readSafetensorsSharded(folder('{"weight_map":{"a":"../x.safetensors"}}')),
      'UNSAFE_PATH',
      `${IDX}: weight_map entry for tensor "a": path "../x.safetensors" leads into another folder`,
    );
    expect(e.key).toBe('a');
  });

  it('rejects an absolute path in weight_map', async () => {
    await expectFormatError(readSafetensorsSharded(folder('{"weight_map":{"a":"/etc/passwd"}}')), 'UNSAFE_PATH', 'path "/etc/passwd" is an absolute path');
  });

  it('rejects a Windows drive path and a URL in weight_map', async () => {
    await expectFormatError(readSafetensorsSharded(folder('{"weight_map":{"a":"C:x.safetensors"}}')), 'UNSAFE_PATH', 'has a drive letter');
    await expectFormatError(readSafetensorsSharded(folder('{"weight_map":{"a":"https://evil/x.safetensors"}}')), 'UNSAFE_PATH', 'is a URL');
  });

  it('rejects a tensor named twice in weight_map', async () => {
    await expectFormatError(
      readSafetensorsSharded(folder('{"weight_map":{"a":"m-1.safetensors","a":"m-2.safetensors"}}')),
      'CORRUPT',
      `${IDX}: tensor "a" appears twice in weight_map (second at byte 37)`,
    );
  });

  it('rejects a weight_map naming a file that is not in the folder', async () => {
    await expectFormatError(
      readSafetensorsSharded(folder('{"weight_map":{"a":"m-1.safetensors","x":"m-9.safetensors","y":"m-9.safetensors"}}')),
      'NOT_FOUND',
      `${IDX}: weight_map puts tensor "x" and 1 more in m-9.safetensors, which is not in the folder`,
    );
  });

  it('rejects an index naming a tensor its file does not hold', async () => {
    await expectFormatError(
      readSafetensorsSharded(folder('{"weight_map":{"a":"m-1.safetensors","c":"m-1.safetensors"}}')),
      'INCONSISTENT',
      `${IDX}: weight_map puts tensor "c" in m-1.safetensors, but that file has no tensor of that name`,
    );
  });

  it('shows a tensor the index does not list, after the indexed ones, with a warning', async () => {
    const m = await readSafetensorsSharded(folder('{"weight_map":{"a":"m-1.safetensors","c":"m-2.safetensors"}}'));
    expect(m.entries.map((e) => e.key)).toEqual(['a', 'c', 'b']);
    expect(m.diagnostics).toEqual([
      { severity: 'warning', file: 'm-1.safetensors', key: 'b', message: `m-1.safetensors holds tensor "b", which ${IDX} does not list; it is shown, but the index is out of date` },
    ]);
  });

  it('ignores a second copy of a tensor the index places in another file, with a warning', async () => {
    const withC = buildFile([{ name: 'a', dtype: 'float32', shape: [2] }, { name: 'b', dtype: 'float32', shape: [3] }, { name: 'c', dtype: 'bfloat16', shape: [4] }], {});
    const m = await readSafetensorsSharded(folder(buildIndexJson(28, goodMap), { 'm-1.safetensors': withC }));
    expect(m.entries.map((e) => e.key)).toEqual(['a', 'b', 'c']);
    const c = m.entries[2];
    expect(c?.kind === 'tensor' && c.chunks[0]?.source.file).toBe('m-2.safetensors');
    expect(m.diagnostics).toEqual([
      {
        severity: 'warning',
        file: 'm-1.safetensors',
        key: 'c',
        message: `m-1.safetensors holds another copy of tensor "c", which ${IDX} places in m-2.safetensors; that copy is shown and this one ignored`,
      },
    ]);
  });

  it('notes a safetensors file in the folder that the index never names', async () => {
    const m = await readSafetensorsSharded(folder(buildIndexJson(28, goodMap), { 'old.safetensors': f2 }));
    expect(m.diagnostics).toEqual([
      { severity: 'info', file: 'old.safetensors', message: `old.safetensors is in the folder but ${IDX} names no tensor in it; it is not part of this checkpoint` },
    ]);
  });

  it('warns when metadata.total_size disagrees with the tensor bytes', async () => {
    const m = await readSafetensorsSharded(folder(buildIndexJson(1000, goodMap)));
    expect(m.diagnostics).toEqual([
      { severity: 'warning', file: IDX, key: 'metadata.total_size', message: `${IDX}: metadata.total_size is 1000 but the tensors hold 28 bytes` },
    ]);
  });

  it('rejects a weight_map value that is not a string', async () => {
    await expectFormatError(readSafetensorsSharded(folder('{"weight_map":{"a":1}}')), 'CORRUPT', 'weight_map entry for tensor "a" is a number (1), not a file name');
  });

  it('rejects an index without weight_map and one that is not JSON', async () => {
    await expectFormatError(readSafetensorsSharded(folder('{"metadata":{}}')), 'CORRUPT', `${IDX}: "weight_map" must be an object of tensor name → file name, but it is missing`);
    await expectFormatError(readSafetensorsSharded(folder('{"weight_map":')), 'CORRUPT', `${IDX}: not valid JSON: expected a JSON value, found end of text at byte 14`);
    await expectFormatError(readSafetensorsSharded(folder('[]')), 'CORRUPT', `${IDX}: the index must be a JSON object, but it is an array`);
  });

  it('rejects a missing index file', async () => {
    await expectFormatError(readSafetensorsSharded(new MemoryFolder(new Map())), 'NOT_FOUND', IDX);
  });

  it('reports a bad shard file with the shard name and the crate reason', async () => {
    const broken = f2.slice(0, f2.length - 2);
    await expectFormatError(
      readSafetensorsSharded(folder(buildIndexJson(28, goodMap), { 'm-2.safetensors': broken })),
      'TRUNCATED',
      'm-2.safetensors: tensor "c" ends at byte 8 but the data buffer has 6 bytes',
    );
  });
});

describe('parseHfIndexJson', () => {
  it('keeps extra metadata and top-level keys as text', () => {
    const idx = parseHfIndexJson(IDX, enc('{"dtype":"bfloat16","metadata":{"total_size":3,"total_parameters":"7","nested":{"a":[1]}},"weight_map":{"a":"f"}}'));
    expect(idx.totalSize).toBe(3);
    expect(idx.metadata).toEqual({ total_size: '3', total_parameters: '7', nested: '{"a":[1]}' });
    expect(idx.extra).toEqual({ dtype: 'bfloat16' });
    expect(idx.files).toEqual(['f']);
  });

  it('treats a non-integer total_size as unknown', () => {
    expect(parseHfIndexJson(IDX, enc('{"metadata":{"total_size":1.5},"weight_map":{}}')).totalSize).toBeNull();
  });

  it('rejects metadata that is not an object', () => {
    expect(() => parseHfIndexJson(IDX, enc('{"metadata":"x","weight_map":{}}'))).toThrow(`${IDX}: "metadata" must be an object, but it is a string ("x")`);
  });
});
