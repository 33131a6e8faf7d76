import { describe, expect, it } from 'vitest';
import { looksLikeSafetensors } from '../../../../electron/formats/safetensors/sniff';
import { fixtureBytes, stFile } from './helpers';

describe('looksLikeSafetensors', () => {
  it('says yes for every safetensors fixture', () => {
    for (const rel of [
      'hf_sharded/checkpoint/shard-00001-model-00001-of-00001.safetensors',
      'hf_consolidated/checkpoint/model-00001-of-00002.safetensors',
    ]) {
      const b = fixtureBytes(rel);
      expect(looksLikeSafetensors(b.subarray(0, 16), b.length)).toBe(true);
    }
  });

  it('says yes for a header padded with leading whitespace', () => {
    const b = stFile('          {}');
    expect(looksLikeSafetensors(b.subarray(0, 16), b.length)).toBe(true);
  });

  it('says no for pickle, zip, zstd, JSON text and a length past the file', () => {
    const no = (b: Uint8Array, size = b.length) => expect(looksLikeSafetensors(b.subarray(0, 16), size)).toBe(false);
    no(new Uint8Array([0x80, 0x05, 0x95, 1, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0, 0, 0]));
    no(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    no(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    no(new TextEncoder().encode('{"metadata": {"total_size": 1}}'));
    const b = stFile('{}');
    no(b, 9);
    no(stFile('[1]'));
  });
});
