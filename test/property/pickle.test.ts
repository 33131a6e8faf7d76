// The pickle machine and the .metadata parser on damaged and random input: they return a value
// or throw FormatError — never another exception, never a hang (inputs stay small).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unpickle } from '../../electron/formats/pickle/machine';
import { pyRepr } from '../../electron/formats/pickle/repr';
import { parseDcpMetadata } from '../../electron/formats/dcp/metadata';
import { METADATA_ALLOW_LIST } from '../../electron/formats/dcp/metadata-globals';
import { BYTES_ITEM_ALLOW_LIST, TENSOR_ITEM_ALLOW_LIST } from '../../electron/formats/dcp/item';
import { HostValue } from '../../electron/formats/pickle/values';
import { FormatError } from '../../shared/errors';
import { fixtureDir } from '../support/fixtures';

const META = new Uint8Array(readFileSync(path.join(fixtureDir('bytes_objects'), '.metadata')));
const META_DTYPES = new Uint8Array(readFileSync(path.join(fixtureDir('dtypes'), '.metadata')));

/** Runs fn; FormatError is an acceptable outcome, anything else fails the property. */
function onlyFormatErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof FormatError) return true;
    throw e;
  }
}

/** A mutation of `base`: bit flips, byte overwrites, a cut, an insertion. */
function mutated(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const flip = fc.record({ at: fc.nat({ max: base.length - 1 }), bit: fc.integer({ min: 0, max: 7 }) });
  const put = fc.record({ at: fc.nat({ max: base.length - 1 }), value: fc.integer({ min: 0, max: 255 }) });
  return fc
    .record({
      flips: fc.array(flip, { maxLength: 4 }),
      puts: fc.array(put, { maxLength: 4 }),
      cut: fc.option(fc.nat({ max: base.length }), { nil: undefined }),
      insert: fc.option(fc.record({ at: fc.nat({ max: base.length }), bytes: fc.uint8Array({ maxLength: 8 }) }), { nil: undefined }),
    })
    .map(({ flips, puts, cut, insert }) => {
      let b = base.slice();
      for (const f of flips) b[f.at] = (b[f.at] as number) ^ (1 << f.bit);
      for (const p of puts) b[p.at] = p.value;
      if (insert) b = Uint8Array.from([...b.subarray(0, insert.at), ...insert.bytes, ...b.subarray(insert.at)]);
      if (cut !== undefined) b = b.subarray(0, cut);
      return b;
    });
}

const pickleish = fc
  .tuple(fc.integer({ min: 2, max: 5 }), fc.uint8Array({ maxLength: 200 }))
  .map(([p, body]) => Uint8Array.from([0x80, p, ...body]));

const resolverSets = [new Map(), METADATA_ALLOW_LIST, TENSOR_ITEM_ALLOW_LIST, BYTES_ITEM_ALLOW_LIST];

describe('pickle machine properties', () => {
  it('mutated real .metadata: a value or a FormatError', () => {
    fc.assert(
      fc.property(mutated(META), (b) =>
        onlyFormatErrors(() => {
          const r = unpickle(b, { resolvers: METADATA_ALLOW_LIST });
          pyRepr(r.value, { maxChars: 10_000 });
        }),
      ),
      { numRuns: 500 },
    );
  });

  it('random bytes under every allow-list: a value or a FormatError', () => {
    fc.assert(
      fc.property(fc.oneof(pickleish, fc.uint8Array({ maxLength: 200 })), fc.nat({ max: resolverSets.length - 1 }), (b, i) =>
        onlyFormatErrors(() => {
          const r = unpickle(b, { resolvers: resolverSets[i] as Map<string, never>, persistentLoad: (pid) => new HostValue('pid', pid) });
          pyRepr(r.value, { maxChars: 10_000 });
        }),
      ),
      { numRuns: 2000 },
    );
  });

  it('mutated .metadata through parseDcpMetadata: typed metadata or a FormatError', () => {
    fc.assert(fc.property(fc.oneof(mutated(META), mutated(META_DTYPES)), (b) => onlyFormatErrors(() => parseDcpMetadata(b))), { numRuns: 400 });
  });

  it('never runs anything: every hostile global stays listed as opaque', () => {
    const names = fc.constantFrom('os system', 'posix system', 'subprocess Popen', 'builtins eval', 'builtins exec', 'builtins __import__', 'nt system');
    fc.assert(
      fc.property(names, fc.string({ maxLength: 20 }), (name, arg) => {
        const [m, n] = name.split(' ') as [string, string];
        const enc = new TextEncoder();
        const a = enc.encode(arg);
        const b = Uint8Array.from([0x80, 2, 0x63, ...enc.encode(`${m}\n${n}\n`), 0x58, a.length, 0, 0, 0, ...a, 0x85, 0x52, 0x2e]);
        const r = unpickle(b, { resolvers: BYTES_ITEM_ALLOW_LIST });
        expect(r.opaqueGlobals).toEqual([`${m}.${n}`]);
      }),
      { numRuns: 100 },
    );
  });
});
