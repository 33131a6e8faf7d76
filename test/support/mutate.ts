// Structural mutations of real input bytes for property tests: bits flipped, bytes overwritten,
// cut, duplicated, dropped or set to 0xFF runs (which turn lengths and counts into huge values).

import fc from 'fast-check';

/** One structural mutation of a byte string. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'cut'; at: number }
  | { kind: 'dup'; at: number; len: number }
  | { kind: 'drop'; at: number; len: number }
  | { kind: 'max'; at: number; len: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
  // 0xFF runs turn lengths, counts and offsets into huge values.
  fc.record({ kind: fc.constant('max' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
);

export function mutate(b: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let out = b;
  for (const m of muts) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    switch (m.kind) {
      case 'flip':
        out = out.slice();
        out[at] = (out[at] as number) ^ (1 << m.bit);
        break;
      case 'set':
        out = out.slice();
        out[at] = m.value;
        break;
      case 'cut':
        out = out.slice(0, at);
        break;
      case 'dup': {
        const piece = out.slice(at, at + m.len);
        const next = new Uint8Array(out.length + piece.length);
        next.set(out.subarray(0, at + piece.length));
        next.set(piece, at + piece.length);
        next.set(out.subarray(at + piece.length), at + 2 * piece.length);
        out = next;
        break;
      }
      case 'drop': {
        const end = Math.min(out.length, at + m.len);
        const next = new Uint8Array(out.length - (end - at));
        next.set(out.subarray(0, at));
        next.set(out.subarray(end), at);
        out = next;
        break;
      }
      case 'max':
        out = out.slice();
        out.fill(0xff, at, at + m.len);
        break;
    }
  }
  return out;
}

/** One to four mutations, applied in order. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });
