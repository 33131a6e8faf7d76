// Pickle opcodes, one constant per opcode with its byte and CPython mnemonic.
// Source of truth: CPython Lib/pickle.py (the opcode table near the top) and Lib/pickletools.py
// (operand encodings). https://github.com/python/cpython/blob/main/Lib/pickle.py
//
// `supported` marks what machine.ts interprets. Protocols 2–5 as written by CPython for the value
// types DCP and torch.save use are covered; text-mode protocol 0/1 opcodes, the copyreg extension
// registry (EXT*) and out-of-band buffers (protocol 5 NEXT_BUFFER) are known but refused with
// UNSUPPORTED, because no torch writer emits them and each would widen the attack surface.

export interface OpcodeInfo {
  readonly byte: number;
  readonly name: string;
  readonly supported: boolean;
}

function op(byte: number, name: string, supported: boolean): OpcodeInfo {
  return { byte, name, supported };
}

export const OP = {
  MARK: op(0x28, 'MARK', true), //                     '('  push special markobject on stack
  STOP: op(0x2e, 'STOP', true), //                     '.'  every pickle ends with STOP
  POP: op(0x30, 'POP', true), //                       '0'  discard topmost stack item
  POP_MARK: op(0x31, 'POP_MARK', true), //             '1'  discard stack top through topmost markobject
  DUP: op(0x32, 'DUP', true), //                       '2'  duplicate top stack item
  FLOAT: op(0x46, 'FLOAT', false), //                  'F'  text float (protocol 0)
  INT: op(0x49, 'INT', false), //                      'I'  text int (protocol 0)
  BININT: op(0x4a, 'BININT', true), //                 'J'  4-byte signed int
  BININT1: op(0x4b, 'BININT1', true), //               'K'  1-byte unsigned int
  LONG: op(0x4c, 'LONG', false), //                    'L'  text long (protocol 0)
  BININT2: op(0x4d, 'BININT2', true), //               'M'  2-byte unsigned int
  NONE: op(0x4e, 'NONE', true), //                     'N'  push None
  PERSID: op(0x50, 'PERSID', false), //                'P'  text persistent id (protocol 0)
  BINPERSID: op(0x51, 'BINPERSID', true), //           'Q'  persistent id from stack
  REDUCE: op(0x52, 'REDUCE', true), //                 'R'  apply callable to argtuple
  STRING: op(0x53, 'STRING', false), //                'S'  text str (protocol 0)
  BINSTRING: op(0x54, 'BINSTRING', false), //          'T'  Python 2 str, 4-byte length
  SHORT_BINSTRING: op(0x55, 'SHORT_BINSTRING', false), // 'U' Python 2 str, 1-byte length
  UNICODE: op(0x56, 'UNICODE', false), //              'V'  raw-unicode-escaped text (protocol 0)
  BINUNICODE: op(0x58, 'BINUNICODE', true), //         'X'  UTF-8 str, 4-byte length
  APPEND: op(0x61, 'APPEND', true), //                 'a'  append stack top to list below it
  BUILD: op(0x62, 'BUILD', true), //                   'b'  __setstate__ or __dict__.update()
  GLOBAL: op(0x63, 'GLOBAL', true), //                 'c'  push module.name; two newline-terminated strings
  DICT: op(0x64, 'DICT', true), //                     'd'  build a dict from stack items since MARK
  EMPTY_DICT: op(0x7d, 'EMPTY_DICT', true), //         '}'  push empty dict
  APPENDS: op(0x65, 'APPENDS', true), //               'e'  extend list on stack by topmost stack slice
  GET: op(0x67, 'GET', false), //                      'g'  text memo get (protocol 0)
  BINGET: op(0x68, 'BINGET', true), //                 'h'  memo get, 1-byte index
  INST: op(0x69, 'INST', false), //                    'i'  protocol 0 class instance
  LONG_BINGET: op(0x6a, 'LONG_BINGET', true), //       'j'  memo get, 4-byte index
  LIST: op(0x6c, 'LIST', true), //                     'l'  build list from topmost stack items
  EMPTY_LIST: op(0x5d, 'EMPTY_LIST', true), //         ']'  push empty list
  OBJ: op(0x6f, 'OBJ', false), //                      'o'  protocol 1 class instance
  PUT: op(0x70, 'PUT', false), //                      'p'  text memo put (protocol 0)
  BINPUT: op(0x71, 'BINPUT', true), //                 'q'  memo put, 1-byte index
  LONG_BINPUT: op(0x72, 'LONG_BINPUT', true), //       'r'  memo put, 4-byte index
  SETITEM: op(0x73, 'SETITEM', true), //               's'  add key+value pair to dict
  TUPLE: op(0x74, 'TUPLE', true), //                   't'  build tuple from topmost stack items
  EMPTY_TUPLE: op(0x29, 'EMPTY_TUPLE', true), //       ')'  push empty tuple
  SETITEMS: op(0x75, 'SETITEMS', true), //             'u'  modify dict by adding topmost key+value pairs
  BINFLOAT: op(0x47, 'BINFLOAT', true), //             'G'  8-byte big-endian IEEE double
  // Protocol 2
  PROTO: op(0x80, 'PROTO', true), //                   identify pickle protocol
  NEWOBJ: op(0x81, 'NEWOBJ', true), //                 build object by applying cls.__new__ to argtuple
  EXT1: op(0x82, 'EXT1', false), //                    copyreg extension registry
  EXT2: op(0x83, 'EXT2', false),
  EXT4: op(0x84, 'EXT4', false),
  TUPLE1: op(0x85, 'TUPLE1', true), //                 build 1-tuple from stack top
  TUPLE2: op(0x86, 'TUPLE2', true), //                 build 2-tuple from two topmost stack items
  TUPLE3: op(0x87, 'TUPLE3', true), //                 build 3-tuple from three topmost stack items
  NEWTRUE: op(0x88, 'NEWTRUE', true), //               push True
  NEWFALSE: op(0x89, 'NEWFALSE', true), //             push False
  LONG1: op(0x8a, 'LONG1', true), //                   push long from < 256 bytes, two's complement LE
  LONG4: op(0x8b, 'LONG4', true), //                   push really big long, 4-byte length
  // Protocol 3
  BINBYTES: op(0x42, 'BINBYTES', true), //             'B'  bytes, 4-byte length
  SHORT_BINBYTES: op(0x43, 'SHORT_BINBYTES', true), // 'C'  bytes, 1-byte length
  // Protocol 4
  SHORT_BINUNICODE: op(0x8c, 'SHORT_BINUNICODE', true), // UTF-8 str, 1-byte length
  BINUNICODE8: op(0x8d, 'BINUNICODE8', true), //       UTF-8 str, 8-byte length
  BINBYTES8: op(0x8e, 'BINBYTES8', true), //           bytes, 8-byte length
  EMPTY_SET: op(0x8f, 'EMPTY_SET', true), //           push empty set
  ADDITEMS: op(0x90, 'ADDITEMS', true), //             add topmost stack items to set
  FROZENSET: op(0x91, 'FROZENSET', true), //           build frozenset from topmost stack items
  NEWOBJ_EX: op(0x92, 'NEWOBJ_EX', true), //           like NEWOBJ but work with keyword only arguments
  STACK_GLOBAL: op(0x93, 'STACK_GLOBAL', true), //     same as GLOBAL but using names on the stack
  MEMOIZE: op(0x94, 'MEMOIZE', true), //               store top of the stack in memo
  FRAME: op(0x95, 'FRAME', true), //                   indicate the beginning of a new frame (length hint)
  // Protocol 5
  BYTEARRAY8: op(0x96, 'BYTEARRAY8', false), //        push bytearray
  NEXT_BUFFER: op(0x97, 'NEXT_BUFFER', false), //      push next out-of-band buffer
  READONLY_BUFFER: op(0x98, 'READONLY_BUFFER', false), // make top of stack readonly
} as const satisfies Record<string, OpcodeInfo>;

export type OpcodeName = keyof typeof OP;

/** byte → opcode, for dispatch and for naming bytes in error messages. */
export const OPCODE_BY_BYTE: ReadonlyMap<number, OpcodeInfo> = (() => {
  const m = new Map<number, OpcodeInfo>();
  for (const info of Object.values(OP) as OpcodeInfo[]) {
    if (m.has(info.byte)) throw new Error(`duplicate opcode byte 0x${info.byte.toString(16)}`);
    m.set(info.byte, info);
  }
  return m;
})();

/** Highest protocol the machine accepts in a PROTO opcode. */
export const HIGHEST_PROTOCOL = 5;
