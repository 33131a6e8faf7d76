// The memo plan (memo.ts, memo-scan.ts): the first pass finds every fetch the machine can make,
// the machine keeps only those entries, and numbering, limits and errors are as before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENSE_MEMO, IndexSet, StoredSet } from '../../../../electron/formats/pickle/memo';
import { scanMemoFetches } from '../../../../electron/formats/pickle/memo-scan';
import { unpickle } from '../../../../electron/formats/pickle/machine';
import { PyList, PyTuple, type PyValue } from '../../../../electron/formats/pickle/values';
import { FormatError } from '../../../../shared/errors';
import { asm, le } from './pickle-writer';

const run = (b: Uint8Array, maxMemoEntries?: number): PyValue =>
  unpickle(b, { resolvers: new Map(), ...(maxMemoEntries === undefined ? {} : { limits: { maxMemoEntries } }) }).value;

const members = (s: IndexSet, upTo: number): number[] => Array.from({ length: upTo }, (_, i) => i).filter((i) => s.has(i));

describe('IndexSet and StoredSet', () => {
  it('hold dense, grown and sparse indices', () => {
    const s = new IndexSet();
    expect([s.add(3), s.add(3), s.add(100_000), s.add(DENSE_MEMO + 5)]).toEqual([true, false, true, true]);
    expect([s.has(3), s.has(4), s.has(100_000), s.has(DENSE_MEMO + 5), s.has(DENSE_MEMO + 6)]).toEqual([true, false, true, true, false]);
  });

  it('StoredSet keeps in-order puts as a prefix and out-of-order ones aside', () => {
    const s = new StoredSet();
    expect([s.add(0), s.add(1), s.add(5), s.add(2), s.add(5), s.add(1)]).toEqual([true, true, true, true, false, false]);
    expect([0, 1, 2, 3, 4, 5].map((i) => s.has(i))).toEqual([true, true, true, false, false, true]);
  });
});

describe('scanMemoFetches', () => {
  it('finds BINGET / LONG_BINGET targets of MEMOIZE, BINPUT and LONG_BINPUT entries', () => {
    // None MEMOIZE(0) None BINPUT 7 None LONG_BINPUT 70000 | BINGET 0, LONG_BINGET 70000, POP×5, STOP
    const b = asm(0x80, 4, 0x4e, 0x94, 0x4e, 0x71, 7, 0x4e, 0x72, le(70000, 4), 0x68, 0, 0x6a, le(70000, 4), 0x30, 0x30, 0x30, 0x30, 0x2e);
    expect(members(scanMemoFetches(b, 100), 80_000)).toEqual([0, 70000]);
  });

  it('walks every operand shape: strings, bytes, longs, floats, GLOBAL lines, FRAME', () => {
    const b = asm(
      0x80, 4, 0x95, le(0, 8), 0x8c, 3, 'abc', 0x58, le(2, 4), 'de', 0x8d, le(1, 8), 'f', 0x43, 1, 0x68, 0x42, le(1, 4), 0x68,
      0x8e, le(1, 8), 0x68, 0x8a, 1, 0x68, 0x8b, le(1, 4), 0x68, 0x47, [0x68, 0x68, 0x68, 0x68, 0x68, 0x68, 0x68, 0x68],
      0x4a, [0x68, 0x68, 0x68, 0x68], 0x4d, 0x68, 0x68, 0x4b, 0x68, 0x63, 'os\nsystem\n', 0x94, 0x68, 0,
    );
    // Every 0x68 above is operand data, not a BINGET; the one real BINGET fetches entry 0.
    expect(members(scanMemoFetches(b, 100), 10)).toEqual([0]);
  });

  it('stops where the machine stops: a never-stored fetch, a refused opcode, the memo limit', () => {
    expect(members(scanMemoFetches(asm(0x80, 4, 0x68, 3, 0x4e, 0x94, 0x68, 0), 100), 5)).toEqual([]);
    expect(members(scanMemoFetches(asm(0x80, 4, 0x4e, 0x94, 0x49, 0x68, 0), 100), 5)).toEqual([]); // INT: unsupported
    expect(members(scanMemoFetches(asm(0x80, 4, 0x4e, 0x94, 0x94, 0x68, 1), 1), 5)).toEqual([]); // 2nd MEMOIZE over the limit
  });
});

/**
 * A random memo workload: values stored by MEMOIZE / BINPUT / LONG_BINPUT (some to the same
 * index, some sparse past DENSE_MEMO), and a tuple of fetches of stored indices. The expected
 * tuple follows from the pickle alone: each fetch returns the last value stored at its index.
 */
const workload = fc
  .array(
    fc.oneof(
      fc.constant({ op: 'memoize' as const }),
      fc.record({ op: fc.constant('binput' as const), index: fc.nat({ max: 40 }) }),
      fc.record({ op: fc.constant('long' as const), index: fc.oneof(fc.nat({ max: 300 }), fc.constant(DENSE_MEMO + 3), fc.constant(0xffffffff)) }),
      fc.record({ op: fc.constant('get' as const), pick: fc.nat() }),
    ),
    { maxLength: 60 },
  )
  .map((steps) => {
    const bytes: number[] = [0x80, 4, 0x28];
    const memo = new Map<number, number>();
    let count = 0;
    let value = 0;
    const expected: number[] = [];
    for (const s of steps) {
      if (s.op === 'get') {
        const keys = [...memo.keys()];
        if (keys.length === 0) continue;
        const i = keys[s.pick % keys.length] as number;
        bytes.push(...(i < 256 ? [0x68, i] : [0x6a, ...le(i, 4)]));
        expected.push(memo.get(i) as number);
        continue;
      }
      // Each store pushes a fresh list holding a number, stores it, and pops it.
      value++;
      bytes.push(0x28, 0x4a, ...le(value, 4), 0x6c);
      const index = s.op === 'memoize' ? count : s.index;
      if (s.op === 'memoize') bytes.push(0x94);
      else if (s.op === 'binput') bytes.push(0x71, index);
      else bytes.push(0x72, ...le(index, 4));
      if (!memo.has(index)) count++;
      memo.set(index, value);
      bytes.push(0x30);
    }
    bytes.push(0x74, 0x2e);
    return { pickle: Uint8Array.from(bytes), expected, entries: count };
  });

describe('the machine with its memo plan', () => {
  it('returns what every fetch of a random workload should see', () => {
    fc.assert(
      fc.property(workload, ({ pickle, expected }) => {
        const t = run(pickle) as PyTuple;
        expect(t.items.map((l) => ((l as PyList).items[0] as number))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('counts every put against maxMemoEntries, kept or not', () => {
    fc.assert(
      fc.property(workload, ({ pickle, entries }) => {
        expect(() => run(pickle, entries)).not.toThrow();
        if (entries > 0) {
          let e: unknown;
          try {
            run(pickle, entries - 1);
          } catch (x) {
            e = x;
          }
          expect(e).toBeInstanceOf(FormatError);
          expect((e as FormatError).message).toMatch(/memo entries$/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('shares one object between a memoized value and its fetches', () => {
    const t = run(asm(0x80, 4, 0x28, 0x5d, 0x94, 0x68, 0, 0x68, 0, 0x74, 0x2e)) as PyTuple;
    expect(t.items[0]).toBe(t.items[1]);
    expect(t.items[1]).toBe(t.items[2]);
  });
});
