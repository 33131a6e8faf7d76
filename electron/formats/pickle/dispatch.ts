// The opcode loop: CPython's `dispatch` table (Lib/pickle.py `_Unpickler.dispatch`) as switches
// over opcode bytes. execute() holds the opcodes a large `.metadata` is made of (31M of them for
// 100k keys: MEMOIZE, BINGET, BININT1, TUPLE1/2, MARK, NEWOBJ, REDUCE, BUILD, SETITEMS…) with
// their stack operations inlined; cold() holds the rest, and refuses what opcodes.ts marks
// unsupported. Cases are numeric literals (named in comments) so they compile to a jump table:
// with isolatedModules even a const enum stays a property load per case, which once made a
// switch slower than a table of handler functions.

import { FormatError } from '../../../shared/errors';
import { HIGHEST_PROTOCOL, OPCODE_BY_BYTE } from './opcodes';
import { decodeUtf8 } from './operands';
import { MAX_PICKLE_GLOBAL_NAME_BYTES } from './limits';
import { PyDict, PyFloat, PyList, PyTuple, type PyValue } from './values';
import type { Machine } from './machine';

const EMPTY_TUPLE = new PyTuple([]); // immutable, so shared (CPython shares it too)

/** Runs opcodes from the cursor until STOP and returns the value STOP pops. */
export function execute(m: Machine): PyValue {
  const cur = m.cur;
  const data = cur.data;
  const end = data.length;
  const stack = m.stack;
  const memo = m.memo;
  const maxStack = m.limits.maxStackDepth;
  const maxMemo = m.limits.maxMemoEntries;
  for (;;) {
    const at = cur.pos;
    if (at >= end) throw new FormatError('TRUNCATED', `pickle ends at byte ${at} without a STOP opcode`, { offset: at });
    cur.opStart = at;
    cur.pos = at + 1;
    const code = data[at] as number;
    // What the opcode pushes, if anything: one push site, so one stack-depth check.
    let out: PyValue;
    switch (code) {
      case 0x94: { // MEMOIZE
        if (stack.length <= m.floorAt) m.fail('CORRUPT', 'stack underflow');
        if (memo.count >= maxMemo && memo.isNew(memo.count)) m.fail('LIMIT', `more than ${maxMemo} memo entries`);
        memo.put(memo.count, stack[stack.length - 1] as PyValue);
        continue;
      }
      case 0x68: // BINGET
      case 0x6a: { // LONG_BINGET
        const i = code === 0x68 ? cur.u8() : cur.u32();
        const v = memo.get(i);
        if (v === undefined) m.fail('CORRUPT', `memo entry ${i} was never stored`);
        out = v;
        break;
      }
      case 0x4b: // BININT1
        out = cur.u8();
        break;
      case 0x4d: // BININT2
        out = cur.u16();
        break;
      case 0x4a: // BININT
        out = cur.i32();
        break;
      case 0x28: // MARK
        m.mark();
        continue;
      case 0x29: // EMPTY_TUPLE
        out = EMPTY_TUPLE;
        break;
      case 0x85: { // TUPLE1
        if (stack.length <= m.floorAt) m.fail('CORRUPT', 'stack underflow');
        m.created();
        stack[stack.length - 1] = new PyTuple([stack[stack.length - 1] as PyValue]);
        continue;
      }
      case 0x86: { // TUPLE2
        if (stack.length - 2 < m.floorAt) m.fail('CORRUPT', 'stack underflow');
        m.created();
        const b = stack.pop() as PyValue;
        stack[stack.length - 1] = new PyTuple([stack[stack.length - 1] as PyValue, b]);
        continue;
      }
      case 0x81: // NEWOBJ
      case 0x52: { // REDUCE
        if (stack.length - 2 < m.floorAt) m.fail('CORRUPT', 'stack underflow');
        const args = stack.pop() as PyValue;
        const callee = stack.pop() as PyValue;
        out = m.call(code === 0x81 ? 'newobj' : 'reduce', callee, args, null);
        break;
      }
      case 0x62: // BUILD
        m.build();
        continue;
      case 0x75: // SETITEMS
        m.setItemsFromMark();
        continue;
      case 0x7d: // EMPTY_DICT
        out = m.newDict();
        break;
      case 0x8c: // SHORT_BINUNICODE
        out = m.str(cur.u8());
        break;
      case 0x89: // NEWFALSE
        out = false;
        break;
      case 0x2e: // STOP
        return m.pop();
      default:
        cold(m, code);
        continue;
    }
    if (stack.length >= maxStack) m.fail('LIMIT', `stack deeper than ${maxStack} items`);
    stack.push(out);
  }
}

/** Every other opcode the machine supports, and the refusal of the rest. */
function cold(m: Machine, code: number): void {
  const cur = m.cur;
  const stack = m.stack;
  switch (code) {
    // ---- memo ----
    case 0x71: // BINPUT
      m.memoPut(cur.u8());
      break;
    case 0x72: // LONG_BINPUT
      m.memoPut(cur.u32());
      break;
    // ---- framing and stack ----
    case 0x80: { // PROTO
      const p = cur.u8();
      if (p > HIGHEST_PROTOCOL) m.fail('UNSUPPORTED', `protocol ${p} is newer than ${HIGHEST_PROTOCOL}`);
      m.protocol = p;
      break;
    }
    case 0x95: { // FRAME
      const n = cur.u64(); // a length hint only: the frame's opcodes follow inline
      if (n > cur.remaining) {
        throw new FormatError('TRUNCATED', `FRAME at byte ${cur.opStart} declares ${n} bytes but only ${cur.remaining} follow`, { offset: cur.opStart });
      }
      break;
    }
    case 0x30: // POP
      if (stack.length > m.floorAt) stack.pop();
      else m.dropMark(); // CPython: POP on an empty frame discards the mark
      break;
    case 0x31: // POP_MARK
      m.dropMark();
      break;
    case 0x32: // DUP
      m.push(m.top());
      break;

    // ---- scalars ----
    case 0x4e: // NONE
      m.push(null);
      break;
    case 0x88: // NEWTRUE
      m.push(true);
      break;
    case 0x8a: // LONG1
      m.push(m.long(cur.u8()));
      break;
    case 0x8b: // LONG4
      m.push(m.long(cur.i32()));
      break;
    case 0x47: // BINFLOAT
      m.push(new PyFloat(cur.f64be()));
      break;
    case 0x58: // BINUNICODE
      m.push(m.str(cur.u32()));
      break;
    case 0x8d: // BINUNICODE8
      m.push(m.str(cur.u64()));
      break;
    // Bytes are copied so a value never pins (or aliases) the whole input buffer.
    case 0x43: // SHORT_BINBYTES
      m.push(m.stringBytes(cur.u8()).slice());
      break;
    case 0x42: // BINBYTES
      m.push(m.stringBytes(cur.u32()).slice());
      break;
    case 0x8e: // BINBYTES8
      m.push(m.stringBytes(cur.u64()).slice());
      break;

    // ---- containers ----
    case 0x87: { // TUPLE3
      const c = m.pop();
      const b = m.pop();
      const a = m.pop();
      m.push(m.tuple([a, b, c]));
      break;
    }
    case 0x74: // TUPLE
      m.push(m.tuple(m.popMark()));
      break;
    case 0x5d: // EMPTY_LIST
      m.created();
      m.push(new PyList());
      break;
    case 0x6c: { // LIST
      const items = m.popMark();
      m.created();
      m.push(new PyList(items));
      break;
    }
    case 0x61: { // APPEND
      const v = m.pop();
      m.appendTo(m.top(), [v]);
      break;
    }
    case 0x65: // APPENDS
      m.appendsFromMark();
      break;
    case 0x64: { // DICT
      const flat = m.popMark();
      const d = m.newDict();
      m.setItemsOn(d, flat);
      m.push(d);
      break;
    }
    case 0x73: { // SETITEM
      const v = m.pop();
      const k = m.pop();
      m.setItemsOn(m.top(), [k, v]);
      break;
    }
    case 0x8f: // EMPTY_SET
      m.push(m.newSet(false));
      break;
    case 0x90: { // ADDITEMS
      const items = m.popMark();
      m.addItems(m.top(), items);
      break;
    }
    case 0x91: { // FROZENSET
      const items = m.popMark();
      const s = m.newSet(true);
      for (const v of items) s.add(v);
      m.push(s);
      break;
    }

    // ---- globals, calls, objects ----
    case 0x63: { // GLOBAL
      const module = decodeUtf8(cur.line(MAX_PICKLE_GLOBAL_NAME_BYTES), cur.pos);
      const name = decodeUtf8(cur.line(MAX_PICKLE_GLOBAL_NAME_BYTES), cur.pos);
      m.global(module, name);
      break;
    }
    case 0x93: { // STACK_GLOBAL
      const name = m.pop();
      const module = m.pop();
      if (typeof module !== 'string' || typeof name !== 'string') return m.fail('CORRUPT', 'module and name must be strings');
      if (module.length > MAX_PICKLE_GLOBAL_NAME_BYTES || name.length > MAX_PICKLE_GLOBAL_NAME_BYTES) {
        return m.fail('LIMIT', `a global name longer than ${MAX_PICKLE_GLOBAL_NAME_BYTES} characters`);
      }
      m.global(module, name);
      break;
    }
    case 0x92: { // NEWOBJ_EX
      const kwargs = m.pop();
      const args = m.pop();
      const cls = m.pop();
      if (!(kwargs instanceof PyDict)) m.fail('CORRUPT', 'keyword arguments are not a dict');
      m.push(m.call('newobj_ex', cls, args, kwargs));
      break;
    }
    case 0x51: // BINPERSID
      m.push(m.persistent(m.pop()));
      break;

    default: {
      if (OPCODE_BY_BYTE.get(code) === undefined) {
        throw new FormatError('CORRUPT', `unknown pickle opcode 0x${code.toString(16).padStart(2, '0')} at byte ${cur.opStart}`, { offset: cur.opStart });
      }
      m.fail('UNSUPPORTED', 'opcode not supported (not written by torch or CPython for these value types)');
    }
  }
}
