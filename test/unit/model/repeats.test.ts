import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mayHaveEqualPair } from '../../../shared/model/repeats';

/** A weak hash on purpose: many unequal items share one, so `same` decides. */
const weak = (s: string): number => s.length % 3;

describe('mayHaveEqualPair', () => {
  it('says whether two items are equal, for short and long lists, with colliding hashes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 60 }), (items) => {
        const expected = new Set(items).size !== items.length;
        expect(mayHaveEqualPair(items.length, (i) => weak(items[i]!), (i, j) => items[i] === items[j])).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('answers true, without comparing, for 2^22 items or more', () => {
    let compared = false;
    const same = (): boolean => ((compared = true), false);
    expect(mayHaveEqualPair(1 << 22, () => 0, same)).toBe(true);
    expect(compared).toBe(false);
  });
});
