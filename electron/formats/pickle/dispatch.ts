// One handler per supported opcode, indexed by opcode byte: CPython's `dispatch` table
// (Lib/pickle.py `_Unpickler.dispatch`). A table rather than a switch so each opcode costs one
// array load and one call, whatever its position (a switch over `OP.X.byte` property loads
// compares dozens of cases per opcode, which dominated parsing of large .metadata files).

import { FormatError } from '../../../shared/errors';
import { HIGHEST_PROTOCOL, OP, type OpcodeInfo } from './opcodes';
import { decodeUtf8, type Cursor } from './operands';
import { MAX_PICKLE_GLOBAL_NAME_BYTES } from './limits';
import { PyDict, PyFloat, PyList, PyTuple } from './values';
import type { Machine } from './machine';

/** Returned by STOP's handler. */
export const STOPPED = 1;

type Handler = (m: Machine, cur: Cursor) => typeof STOPPED | void;

export const HANDLERS: Array<Handler | undefined> = new Array<Handler | undefined>(256).fill(undefined);

function on(info: OpcodeInfo, handler: Handler): void {
  if (!info.supported) throw new Error(`${info.name} is marked unsupported in opcodes.ts`);
  HANDLERS[info.byte] = handler;
}

const EMPTY_TUPLE = new PyTuple([]); // immutable, so shared (CPython shares it too)

// ---- framing and stack ----
on(OP.PROTO, (m, cur) => {
  const p = cur.u8();
  if (p > HIGHEST_PROTOCOL) m.fail('UNSUPPORTED', `protocol ${p} is newer than ${HIGHEST_PROTOCOL}`);
  m.protocol = p;
});
on(OP.FRAME, (_m, cur) => {
  const n = cur.u64(); // a length hint only: the frame's opcodes follow inline
  if (n > cur.remaining) {
    throw new FormatError('TRUNCATED', `FRAME at byte ${cur.opStart} declares ${n} bytes but only ${cur.remaining} follow`, { offset: cur.opStart });
  }
});
on(OP.STOP, (m) => {
  m.result = m.pop();
  return STOPPED;
});
on(OP.MARK, (m) => m.mark());
on(OP.POP, (m) => {
  if (m.stack.length > m.floor()) m.stack.pop();
  else m.popMark(); // CPython: POP on an empty frame discards the mark
});
on(OP.POP_MARK, (m) => void m.popMark());
on(OP.DUP, (m) => m.push(m.top()));

// ---- scalars ----
on(OP.NONE, (m) => m.push(null));
on(OP.NEWTRUE, (m) => m.push(true));
on(OP.NEWFALSE, (m) => m.push(false));
on(OP.BININT, (m, cur) => m.push(cur.i32()));
on(OP.BININT1, (m, cur) => m.push(cur.u8()));
on(OP.BININT2, (m, cur) => m.push(cur.u16()));
on(OP.LONG1, (m, cur) => m.push(m.long(cur.u8())));
on(OP.LONG4, (m, cur) => m.push(m.long(cur.i32())));
on(OP.BINFLOAT, (m, cur) => m.push(new PyFloat(cur.f64be())));
on(OP.SHORT_BINUNICODE, (m, cur) => m.push(m.str(cur.u8())));
on(OP.BINUNICODE, (m, cur) => m.push(m.str(cur.u32())));
on(OP.BINUNICODE8, (m, cur) => m.push(m.str(cur.u64())));
// Bytes are copied so a value never pins (or aliases) the whole input buffer.
on(OP.SHORT_BINBYTES, (m, cur) => m.push(m.stringBytes(cur.u8()).slice()));
on(OP.BINBYTES, (m, cur) => m.push(m.stringBytes(cur.u32()).slice()));
on(OP.BINBYTES8, (m, cur) => m.push(m.stringBytes(cur.u64()).slice()));

// ---- containers ----
on(OP.EMPTY_TUPLE, (m) => m.push(EMPTY_TUPLE));
on(OP.TUPLE1, (m) => {
  const a = m.pop();
  m.push(m.tuple([a]));
});
on(OP.TUPLE2, (m) => {
  const b = m.pop();
  const a = m.pop();
  m.push(m.tuple([a, b]));
});
on(OP.TUPLE3, (m) => {
  const c = m.pop();
  const b = m.pop();
  const a = m.pop();
  m.push(m.tuple([a, b, c]));
});
on(OP.TUPLE, (m) => m.push(m.tuple(m.popMark())));
on(OP.EMPTY_LIST, (m) => {
  m.created();
  m.push(new PyList());
});
on(OP.LIST, (m) => {
  const items = m.popMark();
  m.created();
  m.push(new PyList(items));
});
on(OP.APPEND, (m) => {
  const v = m.pop();
  m.appendTo(m.top(), [v]);
});
on(OP.APPENDS, (m) => {
  const items = m.popMark();
  m.appendTo(m.top(), items);
});
on(OP.EMPTY_DICT, (m) => m.push(m.newDict()));
on(OP.DICT, (m) => {
  const flat = m.popMark();
  const d = m.newDict();
  m.setItemsOn(d, flat);
  m.push(d);
});
on(OP.SETITEM, (m) => {
  const v = m.pop();
  const k = m.pop();
  m.setItemsOn(m.top(), [k, v]);
});
on(OP.SETITEMS, (m) => {
  const flat = m.popMark();
  m.setItemsOn(m.top(), flat);
});
on(OP.EMPTY_SET, (m) => m.push(m.newSet(false)));
on(OP.ADDITEMS, (m) => {
  const items = m.popMark();
  m.addItems(m.top(), items);
});
on(OP.FROZENSET, (m) => {
  const items = m.popMark();
  const s = m.newSet(true);
  for (const v of items) s.add(v);
  m.push(s);
});

// ---- memo ----
on(OP.MEMOIZE, (m) => m.memoPut(m.memoCount));
on(OP.BINPUT, (m, cur) => m.memoPut(cur.u8()));
on(OP.LONG_BINPUT, (m, cur) => m.memoPut(cur.u32()));
on(OP.BINGET, (m, cur) => m.memoGet(cur.u8()));
on(OP.LONG_BINGET, (m, cur) => m.memoGet(cur.u32()));

// ---- globals, calls, objects ----
on(OP.GLOBAL, (m, cur) => {
  const module = decodeUtf8(cur.line(MAX_PICKLE_GLOBAL_NAME_BYTES), cur.pos);
  const name = decodeUtf8(cur.line(MAX_PICKLE_GLOBAL_NAME_BYTES), cur.pos);
  m.global(module, name);
});
on(OP.STACK_GLOBAL, (m) => {
  const name = m.pop();
  const module = m.pop();
  if (typeof module !== 'string' || typeof name !== 'string') return m.fail('CORRUPT', 'module and name must be strings');
  if (module.length > MAX_PICKLE_GLOBAL_NAME_BYTES || name.length > MAX_PICKLE_GLOBAL_NAME_BYTES) {
    return m.fail('LIMIT', `a global name longer than ${MAX_PICKLE_GLOBAL_NAME_BYTES} characters`);
  }
  m.global(module, name);
});
on(OP.REDUCE, (m) => {
  const args = m.pop();
  const callee = m.pop();
  m.push(m.call('reduce', callee, args, null));
});
on(OP.NEWOBJ, (m) => {
  const args = m.pop();
  const cls = m.pop();
  m.push(m.call('newobj', cls, args, null));
});
on(OP.NEWOBJ_EX, (m) => {
  const kwargs = m.pop();
  const args = m.pop();
  const cls = m.pop();
  if (!(kwargs instanceof PyDict)) m.fail('CORRUPT', 'keyword arguments are not a dict');
  m.push(m.call('newobj_ex', cls, args, kwargs));
});
on(OP.BUILD, (m) => m.build());
on(OP.BINPERSID, (m) => m.push(m.persistent(m.pop())));
