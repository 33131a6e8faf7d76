import { describe, expect, it } from 'vitest';
import { assignShards, parseShardSize, shardFileName, DEFAULT_MAX_SHARD_SIZE } from '../../../../electron/services/convert/shard-plan';

describe('parseShardSize follows huggingface_hub parse_size_to_int', () => {
  it.each([
    ['5GB', 5_000_000_000],
    ['500MB', 500_000_000],
    ['10KB', 10_000],
    ['2TB', 2_000_000_000_000],
    ['5gb', 5_000_000_000],
    [' 1.5GB ', 1_500_000_000],
    ['1.1GB', 1_100_000_000], // int(1.1 * 1e9) truncates the float error
    ['1e3MB', 1_000_000_000],
    ['1GiB', 2 ** 30],
    ['512MiB', 512 * 2 ** 20],
    ['4KiB', 4096],
    ['123', 123],
    ['123B', 123],
  ])('%s → %d bytes', (text, bytes) => {
    expect(parseShardSize(text)).toBe(bytes);
  });

  it('takes a byte count as a number', () => {
    expect(parseShardSize(1000)).toBe(1000);
    expect(DEFAULT_MAX_SHARD_SIZE).toBe(parseShardSize('5GB'));
  });

  it.each([
    ['5XB', /unit "XB"/],
    ['GB', /not a size/],
    ['five GB', /not a size/],
    ['0GB', /at least 1 byte/],
    ['-1GB', /not a size/],
    ['1e400GB', /too large/],
  ])('rejects %s with a message that says why', (text, why) => {
    expect(() => parseShardSize(text)).toThrow(why);
    try {
      parseShardSize(text);
    } catch (e) {
      expect((e as { code: string }).code).toBe('BAD_REQUEST');
      expect((e as Error).message).toContain('--max-shard-size');
    }
  });
});

describe('assignShards follows huggingface_hub split_state_dict_into_shards_factory', () => {
  const sizes: Record<string, number> = { layer_1: 6, layer_2: 10, layer_3: 30, layer_4: 2, layer_5: 2 };
  const keys = Object.keys(sizes);

  it('puts everything in model.safetensors when it fits one shard', () => {
    const s = assignShards(keys, (k) => sizes[k]!, 100);
    expect(s.files).toEqual([{ name: 'model.safetensors', items: keys }]);
    expect(s.totalSize).toBe(50);
  });

  it("splits greedily in order, an oversized tensor alone and at once (huggingface_hub's own test case)", () => {
    const s = assignShards(keys, (k) => sizes[k]!, 10);
    expect(s.files).toEqual([
      { name: 'model-00001-of-00004.safetensors', items: ['layer_1'] },
      { name: 'model-00002-of-00004.safetensors', items: ['layer_3'] },
      { name: 'model-00003-of-00004.safetensors', items: ['layer_2'] },
      { name: 'model-00004-of-00004.safetensors', items: ['layer_4', 'layer_5'] },
    ]);
    expect(s.totalSize).toBe(50);
  });

  it('starts a new shard only when the next tensor would tip it over (docstring example)', () => {
    const gb = [6, 6, 2, 6, 2, 2];
    const s = assignShards(gb.map((_, i) => i), (i) => gb[i]!, 10);
    expect(s.files.map((f) => f.items.map((i) => gb[i]))).toEqual([[6], [6, 2], [6, 2, 2]]);
  });

  it('keeps zero-byte tensors in the current shard', () => {
    const s = assignShards(['a', 'b', 'c'], (k) => (k === 'b' ? 0 : 10), 10);
    expect(s.files.map((f) => f.items)).toEqual([['a', 'b'], ['c']]);
  });

  it('names files with five digits', () => {
    expect(shardFileName(3, 12)).toBe('model-00003-of-00012.safetensors');
  });
});
