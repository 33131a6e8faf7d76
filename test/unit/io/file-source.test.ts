import { describe, expect, it } from 'vitest';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileSource } from '../../../electron/io/file-source';

/** A file whose byte i is (i * 7 + i >> 16) & 255: every 64 KiB part reads differently. */
function patterned(bytes: number): { file: string; data: Buffer } {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 7 + (i >> 16)) & 255;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fsrc-')), 'big.bin');
  writeFileSync(file, data);
  return { file, data };
}

describe('FileSource', () => {
  it('reads large ranges (read as parts side by side) byte for byte, whole and from an odd offset', async () => {
    const { file, data } = patterned(20 * 1024 * 1024 + 3);
    const src = await FileSource.open(file, 'big.bin');
    try {
      expect(Buffer.from(await src.read(0, src.size)).equals(data)).toBe(true);
      expect(Buffer.from(await src.read(5, 17 * 1024 * 1024 + 1)).equals(data.subarray(5, 5 + 17 * 1024 * 1024 + 1))).toBe(true);
      expect(Buffer.from(await src.read(100, 10)).equals(data.subarray(100, 110))).toBe(true);
    } finally {
      await src.handle.close();
    }
  });

  it('names the file and the byte where a file cut short after opening ends', async () => {
    const { file } = patterned(20 * 1024 * 1024);
    const src = await FileSource.open(file, 'big.bin');
    try {
      truncateSync(file, 12 * 1024 * 1024);
      await expect(src.read(0, src.size)).rejects.toMatchObject({ code: 'TRUNCATED', file: 'big.bin', offset: 12 * 1024 * 1024 });
    } finally {
      await src.handle.close();
    }
  });
});
