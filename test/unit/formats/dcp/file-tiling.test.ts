// How items lie in their .distcp files (reader.ts checkFileTiling): gaps and overlaps are reported
// whatever order .metadata lists the items in; the same range referenced twice is one item.
import { describe, expect, it } from 'vitest';
import { readDcp } from '../../../../electron/formats/dcp/reader';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import { type MdChunk, writeMetadata } from './metadata-writer';

/** Tensor items are only referenced by readDcp (never read), so their bytes can be anything. */
function folder(ranges: Array<[string, number, number]>, fileSize: number): MemoryFolder {
  const chunk = (offset: number, end: number): MdChunk => ({ offsets: [0], sizes: [1], file: '__0_0.distcp', offset, length: end - offset });
  const meta = writeMetadata(ranges.map(([key, s, e]) => ({ kind: 'tensor', key, dtype: 'uint8', size: [1], chunks: [chunk(s, e)] })));
  return new MemoryFolder(new Map([['.metadata', meta], ['__0_0.distcp', new Uint8Array(fileSize)]]));
}

const fileNotes = async (f: MemoryFolder): Promise<string[]> =>
  (await readDcp(f)).diagnostics.filter((d) => d.file === '__0_0.distcp').map((d) => `${d.severity}: ${d.message}`);

describe('items in their files', () => {
  it('counts gaps over items listed out of order, one range referenced twice counting once', async () => {
    const notes = await fileNotes(folder([['a', 50, 60], ['b', 10, 20], ['c', 0, 10], ['d', 10, 20], ['e', 30, 40]], 60));
    expect(notes).toEqual(['info: __0_0.distcp: 2 gaps between items hold no referenced data']);
  });

  it('reports bytes after the last item, and nothing when items tile the file', async () => {
    expect(await fileNotes(folder([['b', 10, 30], ['a', 0, 10]], 40))).toEqual(['info: __0_0.distcp: 10 bytes after the last item hold no referenced data']);
    expect(await fileNotes(folder([['b', 10, 30], ['a', 0, 10]], 30))).toEqual([]);
  });

  it('warns at the first overlap in file order (and stops counting there)', async () => {
    expect(await fileNotes(folder([['b', 12, 20], ['a', 0, 15], ['c', 20, 30]], 30))).toEqual([
      'warning: __0_0.distcp: items overlap at byte 12',
      'info: __0_0.distcp: 15 bytes after the last item hold no referenced data',
    ]);
  });
});
