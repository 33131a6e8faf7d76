// Every pickle limit at its value (accepted) and one past it (LIMIT). Limits too large to reach in
// a unit test are exercised through the override the machine accepts, with the same code path.
import { describe, expect, it } from 'vitest';
import { unpickle } from '../../../../electron/formats/pickle/machine';
import {
  DEFAULT_PICKLE_LIMITS,
  MAX_PICKLE_GLOBAL_NAME_BYTES,
  MAX_PICKLE_LONG_BYTES,
  MAX_PICKLE_MARK_DEPTH,
  MAX_PICKLE_NESTING,
  type PickleLimits,
} from '../../../../electron/formats/pickle/limits';
import { PyDict, PySet, PyTuple } from '../../../../electron/formats/pickle/values';
import { FormatError } from '../../../../shared/errors';
import { asm, le } from './pickle-writer';

const run = (b: Uint8Array, limits?: Partial<PickleLimits>) => unpickle(b, { resolvers: new Map(), ...(limits ? { limits } : {}) });

function limitError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError && e.code === 'LIMIT') return e;
    throw e;
  }
  throw new Error('expected a LIMIT error');
}

const repeat = (n: number, ...b: number[]): number[] => new Array<number[]>(n).fill(b).flat();

describe('pickle limits', () => {
  it('maxInputBytes', () => {
    const ok = asm(0x80, 2, 0x4b, 1, 0x2e);
    expect(run(ok, { maxInputBytes: ok.length }).value).toBe(1);
    expect(limitError(() => run(ok, { maxInputBytes: ok.length - 1 })).message).toBe('pickle is 5 bytes, more than the 4-byte limit');
  });

  it('maxStackDepth', () => {
    const pushes = (n: number) => asm(0x80, 2, 0x28, repeat(n, 0x4e), 0x74, 0x2e);
    expect((run(pushes(100), { maxStackDepth: 100 }).value as PyTuple).items.length).toBe(100);
    expect(limitError(() => run(pushes(101), { maxStackDepth: 100 })).message).toBe('NONE at byte 103: stack deeper than 100 items');
  });

  it('maxMarkDepth at its default of 1000', () => {
    const nested = (n: number) => asm(0x80, 2, repeat(n, 0x28), repeat(n, 0x74), 0x2e);
    expect(run(nested(MAX_PICKLE_MARK_DEPTH)).value).toBeInstanceOf(PyTuple);
    expect(limitError(() => run(nested(MAX_PICKLE_MARK_DEPTH + 1))).message).toBe('MARK at byte 1002: more than 1000 nested MARKs');
  });

  it('maxMemoEntries, counting new slots only', () => {
    const memo = (n: number) => asm(0x80, 4, 0x4e, repeat(n, 0x94), 0x2e);
    expect(run(memo(3), { maxMemoEntries: 3 }).value).toBe(null);
    expect(limitError(() => run(memo(4), { maxMemoEntries: 3 })).message).toBe('MEMOIZE at byte 6: more than 3 memo entries');
    expect(run(asm(0x80, 2, 0x4e, repeat(10, 0x71, 0), 0x2e), { maxMemoEntries: 1 }).value).toBe(null);
  });

  it('maxObjects', () => {
    const lists = (n: number) => asm(0x80, 2, 0x28, repeat(n, 0x5d), 0x6c, 0x2e);
    expect(run(lists(9), { maxObjects: 10 }).value).not.toBe(null); // 9 lists + the outer one
    expect(limitError(() => run(lists(10), { maxObjects: 10 })).message).toBe('LIST at byte 13: more than 10 objects');
  });

  it('maxStringBytes for str and bytes', () => {
    expect(run(asm(0x80, 4, 0x8c, 5, 'abcde', 0x2e), { maxStringBytes: 5 }).value).toBe('abcde');
    expect(limitError(() => run(asm(0x80, 4, 0x8c, 6, 'abcdef', 0x2e), { maxStringBytes: 5 })).message).toBe(
      'SHORT_BINUNICODE at byte 2: a 6-byte string exceeds the 5-byte limit',
    );
    expect(limitError(() => run(asm(0x80, 3, 0x42, le(6, 4), 'abcdef', 0x2e), { maxStringBytes: 5 })).code).toBe('LIMIT');
  });

  it('refuses a declared string length before allocating it', () => {
    expect(limitError(() => run(asm(0x80, 4, 0x8d, le(2 ** 40, 8), 0x2e))).message).toMatch(/a 1099511627776-byte string exceeds/);
    expect(() => run(asm(0x80, 4, 0x8d, le(1000, 8), 0x2e))).toThrow('pickle ends inside BINUNICODE8 at byte 2: needs 1000 more bytes, 1 left');
  });

  it('maxLongBytes at its default of 2048', () => {
    const long4 = (n: number) => asm(0x80, 2, 0x8b, le(n, 4), repeat(n - 1, 0), 0x01, 0x2e);
    expect(run(long4(MAX_PICKLE_LONG_BYTES)).value).toBe(1n << BigInt(8 * (MAX_PICKLE_LONG_BYTES - 1)));
    expect(limitError(() => run(long4(MAX_PICKLE_LONG_BYTES + 1))).message).toBe('LONG4 at byte 2: a 2049-byte integer exceeds the 2048-byte limit');
  });

  it('global names up to MAX_PICKLE_GLOBAL_NAME_BYTES', () => {
    const global = (n: number) => asm(0x80, 2, 0x63, 'm'.repeat(n), '\n', 'x\n', 0x2e);
    expect(run(global(MAX_PICKLE_GLOBAL_NAME_BYTES)).opaqueGlobals).toEqual([`${'m'.repeat(MAX_PICKLE_GLOBAL_NAME_BYTES)}.x`]);
    expect(limitError(() => run(global(MAX_PICKLE_GLOBAL_NAME_BYTES + 1))).message).toBe('GLOBAL at byte 2 has a name longer than 1024 bytes');
  });

  it('maxNesting bounds tuples hashed as dict keys and set members (at the default of 1000)', () => {
    // EMPTY_DICT, NONE, n × TUPLE1, NONE, SETITEM: {((…(None,)…),): None}
    const keyed = (n: number) => asm(0x80, 2, 0x7d, 0x4e, repeat(n, 0x85), 0x4e, 0x73, 0x2e);
    expect(run(keyed(MAX_PICKLE_NESTING)).value).toBeInstanceOf(PyDict);
    const e = limitError(() => run(keyed(MAX_PICKLE_NESTING + 1)));
    expect(e.message).toBe(`SETITEM at byte ${MAX_PICKLE_NESTING + 6}: a dict key or set member nests tuples deeper than 1000 levels`);
    expect(e.offset).toBe(MAX_PICKLE_NESTING + 6);
    // EMPTY_SET, MARK, NONE, n × TUPLE1, ADDITEMS
    const member = (n: number) => asm(0x80, 4, 0x8f, 0x28, 0x4e, repeat(n, 0x85), 0x90, 0x2e);
    expect(run(member(MAX_PICKLE_NESTING)).value).toBeInstanceOf(PySet);
    expect(limitError(() => run(member(MAX_PICKLE_NESTING + 1))).message).toMatch(/^ADDITEMS at byte \d+: a dict key or set member nests tuples deeper than 1000 levels$/);
  });

  it('maxNesting counts a key\'s full depth, even when its inner tuples were hashed before', () => {
    // {t5: None} then {(t5,): None} with maxNesting 5: t5 is cached, yet (t5,) is 6 deep.
    const t5 = [0x4e, ...repeat(5, 0x85), 0x94]; // MEMOIZE as memo 0
    const pkl = asm(0x80, 4, 0x7d, t5, 0x4e, 0x73, 0x7d, 0x68, 0, 0x85, 0x4e, 0x73, 0x86, 0x2e);
    const e = limitError(() => run(pkl, { maxNesting: 5 }));
    expect(e.message).toMatch(/nests tuples deeper than 5 levels$/);
    const ok = asm(0x80, 4, 0x7d, t5, 0x4e, 0x73, 0x7d, 0x68, 0, 0x4e, 0x73, 0x86, 0x2e);
    expect((run(ok, { maxNesting: 5 }).value as PyTuple).items).toHaveLength(2);
  });

  it('defaults are the named constants', () => {
    expect(DEFAULT_PICKLE_LIMITS.maxMarkDepth).toBe(MAX_PICKLE_MARK_DEPTH);
    expect(DEFAULT_PICKLE_LIMITS.maxLongBytes).toBe(MAX_PICKLE_LONG_BYTES);
    expect(Object.values(DEFAULT_PICKLE_LIMITS).every((v) => Number.isSafeInteger(v) && v > 0)).toBe(true);
  });
});
