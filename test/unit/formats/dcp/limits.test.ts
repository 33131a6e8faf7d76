// Every DCP limit at its value (accepted) and one past it (refused). Ceilings too large to reach in
// a unit test (1 GiB) are lowered through a module mock; the code path under test is the same.
// ZSTD_ITEM_SLACK_BYTES is tested unmocked in chunk.test.ts (it needs the real in-memory ceiling).
import { describe, expect, it, vi } from 'vitest';
import type * as Limits from '../../../../electron/formats/dcp/limits';

vi.mock('../../../../electron/formats/dcp/limits', async (importOriginal) => ({
  ...(await importOriginal<typeof Limits>()),
  MAX_METADATA_BYTES: 2000,
  MAX_IN_MEMORY_CHUNK_BYTES: 64,
  MAX_TILING_CELLS: 4,
  MAX_TILING_PAIRS: 10,
  MAX_OBJECT_REPR_CHARS: 20,
  MAX_CHUNKS_PER_TENSOR: 3,
}));

import { openTorchItemChunk } from '../../../../electron/formats/dcp/chunk';
import { readDcp } from '../../../../electron/formats/dcp/reader';
import { checkTiling } from '../../../../electron/formats/dcp/tiling';
import { MAX_TENSOR_DIMS, MAX_TENSOR_PICKLE_BYTES } from '../../../../electron/formats/dcp/limits';
import { parseDcpMetadata } from '../../../../electron/formats/dcp/metadata';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import type { ObjectEntry } from '../../../../shared/model/checkpoint';
import { writePickle } from '../pickle/pickle-writer';
import { buildZip } from '../torchzip/zip-builder';
import { memoryCase } from './fixture-items';
import { writeMetadata } from './metadata-writer';
import { f32, folderWith, tensorItem } from './tensor-item';
import { failure, formatFailure } from '../../../support/outcome';



describe('DCP limits', () => {
  it('MAX_METADATA_BYTES (lowered to 2000)', async () => {
    const padded = (n: number) =>
      memoryCase('bytes_objects', (f) => {
        const m = f.get('.metadata') as Uint8Array; // 1702 bytes; the machine stops at STOP
        const out = new Uint8Array(n);
        out.set(m);
        f.set('.metadata', out);
      });
    expect((await readDcp(padded(2000))).entries.length).toBe(11);
    const e = await formatFailure(readDcp(padded(2001)));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toBe('.metadata is 2001 bytes, more than the 2000-byte limit');
  });

  it('MAX_TENSOR_PICKLE_BYTES for a tensor item\'s data.pkl', async () => {
    const bodyLen = tensorPickleLength();
    const at = tensorItem({ numel: 1, size: [1], stride: [1], storage: f32(5), picklePad: MAX_TENSOR_PICKLE_BYTES - bodyLen });
    const { folder, source } = folderWith(at);
    const src = await openTorchItemChunk(folder, source, { key: 'k', dtype: 'float32', sizes: [1] });
    expect([...new Float32Array((await src.read(0, 4)).slice().buffer)]).toEqual([5]);
    const past = folderWith(tensorItem({ numel: 1, size: [1], stride: [1], storage: f32(5), picklePad: MAX_TENSOR_PICKLE_BYTES - bodyLen + 1 }));
    const e = await formatFailure(openTorchItemChunk(past.folder, past.source, { key: 'k', dtype: 'float32', sizes: [1] }));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(new RegExp(`zip record "archive/data.pkl" is ${MAX_TENSOR_PICKLE_BYTES + 1} bytes, more than the ${MAX_TENSOR_PICKLE_BYTES}-byte limit`));
  });

  it('MAX_IN_MEMORY_CHUNK_BYTES (lowered to 64) for gathered chunks', async () => {
    const expanded = (n: number) => folderWith(tensorItem({ numel: 1, size: [n], stride: [0], storage: f32(3) }));
    const ok = expanded(16);
    const src = await openTorchItemChunk(ok.folder, ok.source, { key: 'k', dtype: 'float32', sizes: [16] });
    expect(src.size).toBe(64);
    const past = expanded(17);
    const e = await formatFailure(openTorchItemChunk(past.folder, past.source, { key: 'k', dtype: 'float32', sizes: [17] }));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(/chunk needs gathering in memory \(non-contiguous or big-endian\) and is 68 bytes, more than the 64-byte limit/);
  });

  it('MAX_TILING_CELLS (4) and MAX_TILING_PAIRS (10)', () => {
    const cols = (n: number) => Array.from({ length: n }, (_, i) => ({ offsets: [0, i], sizes: [1, 1] }));
    expect(checkTiling('w', [1, 4], cols(4)).overlapCheckSkipped).toBe(false); // 4 cells: exact grid
    expect(checkTiling('w', [1, 5], cols(5)).overlapCheckSkipped).toBe(false); // 5 cells: fallback, 10 pairs
    expect(checkTiling('w', [1, 6], cols(6)).overlapCheckSkipped).toBe(true); // 15 pairs: cut short
  });

  it('MAX_CHUNKS_PER_TENSOR (lowered to 3)', () => {
    const rows = (n: number) =>
      writeMetadata([{ kind: 'tensor', key: 'w', dtype: 'float32', size: [n], chunks: Array.from({ length: n }, (_, i) => ({ offsets: [i], sizes: [1], file: '__0_0.distcp', offset: 4 * i, length: 4 })) }]);
    const md = parseDcpMetadata(rows(3)).stateDict.get('w');
    expect(md?.kind === 'tensor' ? md.chunks.length : null).toBe(3);
    const e = failure(() => parseDcpMetadata(rows(4)));
    expect([e.code, e.file, e.key]).toEqual(['LIMIT', '.metadata', 'w']);
    expect(e.message).toBe('entry "w": 4 chunks, more than the limit of 3 per tensor');
  });

  it('MAX_TENSOR_DIMS (64, unlowered) for a tensor\'s size and its chunks', () => {
    const ones = (n: number) => new Array<number>(n).fill(1);
    const zeros = (n: number) => new Array<number>(n).fill(0);
    const tensor = (dims: number, chunkDims = dims) =>
      writeMetadata([{ kind: 'tensor', key: 'w', dtype: 'float32', size: ones(dims), chunks: [{ offsets: zeros(chunkDims), sizes: ones(chunkDims), file: '__0_0.distcp', offset: 0, length: 4 }] }]);
    expect(MAX_TENSOR_DIMS).toBe(64);
    const md = parseDcpMetadata(tensor(MAX_TENSOR_DIMS)).stateDict.get('w');
    expect(md?.kind === 'tensor' ? md.size.length : null).toBe(64);
    const e = failure(() => parseDcpMetadata(tensor(MAX_TENSOR_DIMS + 1)));
    expect([e.code, e.file, e.key]).toEqual(['LIMIT', '.metadata', 'w']);
    expect(e.message).toBe('entry "w": size has 65 dimensions, more than the limit of 64');
    const c = failure(() => parseDcpMetadata(tensor(2, MAX_TENSOR_DIMS + 1)));
    expect([c.code, c.file, c.key]).toEqual(['LIMIT', '.metadata', 'w']);
    expect(c.message).toBe('entry "w": chunk 0 has 65 dimensions, more than the limit of 64');
    // At 64 chunk dims on a 2-d tensor the rank mismatch itself is the error.
    expect(failure(() => parseDcpMetadata(tensor(2, MAX_TENSOR_DIMS))).code).toBe('CORRUPT');
  });

  it('MAX_OBJECT_REPR_CHARS (lowered to 20)', async () => {
    const item = (s: string) => buildZip([['archive/data.pkl', writePickle(s, { protocol: 2 })]]);
    const at = 'x'.repeat(18); // repr adds two quotes: 20 characters
    const past = 'x'.repeat(19);
    const a = item(at);
    const b = item(past);
    const data = new Uint8Array(a.length + b.length);
    data.set(a);
    data.set(b, a.length);
    const meta = writeMetadata([
      { kind: 'bytes', key: 'at', file: '__0_0.distcp', offset: 0, length: a.length },
      { kind: 'bytes', key: 'past', file: '__0_0.distcp', offset: a.length, length: b.length },
    ]);
    const model = await readDcp(new MemoryFolder(new Map([['.metadata', meta], ['__0_0.distcp', data]])));
    const [e1, e2] = model.entries as ObjectEntry[];
    expect(e1?.repr).toBe(`'${at}'`);
    expect(e2?.repr).toBe(`'${'x'.repeat(18)}…`);
    expect(e2?.repr?.length).toBe(20);
    expect(model.diagnostics).toContainEqual(expect.objectContaining({ severity: 'info', key: 'past', message: 'repr of "past" is cut at 20 characters' }));
  });
});

/** Length of the unpadded data.pkl tensorItem writes for a 1-element float32 tensor. */
function tensorPickleLength(): number {
  const zip = tensorItem({ numel: 1, size: [1], stride: [1], storage: f32(5) });
  // The central directory's first entry is data.pkl; its size field sits 24 bytes into the entry.
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  const cd = dv.getUint32(eocd + 16, true);
  return dv.getUint32(cd + 24, true);
}
