// A pickle stack machine for protocols 2–5 that interprets and never executes.
// Semantics follow CPython's Lib/pickle.py `_Unpickler` (one `load_*` per opcode, here one case
// of dispatch.ts); the opcode subset is the one formats.md 2.1 lists (what CPython writes for DCP
// metadata and torch.save pickles) plus the MARK-based LIST/DICT. Globals resolve only through the
// caller's allow-list (globals.ts); REDUCE/NEWOBJ/BUILD on anything else build inert records.
// Known gaps: text protocol 0/1 opcodes, EXT*, out-of-band buffers and bytearray are refused with
// UNSUPPORTED. Errors: FormatError CORRUPT / TRUNCATED / LIMIT / UNSUPPORTED with the byte offset.

import { FormatError } from '../../../shared/errors';
import { Cursor, decodeUtf8 } from './operands';
import { DEFAULT_PICKLE_LIMITS, type PickleLimits } from './limits';
import { type GlobalResolvers, resolveGlobal } from './globals';
import { execute } from './dispatch';
import { Memo } from './memo';
import { scanMemoFetches } from './memo-scan';
import { IntPool } from './int-pool';
import {
  AllowedGlobal,
  type BuildContext,
  HostValue,
  KeyInterner,
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

export interface UnpickleOptions {
  readonly resolvers: GlobalResolvers;
  /** BINPERSID hook (torch storages). Without one, a persistent id is CORRUPT. */
  readonly persistentLoad?: (pid: PyValue) => PyValue;
  readonly limits?: Partial<PickleLimits>;
}

export interface UnpickleResult {
  readonly value: PyValue;
  /** From PROTO; 0 when the pickle has none. */
  readonly protocol: number;
  /** `module.name` of each global left inert (off the list, or declined by its handler), first-seen order. */
  readonly opaqueGlobals: readonly string[];
}

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): UnpickleResult {
  return new Machine(bytes, options).run();
}

/** Machine state and the primitives opcode handlers use (dispatch.ts). Not exported from the module's API. */
export class Machine implements BuildContext {
  readonly cur: Cursor;
  readonly limits: PickleLimits;
  readonly stack: PyValue[] = [];
  readonly marks: number[] = [];
  /** Stack length at the innermost MARK (0 without one): items below it are out of reach. */
  floorAt = 0;
  /** Keeps only the entries a later GET fetches (memo.ts explains why). */
  readonly memo: Memo;
  /** Hashes dict keys and set members; a key nesting too deep fails at the opcode adding it. */
  private readonly interner: KeyInterner;
  private readonly ints = new IntPool();
  readonly opaque = new Set<string>();
  /** One object per distinct global name: memoized pickles fetch them again and again. */
  private readonly globals = new Map<string, AllowedGlobal | OpaqueGlobal>();
  private objects = 0;
  protocol = 0;

  constructor(
    bytes: Uint8Array,
    readonly options: UnpickleOptions,
  ) {
    this.limits = { ...DEFAULT_PICKLE_LIMITS, ...options.limits };
    this.interner = new KeyInterner(this.limits.maxNesting, (what) => this.fail('LIMIT', what));
    if (bytes.length > this.limits.maxInputBytes) {
      throw new FormatError('LIMIT', `pickle is ${bytes.length} bytes, more than the ${this.limits.maxInputBytes}-byte limit`, { offset: 0 });
    }
    this.cur = new Cursor(bytes);
    this.memo = new Memo(scanMemoFetches(bytes, this.limits.maxMemoEntries));
  }

  run(): UnpickleResult {
    const value = execute(this);
    return { value, protocol: this.protocol, opaqueGlobals: [...this.opaque] };
  }

  // ---- BuildContext (for global handlers) ----
  newDict(className: 'dict' | 'OrderedDict' = 'dict'): PyDict {
    this.created();
    return new PyDict(this.interner, className);
  }
  newSet(frozen: boolean): PySet {
    this.created();
    return new PySet(this.interner, frozen);
  }
  shareInts(items: readonly number[]): readonly number[] {
    return this.ints.share(items);
  }

  /** Throws naming the current opcode and its offset. */
  fail(code: 'CORRUPT' | 'LIMIT' | 'UNSUPPORTED', what: string): never {
    throw new FormatError(code, `${this.cur.opName} at byte ${this.cur.opStart}: ${what}`, { offset: this.cur.opStart });
  }

  created(): void {
    if (++this.objects > this.limits.maxObjects) this.fail('LIMIT', `more than ${this.limits.maxObjects} objects`);
  }

  push(v: PyValue): void {
    if (this.stack.length >= this.limits.maxStackDepth) this.fail('LIMIT', `stack deeper than ${this.limits.maxStackDepth} items`);
    this.stack.push(v);
  }

  // Stack items above the innermost MARK are the only ones an opcode may touch (CPython's metastack).
  pop(): PyValue {
    if (this.stack.length <= this.floorAt) this.fail('CORRUPT', 'stack underflow');
    return this.stack.pop() as PyValue;
  }

  top(): PyValue {
    if (this.stack.length <= this.floorAt) this.fail('CORRUPT', 'stack underflow');
    return this.stack[this.stack.length - 1] as PyValue;
  }

  mark(): void {
    if (this.marks.length >= this.limits.maxMarkDepth) this.fail('LIMIT', `more than ${this.limits.maxMarkDepth} nested MARKs`);
    this.marks.push(this.stack.length);
    this.floorAt = this.stack.length;
  }

  /** Pops the innermost MARK; its items stay on the stack, from the returned index up. */
  private popMarkAt(): number {
    const m = this.marks.pop();
    if (m === undefined) this.fail('CORRUPT', 'no MARK to pop to');
    this.floorAt = this.marks.length === 0 ? 0 : (this.marks[this.marks.length - 1] as number);
    return m;
  }

  popMark(): PyValue[] {
    return this.stack.splice(this.popMarkAt());
  }

  /** POP_MARK: drops the innermost MARK and its items. */
  dropMark(): void {
    this.stack.length = this.popMarkAt();
  }

  /** APPENDS without copying the items into an array first (popMark + appendTo). */
  appendsFromMark(): void {
    const from = this.popMarkAt();
    const stack = this.stack;
    if (from <= this.floorAt) this.fail('CORRUPT', 'stack underflow');
    const target = stack[from - 1] as PyValue;
    if (target instanceof PyList) {
      const items = target.items;
      for (let i = from; i < stack.length; i++) items.push(stack[i] as PyValue);
      stack.length = from;
    } else {
      this.appendTo(target, stack.splice(from));
    }
  }

  /** SETITEMS without copying the items into an array first (popMark + setItemsOn). */
  setItemsFromMark(): void {
    const from = this.popMarkAt();
    const stack = this.stack;
    if (from <= this.floorAt) this.fail('CORRUPT', 'stack underflow');
    const target = stack[from - 1] as PyValue;
    if (target instanceof PyDict) {
      if ((stack.length - from) % 2 !== 0) this.fail('CORRUPT', 'odd number of items for key/value pairs');
      target.setRange(stack, from, stack.length);
      stack.length = from;
    } else {
      this.setItemsOn(target, stack.splice(from));
    }
  }

  memoPut(index: number): void {
    const v = this.top();
    const memo = this.memo;
    if (memo.count >= this.limits.maxMemoEntries && memo.isNew(index)) this.fail('LIMIT', `more than ${this.limits.maxMemoEntries} memo entries`);
    memo.put(index, v);
  }

  stringBytes(n: number): Uint8Array {
    if (n > this.limits.maxStringBytes) this.fail('LIMIT', `a ${n}-byte string exceeds the ${this.limits.maxStringBytes}-byte limit`);
    return this.cur.bytes(n);
  }

  str(n: number): string {
    const at = this.cur.pos;
    return decodeUtf8(this.stringBytes(n), at);
  }

  long(n: number): number | bigint {
    if (n < 0) this.fail('CORRUPT', 'negative integer length');
    if (n > this.limits.maxLongBytes) this.fail('LIMIT', `a ${n}-byte integer exceeds the ${this.limits.maxLongBytes}-byte limit`);
    return decodeLong(this.cur.bytes(n));
  }

  global(module: string, name: string): void {
    const key = `${module}\n${name}`;
    let g = this.globals.get(key);
    if (g === undefined) {
      g = resolveGlobal(this.options.resolvers, module, name, this.protocol);
      this.globals.set(key, g);
    }
    if (g instanceof OpaqueGlobal) this.opaque.add(g.qualname);
    this.push(g);
  }

  /** Calls a handler; anything but a FormatError escaping it is a bug there, reported as CORRUPT input. */
  private callHandler(fn: NonNullable<AllowedGlobal['handler']['reduce']>, callee: AllowedGlobal, args: readonly PyValue[]): PyValue | undefined {
    try {
      return fn(callee, args, this);
    } catch (e) {
      if (e instanceof FormatError) throw e;
      return this.fail('CORRUPT', `an allow-listed global rejected its arguments (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  call(kind: 'reduce' | 'newobj' | 'newobj_ex', callee: PyValue, args: PyValue, kwargs: PyValue | null): PyValue {
    if (!(args instanceof PyTuple)) this.fail('CORRUPT', `arguments are a ${describe(args)}, not a tuple`);
    const callable = callee instanceof AllowedGlobal || callee instanceof OpaqueGlobal || callee instanceof OpaqueCall || callee instanceof PyInstance || callee instanceof HostValue;
    if (!callable) this.fail('CORRUPT', `cannot call a ${describe(callee)}`);
    if (callee instanceof AllowedGlobal) {
      const h = callee.handler;
      const noKw = kwargs === null || (kwargs instanceof PyDict && kwargs.size === 0);
      const fn = kind === 'reduce' ? h.reduce : noKw ? h.newobj : undefined;
      if (fn !== undefined) {
        const out = this.callHandler(fn, callee, args.items);
        if (out !== undefined) {
          if (out instanceof PyInstance) this.created();
          return out;
        }
      }
      this.opaque.add(callee.qualname); // declined or not callable this way: inert like any other
    }
    this.created();
    return new OpaqueCall(kind, callee, args, kwargs);
  }

  persistent(pid: PyValue): PyValue {
    const load = this.options.persistentLoad;
    if (load === undefined) this.fail('CORRUPT', 'persistent id in a pickle that may not have any');
    try {
      return load(pid) ?? null;
    } catch (e) {
      if (e instanceof FormatError) throw e;
      return this.fail('CORRUPT', `persistent id rejected (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  build(): void {
    const state = this.pop();
    const obj = this.top();
    if (obj instanceof PyInstance) obj.build(state, this);
    else if (obj instanceof OpaqueCall) obj.states.push(state);
    else this.fail('CORRUPT', `cannot set state on a ${describe(obj)}`);
  }

  appendTo(target: PyValue, items: readonly PyValue[]): void {
    if (target instanceof PyList) for (const v of items) target.items.push(v);
    else if (target instanceof OpaqueCall) for (const v of items) target.listItems.push(v);
    else this.fail('CORRUPT', `cannot append to a ${describe(target)}`);
  }

  setItemsOn(target: PyValue, flat: readonly PyValue[]): void {
    if (flat.length % 2 !== 0) this.fail('CORRUPT', 'odd number of items for key/value pairs');
    if (target instanceof PyDict) target.setMany(flat);
    else if (target instanceof OpaqueCall) for (let i = 0; i < flat.length; i += 2) target.dictItems.push([flat[i] as PyValue, flat[i + 1] as PyValue]);
    else this.fail('CORRUPT', `cannot set items on a ${describe(target)}`);
  }

  addItems(target: PyValue, items: readonly PyValue[]): void {
    if (target instanceof PySet && !target.frozen) for (const v of items) target.add(v);
    else if (target instanceof OpaqueCall) for (const v of items) target.listItems.push(v); // no spread: items may outnumber call arguments
    else this.fail('CORRUPT', `cannot add items to a ${describe(target)}`);
  }

  tuple(items: PyValue[]): PyTuple {
    this.created();
    return new PyTuple(items);
  }
}

/** n-byte two's-complement little-endian integer; a number when it is a safe integer. */
export function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  if (b.length <= 6) {
    let v = 0;
    for (let i = b.length - 1; i >= 0; i--) v = v * 256 + (b[i] as number);
    const neg = ((b[b.length - 1] as number) & 0x80) !== 0;
    return neg ? v - 2 ** (8 * b.length) : v;
  }
  let hex = '';
  for (let i = b.length - 1; i >= 0; i--) hex += (b[i] as number).toString(16).padStart(2, '0');
  let v = BigInt(`0x${hex}`);
  if (((b[b.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** A short type word for messages. */
export function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v !== 'object') return typeof v === 'bigint' || typeof v === 'number' ? 'int' : typeof v === 'string' ? 'str' : 'bool';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PySet) return v.frozen ? 'frozenset' : 'set';
  if (v instanceof AllowedGlobal || v instanceof OpaqueGlobal) return `global ${v.qualname}`;
  if (v instanceof PyInstance) return `${v.cls.qualname} object`;
  if (v instanceof OpaqueCall) return 'call record';
  return 'host value';
}
