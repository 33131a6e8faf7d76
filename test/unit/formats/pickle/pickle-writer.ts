// Builds pickle bytes inside tests, the way CPython's pickler lays them out, so tests can make
// protocol 2 / 4 / 5 variants (text GLOBAL vs STACK_GLOBAL, several FRAMEs) without Python.
// `raw` inserts hand-written opcode bytes for malformed inputs.

export type W =
  | null
  | boolean
  | number
  | bigint
  | string
  | { t: 'float'; v: number }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'tuple'; items: W[] }
  | { t: 'list'; items: W[] }
  | { t: 'dict'; entries: Array<[W, W]> }
  | { t: 'set'; items: W[]; frozen?: boolean }
  | { t: 'global'; module: string; name: string }
  | { t: 'reduce'; fn: W; args: W[] }
  | { t: 'obj'; cls: W; args?: W[]; state?: W }
  | { t: 'persid'; pid: W }
  | { t: 'raw'; bytes: number[] };

export const tuple = (...items: W[]): W => ({ t: 'tuple', items });
export const list = (...items: W[]): W => ({ t: 'list', items });
export const dict = (...entries: Array<[W, W]>): W => ({ t: 'dict', entries });
export const g = (module: string, name: string): W => ({ t: 'global', module, name });
export const reduce = (fn: W, ...args: W[]): W => ({ t: 'reduce', fn, args });
export const obj = (cls: W, state?: W): W => (state === undefined ? { t: 'obj', cls } : { t: 'obj', cls, state });
export const float = (v: number): W => ({ t: 'float', v });
export const bytes = (...v: number[]): W => ({ t: 'bytes', v: Uint8Array.from(v) });

const enc = new TextEncoder();

function le(n: number, width: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  for (let i = 0; i < width; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

/** Two's-complement little-endian bytes of a Python int, as pickle's encode_long writes them. */
export function longBytes(v: bigint): number[] {
  if (v === 0n) return [];
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
    const sign = ((out[out.length - 1] as number) & 0x80) !== 0;
    if ((x === 0n && !sign) || (x === -1n && sign)) break;
  }
  return out;
}

export interface WriteOptions {
  protocol?: 2 | 3 | 4 | 5;
  /** Split the body into FRAMEs of about this many bytes (protocol ≥ 4). 0 = one frame, -1 = none. */
  frameSize?: number;
}

/** Encodes a value tree as CPython would (no memo). */
export function writePickle(value: W, options: WriteOptions = {}): Uint8Array {
  const protocol = options.protocol ?? 4;
  const ops: number[][] = [];
  const emit = (...b: number[]): void => {
    ops.push(b);
  };
  const str = (s: string): void => {
    const b = [...enc.encode(s)];
    if (protocol >= 4 && b.length < 256) emit(0x8c, b.length, ...b);
    else emit(0x58, ...le(b.length, 4), ...b);
  };
  const walk = (v: W): void => {
    if (v === null) return emit(0x4e);
    if (v === true) return emit(0x88);
    if (v === false) return emit(0x89);
    if (typeof v === 'string') return str(v);
    if (typeof v === 'number' || typeof v === 'bigint') {
      const n = BigInt(v);
      if (n >= 0n && n < 256n) return emit(0x4b, Number(n));
      if (n >= 0n && n < 65536n) return emit(0x4d, ...le(Number(n), 2));
      if (n >= -(2n ** 31n) && n < 2n ** 31n) return emit(0x4a, ...le(Number(BigInt.asUintN(32, n)), 4));
      const lb = longBytes(n);
      return lb.length < 256 ? emit(0x8a, lb.length, ...lb) : emit(0x8b, ...le(lb.length, 4), ...lb);
    }
    switch (v.t) {
      case 'float': {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v.v, false);
        return emit(0x47, ...b);
      }
      case 'bytes':
        if (protocol < 3) return walk(v.v.length === 0 ? reduce(g('__builtin__', 'bytes')) : reduce(g('_codecs', 'encode'), String.fromCharCode(...v.v), 'latin1'));
        return v.v.length < 256 ? emit(0x43, v.v.length, ...v.v) : emit(0x42, ...le(v.v.length, 4), ...v.v);
      case 'tuple':
        if (v.items.length === 0) return emit(0x29);
        if (v.items.length <= 3) {
          v.items.forEach(walk);
          return emit([0x85, 0x86, 0x87][v.items.length - 1] as number);
        }
        emit(0x28);
        v.items.forEach(walk);
        return emit(0x74);
      case 'list':
        emit(0x5d);
        if (v.items.length === 0) return;
        emit(0x28);
        v.items.forEach(walk);
        return emit(0x65);
      case 'dict':
        emit(0x7d);
        if (v.entries.length === 0) return;
        emit(0x28);
        for (const [k, x] of v.entries) {
          walk(k);
          walk(x);
        }
        return emit(0x75);
      case 'set':
        if (protocol < 4) return walk(reduce(g('__builtin__', v.frozen ? 'frozenset' : 'set'), list(...v.items)));
        if (v.frozen) {
          emit(0x28);
          v.items.forEach(walk);
          return emit(0x91);
        }
        emit(0x8f);
        if (v.items.length === 0) return;
        emit(0x28);
        v.items.forEach(walk);
        return emit(0x90);
      case 'global':
        if (protocol >= 4) {
          str(v.module);
          str(v.name);
          return emit(0x93);
        }
        return emit(0x63, ...enc.encode(`${v.module}\n${v.name}\n`));
      case 'reduce':
        walk(v.fn);
        walk(tuple(...v.args));
        return emit(0x52);
      case 'obj':
        walk(v.cls);
        walk(tuple(...(v.args ?? [])));
        emit(0x81);
        if (v.state === undefined) return;
        walk(v.state);
        return emit(0x62);
      case 'persid':
        walk(v.pid);
        return emit(0x51);
      case 'raw':
        return emit(...v.bytes);
    }
  };
  walk(value);
  emit(0x2e);
  const head = [0x80, protocol];
  const frameSize = options.frameSize ?? (protocol >= 4 ? 0 : -1);
  const out: number[] = [...head];
  const append = (xs: readonly number[]): void => {
    for (const x of xs) out.push(x); // no spread: bodies can exceed the argument limit
  };
  if (frameSize < 0) {
    for (const o of ops) append(o);
  } else {
    let frame: number[] = [];
    const flush = (): void => {
      append([0x95, ...le(frame.length, 8)]);
      append(frame);
      frame = [];
    };
    for (const o of ops) {
      for (const x of o) frame.push(x);
      if (frameSize > 0 && frame.length >= frameSize) flush();
    }
    if (frame.length > 0) flush();
  }
  return Uint8Array.from(out);
}

/** Hand-assembled bytes: numbers are bytes, strings are their UTF-8. */
export function asm(...parts: Array<number | string | number[]>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') out.push(...enc.encode(p));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

export { le };
