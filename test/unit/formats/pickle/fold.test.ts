// Folded BUILD states (GlobalHandler.fold / PyInstance.folded) are invisible to everything but the
// caller that reads them: `state`, field(), repr, a second BUILD and dict keys see the same Python
// object an unfolded instance would be.
import { describe, expect, it } from 'vitest';
import { DATACLASS, defineAllowList } from '../../../../electron/formats/pickle/globals';
import { unpickle } from '../../../../electron/formats/pickle/machine';
import { pyRepr } from '../../../../electron/formats/pickle/repr';
import { type GlobalHandler, PyDict, PyInstance, PyTuple, type PyValue } from '../../../../electron/formats/pickle/values';
import { asm, dict, float, g, obj, tuple, writePickle } from './pickle-writer';

interface Point {
  readonly x: number;
  readonly y: number;
}

/** Folds {x: int, y: int} (that order) into a record; anything else stays a dict. */
const POINT: GlobalHandler = {
  ...DATACLASS,
  fold: (state) => {
    const [kx, ky] = state.keys;
    const [x, y] = state.values;
    return state.size === 2 && kx === 'x' && ky === 'y' && typeof x === 'number' && typeof y === 'number' ? ({ x, y } satisfies Point) : undefined;
  },
  unfold: (f) => {
    const d = new PyDict();
    d.set('x', (f as Point).x);
    d.set('y', (f as Point).y);
    return d;
  },
};
const PLAIN: GlobalHandler = DATACLASS;
const resolvers = defineAllowList([['m Point', POINT], ['m Plain', PLAIN]]);
const run = (b: Uint8Array): PyValue => unpickle(b, { resolvers }).value;

describe('folded states', () => {
  it('fold what fits and read back as the same dict', () => {
    const [p, q] = (run(writePickle(tuple(obj(g('m', 'Point'), dict(['x', 1], ['y', 2])), obj(g('m', 'Plain'), dict(['x', 1], ['y', 2]))))) as PyTuple).items as PyInstance[];
    expect(p?.folded).toEqual({ x: 1, y: 2 });
    expect(q?.folded).toBeUndefined();
    expect(pyRepr(p as PyValue)).toBe("<m.Point state={'x': 1, 'y': 2}>");
    expect(p?.field('y')).toBe(2);
    expect(p?.folded).toBeUndefined(); // unfolded by the read, once
    expect(pyRepr(p?.state as PyValue)).toBe(pyRepr(q?.state as PyValue));
  });

  it('leave states that do not fit as dicts', () => {
    const odd = run(writePickle(tuple(obj(g('m', 'Point'), dict(['y', 2], ['x', 1])), obj(g('m', 'Point'), dict(['x', float(1.5)], ['y', 2])), obj(g('m', 'Point'), tuple(1, 2))))) as PyTuple;
    for (const p of odd.items as PyInstance[]) expect(p.folded).toBeUndefined();
    expect(pyRepr(odd)).toBe("(<m.Point state={'y': 2, 'x': 1}>, <m.Point state={'x': 1.5, 'y': 2}>, <m.Point state=(1, 2)>)");
  });

  it('merge a second BUILD into the unfolded state, as __dict__.update does', () => {
    // Point() BUILD {x:1, y:2} BUILD {y:5, z:6}
    const b = writePickle({ t: 'obj', cls: g('m', 'Point'), state: dict(['x', 1], ['y', 2]) }).slice(0, -1);
    const more = writePickle(dict(['y', 5], ['z', 6]), { frameSize: -1 }).slice(2, -1);
    const p = run(Uint8Array.from([...b, ...more, 0x62, 0x2e])) as PyInstance;
    expect(pyRepr(p)).toBe("<m.Point state={'x': 1, 'y': 5, 'z': 6}>");
  });
});

describe('instances as dict keys', () => {
  it('a fresh instance key is new; the same instance again replaces its value', () => {
    // d = {}; p = Point(); d[p] = 1; d[Point()] = 2; d[p] = 3  (the global is memo entry 1, p entry 2)
    const b = asm(0x80, 4, 0x7d, 0x94, 0x8c, 1, 'm', 0x8c, 5, 'Point', 0x93, 0x94, 0x29, 0x81, 0x94, 0x4b, 1, 0x73, 0x68, 1, 0x29, 0x81, 0x4b, 2, 0x73, 0x68, 2, 0x4b, 3, 0x73, 0x2e);
    const d = run(b) as PyDict;
    expect(d.size).toBe(2);
    expect(d.values).toEqual([3, 2]);
    expect(d.get(d.keys[0] as PyValue)).toBe(3);
  });

  it('one instance keys two dicts, and a dict with many instance keys still finds each', () => {
    // p = Point(); a = {p: 1}; b = {p: 2, Point(): 3, …}; then b[p] = 9
    const point = [0x68, 1, 0x29, 0x81]; // Point() from the memoized global
    const many: number[] = [];
    for (let i = 0; i < 20; i++) many.push(...point, 0x4b, i);
    const b = asm(
      0x80, 4, 0x8c, 1, 'm', 0x8c, 5, 'Point', 0x93, 0x94, 0x94, // global as entry 0 and 1
      0x29, 0x81, 0x94, // p as entry 2
      0x7d, 0x68, 2, 0x4b, 1, 0x73, // a
      0x7d, 0x28, 0x68, 2, 0x4b, 2, many, 0x75, 0x68, 2, 0x4b, 9, 0x73, // b
      0x86, 0x2e,
    );
    const [a, d] = (run(b) as PyTuple).items as PyDict[];
    const p = a?.keys[0] as PyValue;
    expect(a?.get(p)).toBe(1);
    expect(d?.size).toBe(21);
    expect(d?.get(p)).toBe(9);
    expect(d?.keys[0]).toBe(p);
    for (let i = 1; i < 21; i++) expect(d?.get(d.keys[i] as PyValue)).toBe(i - 1);
  });
});
