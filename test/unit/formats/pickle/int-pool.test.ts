import { describe, expect, it } from 'vitest';
import { IntPool } from '../../../../electron/formats/pickle/int-pool';

describe('IntPool', () => {
  it('returns the first of equal sequences and keeps different ones apart', () => {
    const pool = new IntPool();
    const a = [4, 16];
    expect(pool.share(a)).toBe(a);
    expect(pool.share([4, 16])).toBe(a);
    const b = [16, 4];
    expect(pool.share(b)).toBe(b);
    expect(pool.share([4])).toEqual([4]);
    const empty: number[] = [];
    expect(pool.share(empty)).toBe(empty);
    expect(pool.share([])).toBe(empty);
  });

  it('does not pool long sequences', () => {
    const pool = new IntPool();
    const long = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    pool.share(long);
    const again = [...long];
    expect(pool.share(again)).toBe(again);
  });

  it('keeps equal sequences shared among many distinct ones (hash collisions are compared)', () => {
    const pool = new IntPool();
    const firsts = new Map<string, readonly number[]>();
    for (let i = 0; i < 5000; i++) {
      const s = [i % 97, i % 89];
      const got = pool.share(s);
      const key = s.join(',');
      if (!firsts.has(key)) firsts.set(key, got);
      expect(got).toBe(firsts.get(key));
      expect(got).toEqual(s);
    }
  });
});
