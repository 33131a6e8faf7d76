import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpickle, type UnpickleOptions } from '../../../../electron/formats/pickle/machine';
import { defineAllowList, ORDERED_DICT } from '../../../../electron/formats/pickle/globals';
import {
  AllowedGlobal,
  HostValue,
  OpaqueCall,
  OpaqueGlobal,
  PyDict,
  PyFloat,
  PyInstance,
  PyList,
  PySet,
  PyTuple,
  type PyValue,
} from '../../../../electron/formats/pickle/values';
import { pyRepr } from '../../../../electron/formats/pickle/repr';
import { fixtureDir } from '../../../support/fixtures';
import { asm, bytes, dict, float, g, le, list, longBytes, obj, reduce, tuple, writePickle } from './pickle-writer';
import { failure } from '../../../support/outcome';

const NONE: UnpickleOptions = { resolvers: new Map() };
const run = (b: Uint8Array, o: UnpickleOptions = NONE): PyValue => unpickle(b, o).value;


describe('scalars', () => {
  it('decodes BININT1/BININT2/BININT including negative i32', () => {
    expect(run(asm(0x80, 2, 0x4b, 200, 0x2e))).toBe(200);
    expect(run(asm(0x80, 2, 0x4d, 0x34, 0x12, 0x2e))).toBe(0x1234);
    expect(run(asm(0x80, 2, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x2e))).toBe(-1);
    expect(run(asm(0x80, 2, 0x4a, 0x00, 0x00, 0x00, 0x80, 0x2e))).toBe(-(2 ** 31));
  });

  it('decodes LONG1 as two\'s complement, narrowing to number up to 2^53 and bigint beyond', () => {
    expect(run(writePickle(12345678901234))).toBe(12345678901234);
    expect(run(writePickle(2 ** 31))).toBe(2 ** 31);
    expect(run(writePickle(-(2n ** 40n)))).toBe(-(2 ** 40));
    expect(run(writePickle(2n ** 53n - 1n))).toBe(Number.MAX_SAFE_INTEGER);
    expect(run(writePickle(2n ** 53n))).toBe(2n ** 53n); // not a safe integer: stays exact
    expect(run(writePickle(-(2n ** 53n) + 1n))).toBe(Number.MIN_SAFE_INTEGER);
    expect(run(writePickle(-(2n ** 63n)))).toBe(-(2n ** 63n));
    expect(run(asm(0x80, 2, 0x8a, 0, 0x2e))).toBe(0); // LONG1 with n = 0 is 0
    expect(run(asm(0x80, 2, 0x8a, 1, 0xff, 0x2e))).toBe(-1);
    expect(run(asm(0x80, 2, 0x8a, 2, 0xff, 0x00, 0x2e))).toBe(255);
  });

  it('decodes LONG4 (integers over 255 bytes)', () => {
    const v = 2n ** 2100n + 7n;
    const b = longBytes(v);
    expect(b.length).toBeGreaterThan(255);
    expect(run(asm(0x80, 2, 0x8b, le(b.length, 4), b, 0x2e))).toBe(v);
    expect(run(writePickle(-v))).toBe(-v);
  });

  it('decodes BINFLOAT big-endian into PyFloat, None and booleans', () => {
    const f = run(writePickle(float(0.1)));
    expect(f).toBeInstanceOf(PyFloat);
    expect((f as PyFloat).value).toBe(0.1);
    expect(run(asm(0x80, 2, 0x4e, 0x2e))).toBe(null);
    expect(run(asm(0x80, 2, 0x88, 0x2e))).toBe(true);
    expect(run(asm(0x80, 2, 0x89, 0x2e))).toBe(false);
  });

  it('decodes the three string opcodes as UTF-8 and keeps encoded lone surrogates', () => {
    expect(run(asm(0x80, 4, 0x8c, 10, 'héllo ✓', 0x2e))).toBe('héllo ✓');
    expect(run(asm(0x80, 2, 0x58, le(3, 4), 'abc', 0x2e))).toBe('abc');
    expect(run(asm(0x80, 4, 0x8d, le(2, 8), 'xy', 0x2e))).toBe('xy');
    expect(run(asm(0x80, 4, 0x8c, 3, [0xed, 0xa0, 0x80], 0x2e))).toBe('\ud800');
    expect(failure(() => run(asm(0x80, 4, 0x8c, 2, [0xc3, 0x28], 0x2e))).code).toBe('CORRUPT');
  });

  it('decodes the three bytes opcodes', () => {
    expect(run(asm(0x80, 3, 0x43, 2, [0, 1], 0x2e))).toEqual(Uint8Array.of(0, 1));
    expect(run(asm(0x80, 3, 0x42, le(1, 4), [9], 0x2e))).toEqual(Uint8Array.of(9));
    expect(run(asm(0x80, 4, 0x8e, le(3, 8), [1, 2, 3], 0x2e))).toEqual(Uint8Array.of(1, 2, 3));
  });
});

describe('containers, memo and stack ops', () => {
  it('builds tuples, lists, dicts, sets and frozensets', () => {
    const v = run(writePickle(tuple(tuple(), tuple(1), tuple(1, 2), tuple(1, 2, 3), tuple(1, 2, 3, 4), list(1, list()), dict(['a', 1], [2, 'b']), { t: 'set', items: [1, 2, 2] }, { t: 'set', items: [3], frozen: true })));
    expect(pyRepr(v)).toBe("((), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [1, []], {'a': 1, 2: 'b'}, {1, 2}, frozenset({3}))");
  });

  it('handles SETITEM, APPEND, LIST, DICT, POP, POP_MARK and DUP', () => {
    // ( 1 2 l → [1, 2]; } 'k' 'v' s; ( 'x' 9 d; 7 0 (pop); ( 5 6 1 (pop mark); 2 (dup) → tuple3
    const b = asm(0x80, 2, 0x28, 0x4b, 1, 0x4b, 2, 0x6c, 0x4b, 3, 0x61, 0x7d, 0x58, le(1, 4), 'k', 0x58, le(1, 4), 'v', 0x73, 0x28, 0x58, le(1, 4), 'x', 0x4b, 9, 0x64, 0x4b, 7, 0x30, 0x28, 0x4b, 5, 0x4b, 6, 0x31, 0x32, 0x87, 0x2e);
    const v = run(b) as PyTuple;
    expect(pyRepr(v)).toBe("({'k': 'v'}, {'x': 9}, {'x': 9})");
    expect(v.items[1]).toBe(v.items[2]); // DUP pushes the same object
    const withList = asm(0x80, 2, 0x28, 0x4b, 1, 0x4b, 2, 0x6c, 0x4b, 3, 0x61, 0x2e);
    expect(pyRepr(run(withList))).toBe('[1, 2, 3]');
  });

  it('shares memoized objects through MEMOIZE/BINPUT/LONG_BINPUT and BINGET/LONG_BINGET', () => {
    const b = asm(0x80, 4, 0x5d, 0x94, 0x5d, 0x71, 7, 0x5d, 0x72, le(70000, 4), 0x68, 0, 0x68, 7, 0x6a, le(70000, 4), 0x6a, le(0, 4), 0x28, 0x74, 0x2e);
    // stack: l0 l7 lX l0 l7 lX l0 () → tuple of the last eight pushes from MARK: empty tuple
    const t = unpickle(b, NONE).value;
    expect(t).toBeInstanceOf(PyTuple);
    const b2 = asm(0x80, 4, 0x5d, 0x94, 0x68, 0, 0x86, 0x2e);
    const pair = run(b2) as PyTuple;
    expect(pair.items[0]).toBe(pair.items[1]);
    expect(pair.items[0]).toBeInstanceOf(PyList);
  });

  it('treats 1, 1.0 and True as the same dict key and tuples by value', () => {
    const d = run(writePickle(dict([1, 'a'], [float(1), 'b'], [true, 'c'], [tuple(1, 'x'), 'd'], [tuple(1, 'x'), 'e']))) as PyDict;
    expect(d.size).toBe(2);
    expect(pyRepr(d)).toBe("{1: 'c', (1, 'x'): 'e'}");
  });

  it('keeps dict semantics across the small (scan) and large (indexed) paths', () => {
    const dup = run(writePickle(dict(['a', 1], ['b', 2], ['a', 3]))) as PyDict;
    expect(pyRepr(dup)).toBe("{'a': 3, 'b': 2}");
    const many = Array.from({ length: 20 }, (_, i): [string, number] => [`k${i}`, i]);
    const big = run(writePickle(dict(...many, ['k3', 99], [3, 'int key']))) as PyDict;
    expect(big.size).toBe(21);
    expect(big.get('k3')).toBe(99);
    expect(big.get('k19')).toBe(19);
    expect(big.get(3)).toBe('int key');
    expect(big.get('3')).toBeUndefined();
    const grown = run(asm(0x80, 2, 0x7d, ...many.flatMap(([k, v]) => [0x58, ...le(k.length, 4), ...new TextEncoder().encode(k), 0x4b, v, 0x73]), 0x2e)) as PyDict;
    expect(grown.get('k0')).toBe(0);
    expect(grown.get('k15')).toBe(15);
    expect(grown.keys.length).toBe(20);
  });

  it('reads several FRAMEs and protocols 2 to 5', () => {
    const value = dict(['a', list(1, 2, 3, 'xyz', float(2.5))], ['b', tuple('p', 'q', 'r', 's')]);
    const want = "{'a': [1, 2, 3, 'xyz', 2.5], 'b': ('p', 'q', 'r', 's')}";
    for (const protocol of [2, 3, 4, 5] as const) expect(pyRepr(run(writePickle(value, { protocol })))).toBe(want);
    const framed = writePickle(value, { protocol: 5, frameSize: 4 });
    expect(framed.filter((x, i) => x === 0x95 && i > 1).length).toBeGreaterThan(3);
    expect(pyRepr(run(framed))).toBe(want);
    expect(unpickle(framed, NONE).protocol).toBe(5);
  });

  it('applies NEWOBJ_EX and BUILD to allowed classes', () => {
    const resolvers = defineAllowList([['m C', { newobj: (self, args) => new PyInstance(self, args) }]]);
    const b = asm(0x80, 4, 0x8c, 1, 'm', 0x8c, 1, 'C', 0x93, 0x4b, 1, 0x85, 0x7d, 0x92, 0x7d, 0x8c, 1, 'f', 0x4b, 2, 0x73, 0x62, 0x2e);
    const v = run(b, { resolvers }) as PyInstance;
    expect(v).toBeInstanceOf(PyInstance);
    expect(v.args).toEqual([1]);
    expect(v.field('f')).toBe(2);
  });
});

describe('globals stay inert', () => {
  const hostile: Array<[string, string, PyValue[]]> = [
    ['posix', 'system', ['echo UNSAFE-PICKLE-EXECUTED']],
    ['os', 'system', ['rm -rf /']],
    ['subprocess', 'Popen', [list('sh', '-c', 'id') as never]],
    ['builtins', 'eval', ["__import__('os').system('id')"]],
    ['builtins', 'exec', ['import os']],
    ['builtins', '__import__', ['os']],
  ];
  it.each(hostile)('%s.%s becomes an OpaqueCall naming the global', (module, name, args) => {
    const b = writePickle(reduce(g(module, name), ...(args as never[])), { protocol: 2 });
    const r = unpickle(b, { resolvers: defineAllowList([['collections OrderedDict', ORDERED_DICT]]) });
    expect(r.value).toBeInstanceOf(OpaqueCall);
    const call = r.value as OpaqueCall;
    expect(call.callee).toBeInstanceOf(OpaqueGlobal);
    expect((call.callee as OpaqueGlobal).qualname).toBe(`${module}.${name}`);
    expect(r.opaqueGlobals).toEqual([`${module}.${name}`]);
  });

  it('records BUILD, APPENDS and SETITEMS applied to an inert object', () => {
    const b = writePickle(obj(g('evil', 'Thing'), dict(['x', 1])), { protocol: 4 });
    const r = unpickle(b, NONE);
    const call = r.value as OpaqueCall;
    expect(call.kind).toBe('newobj');
    expect(call.states.length).toBe(1);
    const b2 = asm(0x80, 2, 0x63, 'evil\nList\n', 0x29, 0x52, 0x28, 0x4b, 1, 0x65, 0x28, 0x4b, 2, 0x4b, 3, 0x75, 0x2e);
    const c2 = run(b2) as OpaqueCall;
    expect(c2.listItems).toEqual([1]);
    expect(c2.dictItems).toEqual([[2, 3]]);
  });

  it('maps protocol-2 __builtin__ names to builtins before looking them up', () => {
    const resolvers = defineAllowList([['builtins set', { reduce: (_s, _a, ctx) => ctx.newSet(false) }]]);
    const v = run(asm(0x80, 2, 0x63, '__builtin__\nset\n', 0x29, 0x52, 0x2e), { resolvers });
    expect(v).toBeInstanceOf(PySet);
  });

  it('turns a declined handler call into an inert record and reports the global', () => {
    const resolvers = defineAllowList([['m f', { reduce: () => undefined }]]);
    const r = unpickle(writePickle(reduce(g('m', 'f'), 1)), { resolvers });
    expect(r.value).toBeInstanceOf(OpaqueCall);
    expect((r.value as OpaqueCall).callee).toBeInstanceOf(AllowedGlobal);
    expect(r.opaqueGlobals).toEqual(['m.f']);
  });

  it('hands persistent ids to persistent_load and refuses them without one', () => {
    const b = writePickle({ t: 'persid', pid: tuple('storage', 1) }, { protocol: 2 });
    const v = run(b, { resolvers: new Map(), persistentLoad: (pid) => new HostValue('pid', pid) });
    expect(v).toBeInstanceOf(HostValue);
    const e = failure(() => run(b));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/BINPERSID at byte \d+: persistent id/);
  });

  it('refuses to define an allow-list twice or with a malformed key', () => {
    expect(() => defineAllowList([['a b', {}]], [['a b', {}]])).toThrow(/defined twice/);
    expect(() => defineAllowList([['a.b', {}]])).toThrow(/not "module name"/);
  });
});

describe('bad input', () => {
  it('names an unknown opcode and its offset', () => {
    const e = failure(() => run(asm(0x80, 2, 0x4b, 1, 0xff, 0x2e)));
    expect(e.code).toBe('CORRUPT');
    expect(e.offset).toBe(4);
    expect(e.message).toBe('unknown pickle opcode 0xff at byte 4');
  });

  it('reports truncation inside an operand and a missing STOP', () => {
    const e = failure(() => run(asm(0x80, 2, 0x58, le(10, 4), 'abc')));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toBe('pickle ends inside BINUNICODE at byte 2: needs 10 more bytes, 3 left');
    const e2 = failure(() => run(asm(0x80, 2, 0x4b, 1)));
    expect(e2.code).toBe('TRUNCATED');
    expect(e2.message).toBe('pickle ends at byte 4 without a STOP opcode');
  });

  it('refuses a FRAME longer than the rest of the input', () => {
    const e = failure(() => run(asm(0x80, 4, 0x95, le(100, 8), 0x4e, 0x2e)));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/FRAME at byte 2 declares 100 bytes but only 2 follow/);
  });

  it('refuses stack underflow, unknown memo entries, and reaching below a MARK', () => {
    expect(failure(() => run(asm(0x80, 2, 0x85, 0x2e))).message).toBe('TUPLE1 at byte 2: stack underflow');
    expect(failure(() => run(asm(0x80, 2, 0x68, 3, 0x2e))).message).toBe('BINGET at byte 2: memo entry 3 was never stored');
    expect(failure(() => run(asm(0x80, 2, 0x5d, 0x28, 0x4b, 1, 0x61, 0x61, 0x2e))).message).toBe('APPEND at byte 6: stack underflow');
    expect(failure(() => run(asm(0x80, 2, 0x74, 0x2e))).message).toBe('TUPLE at byte 2: no MARK to pop to');
  });

  it('refuses text-protocol opcodes, out-of-band buffers and future protocols as UNSUPPORTED', () => {
    expect(failure(() => run(asm(0x80, 2, 0x49, '1\n', 0x2e))).code).toBe('UNSUPPORTED');
    expect(failure(() => run(asm(0x80, 5, 0x97, 0x2e))).message).toMatch(/^NEXT_BUFFER at byte 2/);
    expect(failure(() => run(asm(0x80, 6, 0x4e, 0x2e))).message).toBe('PROTO at byte 0: protocol 6 is newer than 5');
  });

  it('refuses calling or appending to plain values', () => {
    expect(failure(() => run(asm(0x80, 2, 0x4b, 1, 0x29, 0x52, 0x2e))).message).toBe('REDUCE at byte 5: cannot call a int');
    expect(failure(() => run(asm(0x80, 2, 0x29, 0x4b, 1, 0x61, 0x2e))).message).toBe('APPEND at byte 5: cannot append to a tuple');
    expect(failure(() => run(asm(0x80, 2, 0x7d, 0x4b, 1, 0x62, 0x2e))).message).toBe('BUILD at byte 5: cannot set state on a dict');
  });

  it('decodes every fixture .metadata and finds a Metadata object', () => {
    for (const c of ['bytes_objects', 'dtypes', 'hsdp', 'titan_llama']) {
      const bytesOf = readFileSync(path.join(fixtureDir(c), '.metadata'));
      const r = unpickle(bytesOf, { resolvers: defineAllowList([['torch.distributed.checkpoint.metadata Metadata', { newobj: (s, a) => new PyInstance(s, a) }]]) });
      expect(r.protocol).toBe(5);
      expect((r.value as PyInstance).cls.name).toBe('Metadata');
      expect((r.value as PyInstance).state).toBeInstanceOf(PyDict);
    }
  });

  it('returns bytes payloads as owned copies', () => {
    const src = writePickle(bytes(1, 2, 3), { protocol: 3 });
    const v = run(src) as Uint8Array;
    src.fill(0);
    expect([...v]).toEqual([1, 2, 3]);
  });
});
