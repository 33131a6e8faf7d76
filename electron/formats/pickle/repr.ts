// Python's repr() and type names for unpickled values, so a UI shows `(0.9, 0.999)`, `1e-05`,
// `b'\x00\x01'` and `'héllo ✓'` exactly as Python prints them.
// Rules: CPython Objects/floatobject.c (float_repr → 'r' format, short repr), Objects/unicodeobject.c
// (unicode_repr), Objects/bytesobject.c (PyBytes_Repr), Objects/listobject.c / dictobject.c
// (`[...]` / `{...}` on self-reference). Non-builtin values (inert globals and calls, instances of
// allow-listed classes) get a readable `<…>` form; Python itself would show something else.
// Output is cut at `maxChars` (then ends in `…`) so a shared reference repeated a million times
// cannot make a gigabyte string; depth past `maxNesting` is LIMIT.

import { FormatError } from '../../../shared/errors';
import { MAX_PICKLE_NESTING } from './limits';
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
} from './values';

export interface ReprOptions {
  /** Longest output; longer results end in `…`. Default 100 000. */
  readonly maxChars?: number;
  readonly maxNesting?: number;
}

/** Python type name: `NoneType`, `bool`, `int`, `float`, `str`, `bytes`, `tuple`, `list`, `dict`, … */
export function pythonTypeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    default:
      break;
  }
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyDict) return v.className;
  if (v instanceof PySet) return v.frozen ? 'frozenset' : 'set';
  if (v instanceof AllowedGlobal) return v.handler.typeName ?? 'type';
  if (v instanceof OpaqueGlobal) return 'global';
  if (v instanceof PyInstance) return v.cls.name;
  if (v instanceof OpaqueCall) return 'call';
  return v.tag;
}

/** Python's shortest round-trip float repr (`repr(0.1) == '0.1'`, `1e-05`, `1e+16`, `inf`). */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest digits that round-trip (ECMA-262 Number::toString).
  const [mant = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const decpt = exp + 1; // value = 0.d1d2… × 10^decpt
  if (decpt <= -4 || decpt > 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

// Python's str.isprintable(): not Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs, except the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `max` stops early (the result is then longer than `max` but unfinished): for capped callers. */
export function strRepr(s: string, max = Infinity): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (out.length > max) return out;
    const cp = ch.codePointAt(0) as number;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

export function bytesRepr(b: Uint8Array, max = Infinity): string {
  const hasSingle = b.includes(0x27);
  const quote = hasSingle && !b.includes(0x22) ? '"' : "'";
  const q = quote.charCodeAt(0);
  let out = `b${quote}`;
  for (const c of b) {
    if (out.length > max) return out;
    if (c === q || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${hex(c, 2)}`;
    else out += String.fromCharCode(c);
  }
  return out + quote;
}

class Budget extends Error {}

/** repr() of a value; see the module comment for the non-builtin forms. */
export function pyRepr(v: PyValue, options: ReprOptions = {}): string {
  return reprWithCap(v, options).text;
}

/** repr() plus whether it was cut at `maxChars`. */
export function reprWithCap(v: PyValue, options: ReprOptions = {}): { text: string; truncated: boolean } {
  const maxChars = options.maxChars ?? 100_000;
  const maxNesting = options.maxNesting ?? MAX_PICKLE_NESTING;
  const parts: string[] = [];
  let length = 0;
  const active = new Set<object>(); // containers on the current path, for `[...]`
  const emit = (s: string): void => {
    parts.push(s);
    length += s.length;
    if (length > maxChars) throw new Budget();
  };
  const seq = (open: string, items: readonly PyValue[], close: string, depth: number, trailingComma = false): void => {
    emit(open);
    items.forEach((x, i) => {
      if (i > 0) emit(', ');
      walk(x, depth + 1);
    });
    if (trailingComma && items.length === 1) emit(',');
    emit(close);
  };
  const walk = (x: PyValue, depth: number): void => {
    if (depth > maxNesting) {
      throw new FormatError('LIMIT', `value nests deeper than ${maxNesting} levels`);
    }
    if (x === null) return emit('None');
    switch (typeof x) {
      case 'boolean':
        return emit(x ? 'True' : 'False');
      case 'number':
      case 'bigint':
        return emit(String(x));
      case 'string':
        return emit(strRepr(x, maxChars - length));
      default:
        break;
    }
    if (x instanceof Uint8Array) return emit(bytesRepr(x, maxChars - length));
    if (x instanceof PyFloat) return emit(floatRepr(x.value));
    if (x instanceof AllowedGlobal || x instanceof OpaqueGlobal) return emit(x instanceof AllowedGlobal && x.handler.typeName === 'dtype' ? x.qualname : `<${x.qualname}>`);
    if (x instanceof HostValue) return emit(`<${x.tag}>`);
    if (active.has(x)) {
      return emit(x instanceof PyList ? '[...]' : x instanceof PyDict ? (x.className === 'dict' ? '{...}' : '...') : '...');
    }
    active.add(x);
    try {
      if (x instanceof PyTuple) seq('(', x.items, ')', depth, true);
      else if (x instanceof PyList) seq('[', x.items, ']', depth);
      else if (x instanceof PyDict) {
        const ordered = x.className === 'OrderedDict';
        if (ordered && x.size === 0) return emit('OrderedDict()');
        emit(ordered ? 'OrderedDict({' : '{');
        let i = 0;
        for (const [k, val] of x.entries()) {
          if (i++ > 0) emit(', ');
          walk(k, depth + 1);
          emit(': ');
          walk(val, depth + 1);
        }
        emit(ordered ? '})' : '}');
      } else if (x instanceof PySet) {
        if (x.items.length === 0) return emit(x.frozen ? 'frozenset()' : 'set()');
        if (x.frozen) emit('frozenset(');
        seq('{', x.items, '}', depth);
        if (x.frozen) emit(')');
      } else if (x instanceof PyInstance) {
        emit(`<${x.cls.qualname}`);
        if (x.args.length > 0) seq('(', x.args, ')', depth, true);
        if (x.state !== undefined) {
          emit(' state=');
          walk(x.state, depth + 1);
        }
        emit('>');
      } else {
        emit(`<call `);
        walk(x.callee, depth + 1);
        walk(x.args, depth + 1);
        emit('>');
      }
    } finally {
      active.delete(x);
    }
  };
  try {
    walk(v, 0);
  } catch (e) {
    if (!(e instanceof Budget)) throw e;
    return { text: `${parts.join('').slice(0, Math.max(0, maxChars - 1))}…`, truncated: true };
  }
  return { text: parts.join(''), truncated: false };
}
