// Typed Python values produced by the pickle machine. Plain JS where Python and JS agree
// (None → null, bool, str, int as number when safe else bigint, bytes as Uint8Array); small
// classes where they don't (float vs int, tuple vs list, dicts with non-string keys, sets).
// Nothing here can run code: globals outside the caller's allow-list stay `OpaqueGlobal`, and
// calling one only records the call (`OpaqueCall`).

import { FormatError } from '../../../shared/errors';
import { MAX_PICKLE_NESTING } from './limits';

/** A Python float (kept apart from int so repr() prints `1.0`, not `1`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

export class PyList {
  constructor(readonly items: PyValue[] = []) {}
}

/** A tuple being hashed by KeyInterner.tupleKey: its item ids so far and its deepest item. */
interface TupleFrame {
  readonly tuple: PyTuple;
  readonly ids: number[];
  /** Nesting depth of the deepest tuple item seen so far (0 when none). */
  depth: number;
}

/**
 * Value-equality ids for dict keys and set members, following Python's hash/eq for the hashable
 * builtins (`1 == 1.0 == True`, tuples compare by items); every other object compares by identity,
 * as a Python object without `__eq__` does. Ids are cached per object so that a key reused through
 * the memo costs O(1) however large it is.
 * Tuples are hashed with an explicit stack, not recursion: a pickle can nest 200 000 one-tuples
 * in a few hundred KB, which would overflow the JS stack. Keys nesting tuples deeper than
 * `maxNesting` (CPython cannot pickle deeper ones either) go to `tooDeep`, which must throw.
 */
export class KeyInterner {
  constructor(
    private readonly maxNesting: number = MAX_PICKLE_NESTING,
    private readonly tooDeep: (message: string) => never = (message) => {
      throw new FormatError('LIMIT', message);
    },
  ) {}

  private next = 1;
  private readonly byText = new Map<string, number>();
  private readonly byString = new Map<string, number>();
  // A plain Map, not a WeakMap: the interner lives as long as the dicts whose keys it holds, and
  // a WeakMap with 100k+ entries makes every GC pass walk them (10× slower on large .metadata).
  private readonly byObject = new Map<object, number>();
  /** Tuple nesting depth of each tuple hashed so far (a one-tuple of an int is 1). */
  private readonly tupleDepth = new Map<PyTuple, number>();

  private intern(map: Map<string, number>, text: string): number {
    let id = map.get(text);
    if (id === undefined) {
      id = this.next++;
      map.set(text, id);
    }
    return id;
  }

  keyOf(v: PyValue): number {
    if (v === null) return this.intern(this.byText, 'N');
    switch (typeof v) {
      case 'boolean':
        return this.intern(this.byText, v ? 'i:1' : 'i:0');
      case 'number':
        return this.intern(this.byText, `i:${v}`);
      case 'bigint':
        return this.intern(this.byText, `i:${v.toString()}`);
      case 'string':
        return this.intern(this.byString, v);
      default:
        break;
    }
    const cached = this.byObject.get(v);
    if (cached !== undefined) return cached;
    let id: number;
    if (v instanceof PyFloat) {
      // NaN keeps identity (nan != nan); integral floats share the int's id.
      id = Number.isNaN(v.value) ? this.next++
        : Number.isSafeInteger(v.value) ? this.intern(this.byText, `i:${v.value === 0 ? 0 : v.value}`)
        : this.intern(this.byText, `f:${v.value}`);
    } else if (v instanceof PyTuple) {
      return this.tupleKey(v);
    } else if (v instanceof Uint8Array) {
      id = this.intern(this.byText, `b:${latin1(v)}`);
    } else {
      id = this.next++;
    }
    this.byObject.set(v, id);
    return id;
  }

  /** keyOf for a tuple not hashed yet: items first (depth-first, iteratively), then the tuple. */
  private tupleKey(root: PyTuple): number {
    const frames: TupleFrame[] = [{ tuple: root, ids: [], depth: 0 }];
    let id = 0;
    for (;;) {
      const top = frames[frames.length - 1] as TupleFrame;
      const items = top.tuple.items;
      let descended = false;
      while (top.ids.length < items.length) {
        const x = items[top.ids.length] as PyValue;
        if (x instanceof PyTuple && !this.byObject.has(x)) {
          if (frames.length >= this.maxNesting) this.tooDeep(`a dict key or set member nests tuples deeper than ${this.maxNesting} levels`);
          frames.push({ tuple: x, ids: [], depth: 0 });
          descended = true;
          break;
        }
        top.ids.push(this.keyOf(x)); // not a tuple, or one already hashed: no recursion
        if (x instanceof PyTuple) top.depth = Math.max(top.depth, this.tupleDepth.get(x) ?? 0);
      }
      if (descended) continue;
      const depth = top.depth + 1;
      if (depth > this.maxNesting) this.tooDeep(`a dict key or set member nests tuples deeper than ${this.maxNesting} levels`);
      id = this.intern(this.byText, `t:${top.ids.join(',')}`);
      this.byObject.set(top.tuple, id);
      this.tupleDepth.set(top.tuple, depth);
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent === undefined) return id;
      parent.ids.push(id);
      parent.depth = Math.max(parent.depth, depth);
    }
  }
}

/** Bytes as a string of code points 0–255 (chunked: fromCharCode takes limited arguments). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** The shared key/value list of empty dicts; never written (PyDict.set replaces it first). */
const NO_ITEMS: PyValue[] = [];

/** True for keys KeyInterner.keyOf compares by identity (every object but float, tuple and bytes). */
function byIdentity(key: PyValue): key is Exclude<PyValue, null | boolean | number | bigint | string> {
  return typeof key === 'object' && key !== null && !(key instanceof PyFloat || key instanceof PyTuple || key instanceof Uint8Array);
}

/**
 * Dicts up to this size find string keys by a linear scan; most pickled dicts are dataclass
 * states of 2–5 string fields, and a .metadata holds hundreds of thousands of them.
 */
const SMALL_DICT = 8;

/**
 * An insertion-ordered dict; keys may be any Python value. String keys (nearly all of them) are
 * matched by JS string equality, which is Python's for str; objects without value equality
 * (instances, lists…) by identity; the rest (numbers, floats, tuples, bytes) through the interner.
 */
export class PyDict {
  // Mutable only inside this class. setMany() builds them at their exact length: arrays grown by
  // push() reserve ~17 slots, which for 100k+ small dataclass states is most of a .metadata's heap.
  // A fresh dict shares NO_ITEMS until its first item: most are filled once by SETITEMS.
  private keyList: PyValue[] = NO_ITEMS;
  private valueList: PyValue[] = NO_ITEMS;
  /** String key → position, once the dict outgrows SMALL_DICT. */
  private byString: Map<string, number> | undefined;
  /** Interned id of a non-string key compared by value → position (a str never equals a non-str in Python). */
  private byId: Map<number, number> | undefined;
  /**
   * Keys compared by identity (instances, globals, call records…) → position: they never equal a
   * key of another kind, so they skip the interner. While this is undefined, every identity key
   * of the dict is a PyInstance whose `keyOf` is this dict, so a new instance key needs no lookup
   * at all (a `.metadata`'s storage_data has one fresh MetadataIndex key per chunk); the map is
   * built the first time that no longer holds, or a position is needed.
   */
  private byObject: Map<object, number> | undefined;

  constructor(
    private readonly interner: KeyInterner = new KeyInterner(),
    /** `OrderedDict` when built by `collections.OrderedDict` (repr differs). */
    readonly className: 'dict' | 'OrderedDict' = 'dict',
  ) {}

  get keys(): readonly PyValue[] {
    return this.keyList;
  }

  get values(): readonly PyValue[] {
    return this.valueList;
  }

  get size(): number {
    return this.keyList.length;
  }

  /** SETITEMS: `flat` is k0, v0, k1, v1, … (even length). */
  setMany(flat: readonly PyValue[]): void {
    this.setRange(flat, 0, flat.length);
  }

  /** SETITEMS from `src[from..to)`, k0, v0, k1, v1, … (an even count). */
  setRange(src: readonly PyValue[], from: number, to: number): void {
    if (this.keyList.length > 0 || to - from > 2 * SMALL_DICT) {
      for (let i = from; i < to; i += 2) this.set(src[i] as PyValue, src[i + 1] as PyValue);
      return;
    }
    // A fresh small dict (the common case): exact-length arrays, unless keys repeat.
    const n = (to - from) / 2;
    const keys = new Array<PyValue>(n);
    const values = new Array<PyValue>(n);
    for (let i = 0; i < n; i++) {
      const k = src[from + 2 * i] as PyValue;
      if (typeof k !== 'string' || keys.indexOf(k, 0) !== -1) {
        for (let j = from; j < to; j += 2) this.set(src[j] as PyValue, src[j + 1] as PyValue);
        return;
      }
      keys[i] = k;
      values[i] = src[from + 2 * i + 1] as PyValue;
    }
    this.keyList = keys;
    this.valueList = values;
  }

  private find(key: PyValue): number {
    if (typeof key === 'string') {
      if (this.byString !== undefined) return this.byString.get(key) ?? -1;
      return this.keyList.indexOf(key);
    }
    if (byIdentity(key)) {
      if (this.byObject === undefined && !(key instanceof PyInstance && key.keyOf === this)) return -1;
      return this.objectIndex().get(key) ?? -1;
    }
    return this.byId?.get(this.interner.keyOf(key)) ?? -1;
  }

  /** byObject, built from the keys on first use. */
  private objectIndex(): Map<object, number> {
    if (this.byObject === undefined) {
      const map = new Map<object, number>();
      this.keyList.forEach((k, i) => {
        if (byIdentity(k)) map.set(k, i);
      });
      this.byObject = map;
    }
    return this.byObject;
  }

  set(key: PyValue, value: PyValue): void {
    const at = this.find(key);
    if (at >= 0) {
      this.valueList[at] = value; // Python keeps the first key object and replaces the value
      return;
    }
    const index = this.keyList.length;
    if (index === 0) {
      this.keyList = [];
      this.valueList = [];
    }
    this.keyList.push(key);
    this.valueList.push(value);
    if (typeof key === 'string') {
      if (this.byString !== undefined) this.byString.set(key, index);
      else if (index >= SMALL_DICT) {
        this.byString = new Map();
        this.keyList.forEach((k, i) => {
          if (typeof k === 'string') this.byString?.set(k, i);
        });
      }
    } else if (byIdentity(key)) {
      const own = key instanceof PyInstance && key.keyOf === undefined;
      if (own) (key as PyInstance).keyOf = this;
      if (this.byObject !== undefined || !own) this.objectIndex().set(key, index);
    } else {
      (this.byId ??= new Map()).set(this.interner.keyOf(key), index);
    }
  }

  get(key: PyValue): PyValue | undefined {
    const at = this.find(key);
    return at < 0 ? undefined : this.valueList[at];
  }

  has(key: PyValue): boolean {
    return this.find(key) >= 0;
  }

  *entries(): IterableIterator<[PyValue, PyValue]> {
    for (let i = 0; i < this.keyList.length; i++) yield [this.keyList[i] as PyValue, this.valueList[i] as PyValue];
  }
}

export class PySet {
  readonly items: PyValue[] = [];
  private readonly ids = new Set<number>();
  constructor(
    private readonly interner: KeyInterner = new KeyInterner(),
    readonly frozen = false,
  ) {}
  add(v: PyValue): void {
    const id = this.interner.keyOf(v);
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.items.push(v);
  }
}

/** Context the machine hands to global handlers so what they build shares its key interner. */
export interface BuildContext {
  newDict(className?: 'dict' | 'OrderedDict'): PyDict;
  newSet(frozen: boolean): PySet;
  /** An equal int sequence already kept from this pickle, or `items` (for immutable values only). */
  shareInts(items: readonly number[]): readonly number[];
}

/**
 * What an allow-listed global does when the pickle calls it. Handlers are pure: they only build
 * values from their arguments. Returning undefined declines (wrong arity, unexpected argument
 * types): the machine then records the call inertly, exactly as for a global off the list.
 */
export interface GlobalHandler {
  /** `REDUCE(global, args)`: a function call or `cls(*args)`. */
  readonly reduce?: (self: AllowedGlobal, args: readonly PyValue[], ctx: BuildContext) => PyValue | undefined;
  /** `NEWOBJ(global, args)`: `cls.__new__(cls, *args)`. */
  readonly newobj?: (self: AllowedGlobal, args: readonly PyValue[], ctx: BuildContext) => PyValue | undefined;
  /** Python type name of the global used as a value (e.g. `dtype` for `torch.float32`). */
  readonly typeName?: string;
  /**
   * The first BUILD of a dict state on an instance of this class: a compact record holding the
   * same fields (PyInstance.folded), or undefined to keep the dict. Large `.metadata` files hold
   * hundreds of thousands of small dataclass states, and a dict is three objects. Fold only
   * states `unfold` gives back exactly: the same keys in the same order, equal immutable values,
   * the same mutable objects.
   */
  readonly fold?: (state: PyDict, ctx: BuildContext) => object | undefined;
  /** The dict state a folded record stands for. Required with `fold`. */
  readonly unfold?: (folded: object) => PyDict;
}

/** A global on the caller's allow-list. */
export class AllowedGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly handler: GlobalHandler,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A global outside the allow-list: a name and nothing more. */
export class OpaqueGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An object of an allow-listed class: NEWOBJ arguments plus the BUILD state, uninterpreted.
 * The class's handler may fold a first dict state into a record (GlobalHandler.fold). CPython
 * copies a dict state into `__dict__` too, so dropping the dict object itself changes nothing a
 * pickle can observe; `state` unfolds the record back whenever anything else asks for it.
 */
export class PyInstance {
  private own: PyValue | undefined = undefined;
  /** The folded record, read directly by the caller that set the handler's `fold`. */
  folded: object | undefined = undefined;
  /** The first dict this instance became a key of (PyDict's lookup-free path for fresh keys). */
  keyOf: PyDict | undefined = undefined;

  constructor(
    readonly cls: AllowedGlobal,
    readonly args: readonly PyValue[],
  ) {}

  /** The BUILD state (undefined before any BUILD). */
  get state(): PyValue | undefined {
    if (this.folded !== undefined) this.unfold();
    return this.own;
  }

  private unfold(): void {
    const { unfold } = this.cls.handler;
    if (unfold === undefined) throw new Error(`${this.cls.qualname}: folded state without an unfold`);
    this.own = unfold(this.folded as object);
    this.folded = undefined;
  }

  /** BUILD: dict states merge (like `__dict__.update`), anything else replaces. */
  build(state: PyValue, ctx: BuildContext): void {
    if (this.folded !== undefined) this.unfold();
    if (this.own === undefined && state instanceof PyDict) {
      const folded = this.cls.handler.fold?.(state, ctx);
      if (folded !== undefined) {
        this.folded = folded;
        return;
      }
    }
    if (state instanceof PyDict && this.own instanceof PyDict) {
      for (const [k, v] of state.entries()) this.own.set(k, v);
    } else {
      this.own = state;
    }
  }

  /** A field of a dict state (dataclasses pickle their fields this way). */
  field(name: string): PyValue | undefined {
    const state = this.state;
    return state instanceof PyDict ? state.get(name) : undefined;
  }
}

/** An inert record of a call the machine refused to make, with everything later applied to it. */
export class OpaqueCall {
  readonly states: PyValue[] = [];
  readonly listItems: PyValue[] = [];
  readonly dictItems: Array<[PyValue, PyValue]> = [];
  constructor(
    readonly kind: 'reduce' | 'newobj' | 'newobj_ex',
    readonly callee: PyValue,
    readonly args: PyValue,
    readonly kwargs: PyValue | null = null,
  ) {}
}

/** A value built by a caller's hook (persistent_load, a handler) that is not a Python builtin. */
export class HostValue<T = unknown> {
  constructor(
    readonly tag: string,
    readonly data: T,
  ) {}
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyFloat
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | AllowedGlobal
  | OpaqueGlobal
  | PyInstance
  | OpaqueCall
  | HostValue;

/** Items of a tuple or list, or undefined. */
export function sequenceItems(v: PyValue | undefined): readonly PyValue[] | undefined {
  return v instanceof PyTuple || v instanceof PyList ? v.items : undefined;
}

/** A Python int as a JS number when it is a safe integer (bool is not an int here). */
export function asSafeInt(v: PyValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return undefined;
}

export function isPyInt(v: PyValue | undefined): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}
