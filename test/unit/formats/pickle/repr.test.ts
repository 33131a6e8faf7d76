// Expected strings were printed by CPython's repr() (3.11; OrderedDict uses the 3.12+ form).
import { describe, expect, it } from 'vitest';
import { bytesRepr, floatRepr, pyRepr, pythonTypeName, reprWithCap, strRepr } from '../../../../electron/formats/pickle/repr';
import {
  KeyInterner,
  OpaqueGlobal,
  PyDict,
  PyFloat,
  PyList,
  PySet,
  PyTuple,
} from '../../../../electron/formats/pickle/values';
import { FormatError } from '../../../../shared/errors';
import { MAX_PICKLE_NESTING } from '../../../../electron/formats/pickle/limits';

describe('floatRepr', () => {
  const cases: Array<[number, string]> = [
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [1e-8, '1e-08'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
    [1, '1.0'],
    [-0, '-0.0'],
    [0, '0.0'],
    [1e16, '1e+16'],
    [1234567890123456, '1234567890123456.0'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [123.456, '123.456'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.3, '0.3'],
    [2 / 3, '0.6666666666666666'],
    [-2.5e-5, '-2.5e-05'],
    [1e22, '1e+22'],
    [100, '100.0'],
    [0.999, '0.999'],
  ];
  it.each(cases)('repr(%s) == %s', (x, want) => {
    expect(floatRepr(x)).toBe(want);
  });
});

describe('strRepr', () => {
  const cases: Array<[string, string]> = [
    ['héllo ✓', "'héllo ✓'"],
    ["it's", `"it's"`],
    [`a"b'c`, `'a"b\\'c'`],
    ['a\nb\tc\x00\x7f', "'a\\nb\\tc\\x00\\x7f'"],
    ['\u200b', "'\\u200b'"],
    ['\xa0', "'\\xa0'"],
    ['😀', "'😀'"],
    ['\ue000', "'\\ue000'"],
    ['\ud800', "'\\ud800'"],
    ['x\\y', "'x\\\\y'"],
    ['\x85', "'\\x85'"],
    ['\u2028', "'\\u2028'"],
    ['\u0378', "'\\u0378'"],
    ['\r', "'\\r'"],
    ['', "''"],
  ];
  it.each(cases)('repr(%j) == %s', (s, want) => {
    expect(strRepr(s)).toBe(want);
  });
});

describe('bytesRepr', () => {
  it('escapes like PyBytes_Repr', () => {
    expect(bytesRepr(Uint8Array.of(0, 1))).toBe("b'\\x00\\x01'");
    expect(bytesRepr(Uint8Array.of(0x27))).toBe(`b"'"`);
    expect(bytesRepr(Uint8Array.of(0x5c))).toBe("b'\\\\'");
    expect(bytesRepr(Uint8Array.of(0x22, 0x27))).toBe(`b'"\\''`);
    expect(bytesRepr(Uint8Array.of(0x61, 0x7f, 0x80, 0xff, 0x0a))).toBe("b'a\\x7f\\x80\\xff\\n'");
    expect(bytesRepr(new Uint8Array(0))).toBe("b''");
  });
});

describe('pyRepr and pythonTypeName', () => {
  const k = new KeyInterner();
  it('prints scalars and containers as Python does', () => {
    expect(pyRepr(null)).toBe('None');
    expect(pyRepr(true)).toBe('True');
    expect(pyRepr(12345678901234)).toBe('12345678901234');
    expect(pyRepr(-(2n ** 70n))).toBe('-1180591620717411303424');
    expect(pyRepr(new PyTuple([]))).toBe('()');
    expect(pyRepr(new PyTuple([1]))).toBe('(1,)');
    expect(pyRepr(new PyTuple([1, 'a']))).toBe("(1, 'a')");
    expect(pyRepr(new PyTuple([new PyFloat(0.9), new PyFloat(0.999)]))).toBe('(0.9, 0.999)');
    expect(pyRepr(new PyList([new PyFloat(1.5), new PyList([2, 3])]))).toBe('[1.5, [2, 3]]');
    const d = new PyDict(k);
    d.set(1, 2);
    d.set('a', new PyTuple([1]));
    expect(pyRepr(d)).toBe("{1: 2, 'a': (1,)}");
    expect(pyRepr(new PySet(k))).toBe('set()');
    const fs = new PySet(k, true);
    fs.add(1);
    expect(pyRepr(fs)).toBe('frozenset({1})');
    expect(pyRepr(new PyDict(k, 'OrderedDict'))).toBe('OrderedDict()');
    const od = new PyDict(k, 'OrderedDict');
    od.set('a', 1);
    expect(pyRepr(od)).toBe("OrderedDict({'a': 1})");
  });

  it('prints self-references as [...] and {...}', () => {
    const l = new PyList();
    l.items.push(l);
    expect(pyRepr(l)).toBe('[[...]]');
    const d = new PyDict(k);
    d.set('x', d);
    expect(pyRepr(d)).toBe("{'x': {...}}");
  });

  it('names Python types', () => {
    expect(pythonTypeName(null)).toBe('NoneType');
    expect(pythonTypeName(false)).toBe('bool');
    expect(pythonTypeName(3)).toBe('int');
    expect(pythonTypeName(3n)).toBe('int');
    expect(pythonTypeName(new PyFloat(3))).toBe('float');
    expect(pythonTypeName('s')).toBe('str');
    expect(pythonTypeName(new Uint8Array(1))).toBe('bytes');
    expect(pythonTypeName(new PyTuple([]))).toBe('tuple');
    expect(pythonTypeName(new PyList())).toBe('list');
    expect(pythonTypeName(new PyDict(k))).toBe('dict');
    expect(pythonTypeName(new PyDict(k, 'OrderedDict'))).toBe('OrderedDict');
    expect(pythonTypeName(new PySet(k))).toBe('set');
    expect(pythonTypeName(new PySet(k, true))).toBe('frozenset');
    expect(pythonTypeName(new OpaqueGlobal('posix', 'system'))).toBe('global');
  });

  it('cuts output at maxChars even when one shared value repeats', () => {
    const big = 'x'.repeat(10_000);
    const l = new PyList(new Array(10_000).fill(big));
    const r = reprWithCap(l, { maxChars: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.text.length).toBe(1000);
    expect(r.text.endsWith('…')).toBe(true);
    expect(reprWithCap(new PyList([1]), { maxChars: 1000 })).toEqual({ text: '[1]', truncated: false });
  });

  it('descends exactly MAX_PICKLE_NESTING levels and refuses one more', () => {
    const nest = (depth: number): PyList => {
      let v = new PyList();
      for (let i = 0; i < depth; i++) v = new PyList([v]);
      return v;
    };
    expect(pyRepr(nest(MAX_PICKLE_NESTING)).startsWith('[[[')).toBe(true);
    expect(() => pyRepr(nest(MAX_PICKLE_NESTING + 1))).toThrow(FormatError);
    expect(() => pyRepr(nest(MAX_PICKLE_NESTING + 1))).toThrow(/deeper than 1000 levels/);
  });
});
