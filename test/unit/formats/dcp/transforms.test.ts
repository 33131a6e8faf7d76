import { describe, expect, it } from 'vitest';
import { decompressZstd, parseTransforms, scanZstdFrames } from '../../../../electron/formats/dcp/transforms';
import { MAX_ZSTD_WINDOW_BYTES } from '../../../../electron/formats/dcp/limits';
import { fixtureItems } from './fixture-items';
import { zstdRawFrame, zstdRleFrame } from './zstd-frames';
import { failure } from '../../../support/outcome';


describe('parseTransforms', () => {
  it('accepts no transform and stream.zstd major version 1', () => {
    expect(parseTransforms([])).toBe(null);
    expect(parseTransforms(['stream.zstd/1'])).toBe('zstd');
    expect(parseTransforms(['stream.zstd/1.2'])).toBe('zstd');
  });

  it('refuses unknown descriptors, other versions and chains, naming them', () => {
    const where = { file: '__0_0.distcp', key: 'w', offset: 0 };
    const e = failure(() => parseTransforms(['stream.rot13/1'], where));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe('unknown stream transform "stream.rot13/1"; Shardscope reads "stream.zstd/1" only');
    expect(e.file).toBe('__0_0.distcp');
    expect(failure(() => parseTransforms(['stream.zstd/2'])).message).toMatch(/unknown stream transform "stream.zstd\/2"/);
    expect(failure(() => parseTransforms(['stream.zstd'])).code).toBe('UNSUPPORTED');
    expect(failure(() => parseTransforms(['stream.zstd/1', 'stream.zstd/1'])).message).toMatch(/uses 2 stream transforms/);
  });
});

describe('decompressZstd', () => {
  it('decompresses every zstd fixture item into a zip', () => {
    let n = 0;
    for (const item of fixtureItems(['zstd'])) {
      expect(item.transforms).toEqual(['stream.zstd/1']);
      expect([...item.zip.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
      n++;
    }
    expect(n).toBe(43);
  });

  it('decompresses raw and RLE blocks exactly at the cap', () => {
    const data = Uint8Array.from({ length: 300_000 }, (_, i) => i & 0xff);
    expect(decompressZstd(zstdRawFrame(data), data.length)).toEqual(data);
    expect(decompressZstd(zstdRleFrame(7, 3, 1000), 3000)).toEqual(new Uint8Array(3000).fill(7));
  });

  it('refuses a tiny frame that claims gigabytes before decoding (bomb)', () => {
    const e = failure(() => decompressZstd(zstdRawFrame(new Uint8Array(4), { contentSize: 4 * 1024 ** 3 }), 1024));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toBe('zstd data (21 bytes) would decompress to more than 1024 bytes (declares 4294967296); refusing it as a decompression bomb');
  });

  it('refuses RLE blocks whose sizes add up past the cap (bomb without a content size)', () => {
    const bomb = zstdRleFrame(0, 8192); // 32 KiB of input, 1 GiB of output
    expect(bomb.length).toBeLessThan(40_000);
    const e = failure(() => decompressZstd(bomb, 1024 * 1024));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(/decompression bomb/);
    expect(decompressZstd(zstdRleFrame(1, 8, 128 * 1024), 1024 * 1024).length).toBe(1024 * 1024);
    expect(failure(() => decompressZstd(zstdRleFrame(1, 8, 128 * 1024), 1024 * 1024 - 1)).code).toBe('LIMIT');
  });

  it('refuses windows past MAX_ZSTD_WINDOW_BYTES and accepts one at it', () => {
    const log = Math.log2(MAX_ZSTD_WINDOW_BYTES);
    expect(scanZstdFrames(zstdRawFrame(Uint8Array.of(1), { windowLog: log }), 10)).toEqual({ minOutput: 1, exact: true });
    const e = failure(() => scanZstdFrames(zstdRawFrame(Uint8Array.of(1), { windowLog: log + 1 }), 10));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toBe(`zstd frame at byte 0 asks for a ${2 * MAX_ZSTD_WINDOW_BYTES}-byte window, more than the ${MAX_ZSTD_WINDOW_BYTES}-byte limit`);
  });

  it('refuses dictionaries, bad magic, and truncated frames', () => {
    expect(failure(() => decompressZstd(zstdRawFrame(Uint8Array.of(1), { dictionaryId: 5 }), 10)).code).toBe('UNSUPPORTED');
    expect(failure(() => decompressZstd(Uint8Array.of(1, 2, 3, 4, 5), 10)).message).toBe('not zstd data: bad frame magic at byte 0');
    const f = zstdRawFrame(Uint8Array.from({ length: 100 }, (_, i) => i));
    const t = failure(() => decompressZstd(f.subarray(0, f.length - 10), 1000));
    expect(t.code).toBe('TRUNCATED');
    expect(failure(() => decompressZstd(new Uint8Array(0), 10)).message).toBe('zstd data is empty');
  });

  it('skips skippable frames and concatenates frames', () => {
    const skip = Uint8Array.of(0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9);
    const a = zstdRawFrame(Uint8Array.of(1, 2));
    const b = zstdRawFrame(Uint8Array.of(3));
    expect([...decompressZstd(Uint8Array.from([...a, ...skip, ...b]), 10)]).toEqual([1, 2, 3]);
  });
});
