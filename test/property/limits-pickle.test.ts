// The pickle machine's named limits (electron/formats/pickle/limits.ts), each at and past its
// value: at the limit a value (or a non-LIMIT error when the test cannot afford the real bytes),
// past it a typed LIMIT error, never a crash. Properties draw lengths around each limit; the limits
// too large to reach in a test (stack, memo, objects, input) are also checked with lowered limits,
// which is how callers apply them. Run counts are in NUM_RUNS (docs/limits.md quotes the total).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { unpickle } from '../../electron/formats/pickle/machine';
import { reprWithCap } from '../../electron/formats/pickle/repr';
import {
  MAX_PICKLE_GLOBAL_NAME_BYTES,
  MAX_PICKLE_INPUT_BYTES,
  MAX_PICKLE_LONG_BYTES,
  MAX_PICKLE_MARK_DEPTH,
  MAX_PICKLE_NESTING,
  MAX_PICKLE_STRING_BYTES,
  type PickleLimits,
} from '../../electron/formats/pickle/limits';
import { BYTES_ITEM_ALLOW_LIST } from '../../electron/formats/dcp/item';
import { toAppError, type ErrorCode } from '../../shared/errors';
import { concatBytes, le, OPS } from '../support/bytes';

const NUM_RUNS = 100;

function outcome(bytes: Uint8Array, limits?: Partial<PickleLimits>): ErrorCode | 'value' {
  try {
    unpickle(bytes, { resolvers: BYTES_ITEM_ALLOW_LIST, ...(limits ? { limits } : {}) });
    return 'value';
  } catch (e) {
    return toAppError(e).code;
  }
}

const P2 = [OPS.PROTO, 2];
const repeat = (op: number, n: number): Uint8Array => new Uint8Array(n).fill(op);

describe('MAX_PICKLE_STRING_BYTES (256 MiB): one str/bytes operand', () => {
  it('property: a claimed length at or under the limit is only TRUNCATED (nothing allocated); past it, LIMIT', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_PICKLE_STRING_BYTES - 4096, max: MAX_PICKLE_STRING_BYTES + 4096 }), fc.constantFrom(OPS.BINUNICODE, OPS.BINBYTES), (n, op) => {
        const code = outcome(concatBytes(P2, [op], le(n, 4), [OPS.STOP]));
        expect(code).toBe(n <= MAX_PICKLE_STRING_BYTES ? 'TRUNCATED' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('property (lowered limit): a string of n real bytes is a value when n ≤ limit, LIMIT when n > limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 8192 }), (limit, n) => {
        const code = outcome(concatBytes(P2, [OPS.BINBYTES], le(n, 4), new Uint8Array(n), [OPS.STOP]), { maxStringBytes: limit });
        expect(code).toBe(n <= limit ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_PICKLE_LONG_BYTES (2048): one LONG4 operand', () => {
  it('at the limit a value, one past it LIMIT', () => {
    const long4 = (n: number) => concatBytes(P2, [OPS.LONG4], le(n, 4), new Uint8Array(n).fill(0x11), [OPS.STOP]);
    expect(outcome(long4(MAX_PICKLE_LONG_BYTES))).toBe('value');
    expect(outcome(long4(MAX_PICKLE_LONG_BYTES + 1))).toBe('LIMIT');
  });

  it('property: LONG4 of n bytes around the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_PICKLE_LONG_BYTES - 64, max: MAX_PICKLE_LONG_BYTES + 64 }), (n) => {
        const code = outcome(concatBytes(P2, [OPS.LONG4], le(n, 4), new Uint8Array(n).fill(0x7f), [OPS.STOP]));
        expect(code).toBe(n <= MAX_PICKLE_LONG_BYTES ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_PICKLE_MARK_DEPTH (1000): open MARKs', () => {
  /** d nested tuples built with MARK … TUPLE: d MARKs open at once. */
  const nestedMarks = (d: number) => concatBytes(P2, repeat(OPS.MARK, d), repeat(OPS.TUPLE, d), [OPS.STOP]);
  it('at the limit a value, one past it LIMIT', () => {
    expect(outcome(nestedMarks(MAX_PICKLE_MARK_DEPTH))).toBe('value');
    expect(outcome(nestedMarks(MAX_PICKLE_MARK_DEPTH + 1))).toBe('LIMIT');
  });
  it('property: depth around the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_PICKLE_MARK_DEPTH - 50, max: MAX_PICKLE_MARK_DEPTH + 50 }), (d) => {
        expect(outcome(nestedMarks(d))).toBe(d <= MAX_PICKLE_MARK_DEPTH ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_PICKLE_NESTING (1000): container depth repr() and value walkers descend into', () => {
  /** A value nested `d` containers deep: (((None,),),) has depth 3. */
  const nested = (d: number) => unpickle(concatBytes(P2, [OPS.NONE], repeat(OPS.TUPLE1, d), [OPS.STOP]), { resolvers: BYTES_ITEM_ALLOW_LIST }).value;
  const reprOutcome = (d: number): ErrorCode | 'value' => {
    try {
      reprWithCap(nested(d));
      return 'value';
    } catch (e) {
      return toAppError(e).code;
    }
  };
  it('at the limit a value, one past it LIMIT', () => {
    expect(reprOutcome(MAX_PICKLE_NESTING)).toBe('value');
    expect(reprOutcome(MAX_PICKLE_NESTING + 1)).toBe('LIMIT');
  });
  it('property: depth around the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_PICKLE_NESTING - 50, max: MAX_PICKLE_NESTING + 50 }), (d) => {
        expect(reprOutcome(d)).toBe(d <= MAX_PICKLE_NESTING ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('MAX_PICKLE_GLOBAL_NAME_BYTES (1024): a GLOBAL module or name', () => {
  const globalOf = (n: number) => concatBytes(P2, [OPS.GLOBAL], new TextEncoder().encode(`${'m'.repeat(n)}\nname\n`), [OPS.STOP]);
  it('at the limit an (inert) value, one past it LIMIT', () => {
    expect(outcome(globalOf(MAX_PICKLE_GLOBAL_NAME_BYTES))).toBe('value');
    expect(outcome(globalOf(MAX_PICKLE_GLOBAL_NAME_BYTES + 1))).toBe('LIMIT');
  });
});

describe('limits too large to reach in a test, applied lowered (as callers may)', () => {
  it('property: maxStackDepth — n pushed values is a value when n ≤ limit, LIMIT past it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 6000 }), (limit, n) => {
        expect(outcome(concatBytes(P2, repeat(OPS.NONE, n), [OPS.STOP]), { maxStackDepth: limit })).toBe(n <= limit ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('property: maxMemoEntries — n MEMOIZE is a value when n ≤ limit, LIMIT past it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 6000 }), (limit, n) => {
        const bytes = concatBytes([OPS.PROTO, 4, OPS.NONE], repeat(OPS.MEMOIZE, n), [OPS.STOP]);
        expect(outcome(bytes, { maxMemoEntries: limit })).toBe(n <= limit ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('property: maxObjects — n lists created is a value when n ≤ limit, LIMIT past it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 6000 }), (limit, n) => {
        const lists = new Uint8Array(2 * n);
        for (let i = 0; i < n; i++) lists.set([OPS.EMPTY_LIST, OPS.POP], 2 * i);
        expect(outcome(concatBytes(P2, lists, [OPS.NONE, OPS.STOP]), { maxObjects: limit })).toBe(n <= limit ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('property: maxInputBytes — a pickle of n bytes is a value when n ≤ limit, LIMIT past it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 4096 }), fc.integer({ min: 4, max: 8192 }), (limit, n) => {
        // PROTO 2, n − 3 NONEs, STOP: exactly n bytes.
        const bytes = concatBytes(P2, repeat(OPS.NONE, n - 3), [OPS.STOP]);
        expect(bytes.length).toBe(n);
        expect(outcome(bytes, { maxInputBytes: limit })).toBe(n <= limit ? 'value' : 'LIMIT');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('MAX_PICKLE_INPUT_BYTES (1 GiB) at its real value: the size is refused before a byte is read', () => {
    // Lazily zeroed pages: neither buffer is touched past byte 0 by a reader that checks size first.
    const at = new Uint8Array(MAX_PICKLE_INPUT_BYTES);
    expect(outcome(at)).toBe('CORRUPT'); // read: opcode 0x00 at byte 0 is no opcode
    const past = new Uint8Array(MAX_PICKLE_INPUT_BYTES + 1);
    expect(outcome(past)).toBe('LIMIT');
  });
});
