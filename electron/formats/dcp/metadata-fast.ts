// A direct reader for the `.metadata` pickle as CPython's pickler writes it for torch's DCP
// dataclasses (protocol 4/5: STACK_GLOBAL, MEMOIZE, FRAME), straight into DcpMetadata.
//
// Why not only the pickle machine: a 100k-key checkpoint's `.metadata` is 75 MB and 31M opcodes,
// with two dataclass instances per chunk (400k chunks). The machine builds each as Python would
// (an instance, its state dict, Size tuples, argument tuples, memo entries) and metadata.ts then
// reads them into records: most of the time went into building and collecting objects that are
// thrown away. This reader knows what each field holds and reads it into the final record, so
// per chunk it makes the chunk box and the storage entry and nothing else.
//
// It accepts only what it fully understands: every global must be on the same allow-list
// (metadata-globals.ts) and be one it expects at that place; a memo fetch must name a value it
// kept; anything else (an older protocol, an unknown field, an odd value, a limit within reach)
// makes it decline, and parseDcpMetadata runs the pickle machine instead, with its own checks
// and messages. So it never decides what is an error: it returns the same DcpMetadata the
// machine path does, or nothing (test/property/metadata-fast.test.ts compares the two).

import type { Diagnostic, PathElement } from '../../../shared/model/checkpoint';
import { DEFAULT_PICKLE_LIMITS, MAX_PICKLE_GLOBAL_NAME_BYTES, type PickleLimits } from '../pickle/limits';
import { DATACLASS, resolveGlobal } from '../pickle/globals';
import { decodeUtf8 } from '../pickle/operands';
import { IntPool } from '../pickle/int-pool';
import { AllowedGlobal, type GlobalHandler } from '../pickle/values';
import { MAX_CHUNKS_PER_TENSOR, MAX_TENSOR_DIMS } from './limits';
import { DTYPE_GLOBAL, METADATA_ALLOW_LIST, TORCH_DTYPES, TORCH_SIZE } from './metadata-globals';
import { CHUNK_STORAGE, METADATA_INDEX, STORAGE_INFO, TENSOR_STORAGE, TRANSFORMS_ABSENT } from './metadata-records';
import type { DcpChunkMeta, DcpMetadata, DcpStorageInfo, DcpStorageMeta, DcpStorageMetaInfo } from './metadata';
import { duplicateDiagnostic, StorageIndex } from './storage-index';
import { mayHaveEqualPair } from '../../../shared/model/repeats';
import { grownInt32 } from '../grown';
import { PositionalPaths } from './planner-paths';

/** The opcode that closes a tuple of n items: TUPLE after a MARK, else TUPLE1–3 (-1: none, for n outside 1–3). */
function tupleClose(marked: boolean, n: number): number {
  return marked ? TUPLE : n >= 1 && n <= 3 ? TUPLE1 + n - 1 : -1;
}

/** Whether the n bytes of d at a and at b are equal. */
function sameBytesAt(d: Uint8Array, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (d[a + i] !== d[b + i]) return false;
  return true;
}

/** Thrown to decline; caught in readTorchMetadata only. */
class Decline {}
const DECLINE = new Decline();
function decline(): never {
  throw DECLINE;
}

/** CPython's pickler batches SETITEMS / APPENDS by this many items (Lib/pickle.py _BATCHSIZE). */
const BATCH = 1000;
/** Stack and MARK use of the deepest construction read here, with room to spare. */
const MIN_STACK_DEPTH = 4 * BATCH;
const MIN_MARK_DEPTH = 16;
/** Object and memo counts are upper bounds of the machine's; decline this close to its limits. */
const LIMIT_MARGIN = 1024;

// Opcodes (CPython Lib/pickle.py).
const MARK = 0x28;
const EMPTY_TUPLE = 0x29;
const STOP = 0x2e;
const BININT = 0x4a;
const BININT1 = 0x4b;
const BININT2 = 0x4d;
const NONE = 0x4e;
const REDUCE = 0x52;
const BINUNICODE = 0x58;
const EMPTY_LIST = 0x5d;
const APPEND = 0x61;
const BUILD = 0x62;
const APPENDS = 0x65;
const BINGET = 0x68;
const LONG_BINGET = 0x6a;
const SETITEM = 0x73;
const TUPLE = 0x74;
const SETITEMS = 0x75;
const EMPTY_DICT = 0x7d;
const PROTO = 0x80;
const NEWOBJ = 0x81;
const TUPLE1 = 0x85; // TUPLE2 and TUPLE3 follow it: 0x86, 0x87
const NEWTRUE = 0x88;
const NEWFALSE = 0x89;
const LONG1 = 0x8a;
const SHORT_BINUNICODE = 0x8c;
const STACK_GLOBAL = 0x93;
const MEMOIZE = 0x94;
const FRAME = 0x95;

/** A TensorProperties instance, kept in the memo by what metadata.ts reads of it. */
class Props {
  constructor(readonly dtypeName: string) {}
}
/** A value this reader checked but does not use (a layout, a memory-format member). */
class Opaque {}
const OPAQUE = new Opaque();

/** Memo values this reader can hand back on a fetch. */
type Kept = string | AllowedGlobal | Props | Opaque;

const PATH_CLASSES = new Set(['PosixPath', 'PurePosixPath', 'Path', 'WindowsPath', 'PureWindowsPath']);

/** Distinct chunk lists kept for sharing (past it, new lists are not kept: a file of all-distinct boxes cannot grow it without bound). */
const MAX_SHARED_CHUNK_LISTS = 1 << 16;

/** state_dict keys tried after the last one matched by a storage entry (a rank skips replicated keys). */
const KEY_LOOKAHEAD = 4;

/**
 * Where each state_dict key's text lies in the pickle (-1: it came from a memo fetch), with a
 * hash of its bytes (-1: none). state_dict_metadata is a dict, so a repeated key keeps its first
 * place; torch never repeats one, and checking that by sorting the hashes once hashes no string
 * (a Map of 100k fresh key strings was a tenth of the read). Only ASCII keys are hashed: their
 * bytes and strings match one to one (CPython writes a lone surrogate as 3 bytes that decode like
 * half of a 4-byte character).
 */
class KeyBytes {
  count = 0;
  cursor = -1;
  at = new Int32Array(1 << 10);
  len = new Int32Array(1 << 10);
  hashes = new Int32Array(1 << 10);

  /** FNV-1a of the n bytes at `at`; -1 for a key with a byte over 0x7F (then not hashed). */
  static hash(d: Uint8Array, at: number, n: number): number {
    let h = 0x811c9dc5;
    let high = 0;
    for (let i = at; i < at + n; i++) {
      const b = d[i] as number;
      high |= b;
      h = Math.imul(h ^ b, 0x01000193);
    }
    return high > 0x7f ? -1 : h & 0x7fffffff;
  }

  push(at: number, len: number, hash = -1): void {
    if (this.count === this.at.length) {
      const len = this.at.length * 2;
      this.at = grownInt32(this.at, len);
      this.len = grownInt32(this.len, len);
      this.hashes = grownInt32(this.hashes, len);
    }
    this.at[this.count] = at;
    this.len[this.count] = len;
    this.hashes[this.count] = hash;
    this.count++;
  }

  /**
   * False when no two keys have equal bytes (all hashed): sorted by hash, equal hashes sit
   * together. True when some do, or when a key has no hash (then strings must tell).
   */
  mayRepeat(d: Uint8Array): boolean {
    const n = this.count;
    for (let p = 0; p < n; p++) if ((this.hashes[p] as number) < 0) return true;
    const { at, len, hashes } = this;
    return mayHaveEqualPair(n, (p) => hashes[p] as number, (p, q) => len[p] === len[q] && sameBytesAt(d, at[p] as number, at[q] as number, len[p] as number));
  }

  /** Keeps only the positions in `keep` (in order), renumbered from 0. */
  select(keep: readonly number[]): void {
    const at = new Int32Array(Math.max(1, keep.length));
    const len = new Int32Array(at.length);
    const hashes = new Int32Array(at.length);
    keep.forEach((p, i) => {
      at[i] = this.at[p] as number;
      len[i] = this.len[p] as number;
      hashes[i] = this.hashes[p] as number;
    });
    this.at = at;
    this.len = len;
    this.hashes = hashes;
    this.count = keep.length;
  }
}

/**
 * The memo, one Int32 per entry: 0 for a value this reader cannot hand back, -1 - i for the i-th
 * kept value, or, for a str it never decoded (a storage entry's fqn matched against a key's
 * bytes: 400k of them, never fetched), 1 + the byte offset of its opcode, decoded on a fetch.
 * Entries past the array are 0: most entries are ones no fetch can use (a chunk's instance, its
 * state dict, its Size tuples: 6M of them in a 100k-key file), and passing them only counts them.
 */
class KeptMemo {
  count = 0;
  private codes: Int32Array;
  private readonly values: Kept[] = [];

  /**
   * `expected`: about how many entries the pickle will make. Sized once: regrowing a 30 MB
   * array is a copy, and page faults on the new one, each time.
   */
  constructor(expected: number) {
    this.codes = new Int32Array(Math.max(1 << 12, expected));
  }

  /** Sets entry i (growing the array to hold it); entries past `count` are kept at 0. */
  private set(i: number, code: number): void {
    if (i >= this.codes.length) {
      let len = this.codes.length * 2;
      while (len <= i) len *= 2;
      this.codes = grownInt32(this.codes, len); // zeros: unknown
    }
    this.codes[i] = code;
  }

  /** Forgets the entries from `count` on (a lookahead's). */
  truncate(count: number): void {
    if (count < this.codes.length) this.codes.fill(0, count, Math.min(this.count, this.codes.length));
    this.count = count;
  }

  putString(opAt: number): void {
    this.set(this.count++, opAt + 1);
  }

  putValue(v: Kept | undefined): void {
    if (v === undefined) {
      this.count++;
      return;
    }
    this.replace(this.count++, v);
  }

  /** Replaces entry i (an instance memoized before its BUILD, kept once built). */
  replace(i: number, v: Kept): void {
    if (typeof v === 'string') {
      this.values.push(v);
      this.set(i, -this.values.length);
      return;
    }
    // One slot per distinct object: 100k properties entries share a few Props.
    let id = this.valueIds.get(v);
    if (id === undefined) {
      id = this.values.push(v) - 1;
      this.valueIds.set(v, id);
    }
    this.set(i, -1 - id);
  }

  private readonly valueIds = new Map<Kept, number>();

  /** Entry i when it is kept as a value (not a str still undecoded); else undefined. */
  value(i: number): Kept | undefined {
    if (!(i < this.count && i < this.codes.length)) return undefined;
    const code = this.codes[i] as number;
    return code < 0 ? this.values[-1 - code] : undefined;
  }

  /** n entries this reader cannot hand back. */
  pushUnknown(n: number): void {
    this.count += n;
  }

  /** Entry i; `decode` reads the str opcode at a byte offset. Undefined when not kept. */
  get(i: number, decode: (opAt: number) => string): Kept | undefined {
    if (!(i < this.count && i < this.codes.length)) return undefined;
    const code = this.codes[i] as number;
    if (code > 0) {
      const s = decode(code - 1);
      this.replace(i, s); // decoded once
      return s;
    }
    return code === 0 ? undefined : this.values[-1 - code];
  }
}

class Reader {
  private p = 0;
  private readonly memo: KeptMemo;
  private readonly keyBytes = new KeyBytes();
  private readonly decodeStr = (opAt: number): string => this.decodeStrAt(opAt);
  /** An upper bound of the objects the machine would count. */
  private objects = 0;
  private readonly ints = new IntPool();
  /** Items of the Size being read (shareFrom copies them only when the sequence is new). */
  private readonly scratch: number[] = new Array<number>(MAX_TENSOR_DIMS).fill(0);
  private readonly globals = new Map<string, AllowedGlobal>();
  protocol = 0;

  /** The pickle, as a plain Uint8Array view (a Buffer's subarray() makes a Buffer, at twice the cost). */
  private readonly d: Uint8Array;

  constructor(
    bytes: Uint8Array,
    private readonly limits: PickleLimits,
  ) {
    this.d = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    // torch's `.metadata` makes one memo entry per 9–10 bytes (a 100k-key file: 7.6M in 75 MB).
    this.memo = new KeptMemo(Math.ceil(bytes.length / 8));
  }

  // ---- opcodes and operands ----

  /** The next opcode, past any FRAME (a length hint: its opcodes follow inline). */
  private peek(): number {
    const d = this.d;
    while (d[this.p] === FRAME) {
      if (this.p + 9 > d.length) decline();
      const lo = ((d[this.p + 1] as number) | ((d[this.p + 2] as number) << 8) | ((d[this.p + 3] as number) << 16) | ((d[this.p + 4] as number) << 24)) >>> 0;
      const hi = ((d[this.p + 5] as number) | ((d[this.p + 6] as number) << 8) | ((d[this.p + 7] as number) << 16) | ((d[this.p + 8] as number) << 24)) >>> 0;
      if (hi !== 0 || lo > d.length - this.p - 9) decline();
      this.p += 9;
    }
    return this.p < d.length ? (d[this.p] as number) : -1;
  }

  private op(code: number): boolean {
    if (this.peek() !== code) return false;
    this.p++;
    return true;
  }

  private expect(code: number): void {
    if (!this.op(code)) decline();
  }

  private u32(at: number): number {
    const d = this.d;
    if (at + 4 > d.length) decline();
    return ((d[at] as number) | ((d[at + 1] as number) << 8) | ((d[at + 2] as number) << 16) | ((d[at + 3] as number) << 24)) >>> 0;
  }

  /** A MEMOIZE after a value, if one follows: kept when it is one this reader can hand back. */
  private memoizeIf(v: Kept | undefined): void {
    if (this.peek() !== MEMOIZE) return;
    this.p++;
    this.memo.putValue(v);
  }

  /** BINGET / LONG_BINGET at the read position: the kept value (declines on one not kept). */
  private fetch(): Kept {
    const d = this.d;
    let i: number;
    if (d[this.p] === BINGET) {
      if (this.p + 2 > d.length) decline();
      i = d[this.p + 1] as number;
      this.p += 2;
    } else {
      i = this.u32(this.p + 1);
      this.p += 5;
    }
    const v = this.memo.get(i, this.decodeStr);
    if (v === undefined) decline();
    return v;
  }

  /**
   * A memo fetch that is a whole value (a Size, a properties object…) rather than the start of
   * one (a class, a module name): the kept value when it is not a str or a global, which a
   * value can also start with; else nothing is read and undefined is returned.
   */
  private fetchKept(): Kept | undefined {
    if (!this.isFetch()) return undefined;
    const at = this.p;
    const v = this.fetch();
    if (typeof v === 'string' || v instanceof AllowedGlobal) {
      this.p = at;
      return undefined;
    }
    return v;
  }

  private isFetch(): boolean {
    const c = this.peek();
    return c === BINGET || c === LONG_BINGET;
  }

  private created(n = 1): void {
    this.objects += n;
  }

  // ---- values ----

  private str(): string {
    const c = this.peek();
    if (c === BINGET || c === LONG_BINGET) {
      const v = this.fetch();
      if (typeof v !== 'string') decline();
      return v;
    }
    const s = this.decodeStrAt(this.p);
    this.p = this.strEnd;
    this.memoizeIf(s);
    return s;
  }

  /** End of the str operand strBounds() last read. */
  private strEnd = 0;

  /** Where the text of the SHORT_BINUNICODE / BINUNICODE at `opAt` starts; its end in strEnd. */
  private strBounds(opAt: number): number {
    const d = this.d;
    let n: number;
    let at: number;
    if (d[opAt] === SHORT_BINUNICODE && opAt + 2 <= d.length) {
      n = d[opAt + 1] as number;
      at = opAt + 2;
    } else if (d[opAt] === BINUNICODE) {
      n = this.u32(opAt + 1);
      at = opAt + 5;
    } else {
      return decline();
    }
    if (n > this.limits.maxStringBytes || at + n > d.length) decline();
    this.strEnd = at + n;
    return at;
  }

  private decodeStrAt(opAt: number): string {
    const at = this.strBounds(opAt);
    try {
      return decodeUtf8(this.d.subarray(at, this.strEnd), at);
    } catch {
      return decline(); // the machine reports it
    }
  }

  /**
   * The position of the state_dict key whose text is the `n` bytes at `at`, among the few after
   * the last one matched (`keyBytes.cursor`, which moves to it), or -1. A planner_data key or a
   * storage entry's fqn is nearly always the next key, and a match makes no new string.
   */
  private matchKey(at: number, n: number): number {
    const kb = this.keyBytes;
    const pos = this.matchFrom(kb.cursor + 1, at, n);
    // Each rank's storage entries start over at the first key.
    return pos >= 0 || kb.cursor < 0 ? pos : this.matchFrom(0, at, n);
  }

  /** matchKey among the KEY_LOOKAHEAD keys from position `from`. */
  private matchFrom(from: number, at: number, n: number): number {
    const kb = this.keyBytes;
    const end = Math.min(from + KEY_LOOKAHEAD, kb.count);
    for (let pos = from; pos < end; pos++) {
      const kAt = kb.at[pos] as number;
      if (kAt >= 0 && kb.len[pos] === n && sameBytesAt(this.d, at, kAt, n)) return (kb.cursor = pos);
    }
    return -1;
  }

  /**
   * A str that is usually a state_dict key again (see matchKey): read without decoding when it
   * is one, and its position returned; else -1, and nothing is read (str() reads it).
   */
  private keyAgain(): number {
    const c = this.peek();
    if (c !== SHORT_BINUNICODE && c !== BINUNICODE) return -1;
    const opAt = this.p;
    const at = this.strBounds(opAt);
    const pos = this.matchKey(at, this.strEnd - at);
    if (pos < 0) return -1;
    this.p = this.strEnd;
    if (this.peek() === MEMOIZE) {
      this.p++;
      this.memo.putString(opAt);
    }
    return pos;
  }

  /** A non-negative int (BININT1, BININT2, BININT, LONG1 of at most 6 bytes). */
  private uint(): number {
    this.peek(); // past any FRAME
    const v = this.uintAt(this.p);
    if (v < 0) decline();
    this.p = this.intEnd;
    return v;
  }

  /** End of the int uintAt() last read. */
  private intEnd = 0;

  /** The non-negative int whose opcode is at `at` (its end in intEnd), or -1 for anything else. */
  private uintAt(at: number): number {
    const d = this.d;
    const c = d[at];
    if (c === BININT1 && at + 2 <= d.length) {
      this.intEnd = at + 2;
      return d[at + 1] as number;
    }
    if (c === BININT2 && at + 3 <= d.length) {
      this.intEnd = at + 3;
      return (d[at + 1] as number) | ((d[at + 2] as number) << 8);
    }
    if (c === BININT && at + 5 <= d.length && ((d[at + 4] as number) & 0x80) === 0) {
      this.intEnd = at + 5;
      return (d[at + 1] as number) | ((d[at + 2] as number) << 8) | ((d[at + 3] as number) << 16) | ((d[at + 4] as number) << 24);
    }
    if (c === LONG1 && at + 2 <= d.length) {
      const n = d[at + 1] as number;
      if (n > 6 || n > this.limits.maxLongBytes || at + 2 + n > d.length) return -1;
      if (n > 0 && ((d[at + 1 + n] as number) & 0x80) !== 0) return -1; // negative
      let v = 0;
      for (let i = n; i >= 1; i--) v = v * 256 + (d[at + 1 + i] as number);
      this.intEnd = at + 2 + n;
      return v;
    }
    return -1;
  }

  private isInt(): boolean {
    const c = this.peek();
    return c === BININT1 || c === BININT2 || c === BININT || c === LONG1;
  }

  /** A global: a fetch of one kept, or `module name STACK_GLOBAL MEMOIZE`; allow-listed only. */
  private global(): AllowedGlobal {
    let module: string;
    if (this.isFetch()) {
      const v = this.fetch();
      if (v instanceof AllowedGlobal) return v;
      if (typeof v !== 'string') decline();
      module = v; // a module name memoized before: the global's first use
    } else {
      module = this.str();
    }
    const name = this.str();
    this.expect(STACK_GLOBAL);
    if (module.length > MAX_PICKLE_GLOBAL_NAME_BYTES || name.length > MAX_PICKLE_GLOBAL_NAME_BYTES) decline();
    const key = `${module}\n${name}`;
    let g = this.globals.get(key);
    if (g === undefined) {
      const r = resolveGlobal(METADATA_ALLOW_LIST, module, name, this.protocol);
      if (!(r instanceof AllowedGlobal)) decline();
      g = r;
      this.globals.set(key, g);
    }
    this.memoizeIf(g);
    return g;
  }

  /** A global of this handler (and, for the shared dataclass handler, this class name). */
  private classOf(handler: GlobalHandler, name?: string): AllowedGlobal {
    const g = this.global();
    if (g.handler !== handler || (name !== undefined && g.name !== name)) decline();
    return g;
  }

  /** The end of a tuple of n items (see tupleClose) and its MEMOIZE, never kept. */
  private closeTuple(marked: boolean, n: number): void {
    this.expect(tupleClose(marked, n));
    this.created();
    this.memoizeIf(undefined);
  }

  /** `(ints…)`: EMPTY_TUPLE, or ints then TUPLE1–3, or MARK ints TUPLE, then MEMOIZE. */
  private intTuple(): readonly number[] {
    if (this.op(EMPTY_TUPLE)) return this.ints.share([]);
    const items = this.scratch;
    let n = 0;
    const marked = this.op(MARK);
    while (this.isInt()) {
      if (n >= MAX_TENSOR_DIMS) decline();
      items[n++] = this.uint();
    }
    this.closeTuple(marked, n); // Size tuples are not kept: torch never fetches one (a fetch declines)
    return this.ints.shareFrom(items, n);
  }

  /** A torch.Size: a fetch of one kept, or `torch.Size((ints…))` as pickled (the tuple itself). */
  private size(): readonly number[] {
    this.classOf(TORCH_SIZE);
    // The argument tuple is `(dims,)`: TUPLE1 after dims, or MARK dims TUPLE (two MARKs in a row).
    const marked = this.peek() === MARK && this.d[this.p + 1] === MARK && this.op(MARK);
    const dims = this.intTuple();
    this.closeTuple(marked, 1);
    this.expect(REDUCE);
    this.memoizeIf(undefined);
    return dims;
  }

  /** `cls EMPTY_TUPLE NEWOBJ MEMOIZE`: a fresh instance (never kept: a later fetch declines). */
  private newInstance(handler: GlobalHandler, name?: string): void {
    this.classOf(handler, name);
    this.newOf();
  }

  /** `EMPTY_TUPLE NEWOBJ MEMOIZE` after a class already read. */
  private newOf(): void {
    this.expect(EMPTY_TUPLE);
    this.expect(NEWOBJ);
    this.created();
    this.memoizeIf(undefined);
  }

  /**
   * A dataclass field dict `EMPTY_DICT MEMOIZE MARK (name value)… SETITEMS` (or one `name value
   * SETITEM`) then BUILD: `field` reads each value by its name; names must not repeat.
   */
  private fields(field: (name: string) => void): void {
    this.newContainer(EMPTY_DICT);
    const seen: string[] = [];
    const one = (): void => {
      const name = this.str();
      if (seen.includes(name)) decline();
      seen.push(name);
      field(name);
    };
    if (this.op(MARK)) {
      while (!this.op(SETITEMS)) one();
    } else if (this.peek() !== BUILD) {
      one();
      this.expect(SETITEM);
    }
    this.expect(BUILD);
  }

  /** EMPTY_DICT or EMPTY_LIST and its MEMOIZE (never kept: a later fetch declines). */
  private newContainer(code: typeof EMPTY_DICT | typeof EMPTY_LIST): void {
    this.expect(code);
    this.created();
    this.memoizeIf(undefined);
  }

  /** `EMPTY_DICT MEMOIZE MARK`: the start of a field dict of two or more fields (all these have). */
  private openFields(): void {
    this.newContainer(EMPTY_DICT);
    this.expect(MARK);
  }

  /** The next field's name, or null at the SETITEMS that ends them. */
  private field(): string | null {
    return this.op(SETITEMS) ? null : this.str();
  }

  private closeFields(): void {
    this.expect(BUILD);
  }

  /**
   * What `f` returns when it reads without declining, else undefined; either way the read
   * position and memo are left as they were. For the few places where what follows a container
   * could be one more item of it or what comes after it (see batches()).
   */
  private lookahead<T>(f: () => T): T | undefined {
    const at = this.p;
    const memoCount = this.memo.count;
    const objects = this.objects;
    try {
      return f();
    } catch (e) {
      if (e === DECLINE) return undefined;
      throw e;
    } finally {
      this.p = at;
      this.memo.truncate(memoCount);
      this.objects = objects;
    }
  }

  /** Whether a global of this handler (and class name) comes next. */
  private startsClass(handler: GlobalHandler, name?: string): boolean {
    const g = this.lookahead(() => this.global());
    return g !== undefined && g.handler === handler && (name === undefined || g.name === name);
  }

  /**
   * Items of a dict or list after its EMPTY_* MEMOIZE: batches of `MARK item… SETITEMS|APPENDS`
   * (BATCH items but the last) or a last single `item SETITEM|APPEND`. `item` reads one item
   * (a key and value for dicts); `starts` says whether what follows can begin one (for the single
   * item, which looks like whatever follows the container otherwise).
   */
  private batches(close: number, single: number, item: () => void, starts: () => boolean): void {
    let full = true; // another batch may follow
    while (full) {
      if (this.op(MARK)) {
        let n = 0;
        while (!this.op(close)) {
          item();
          n++;
        }
        full = n === BATCH;
      } else {
        if (starts()) {
          item();
          this.expect(single);
        }
        return;
      }
    }
  }

  // ---- the DCP dataclasses ----

  // The per-chunk dataclasses read their fields with openFields / field / closeFields rather
  // than fields(): no closure and no list of names per instance (400k of each).

  private chunk(): DcpChunkMeta {
    this.newInstance(CHUNK_STORAGE);
    let offsets: readonly number[] | undefined;
    let sizes: readonly number[] | undefined;
    this.openFields();
    for (let name = this.field(); name !== null; name = this.field()) {
      if (name === 'offsets' && offsets === undefined) offsets = this.size();
      else if (name === 'sizes' && sizes === undefined) sizes = this.size();
      else decline();
    }
    this.closeFields();
    if (offsets === undefined || sizes === undefined) decline();
    return { offsets, sizes };
  }

  /** A memory-format enum member or a layout: checked as the machine's handlers would take them. */
  private enumOrLayout(): void {
    if (this.fetchKept() === OPAQUE) return; // the same member or layout as before
    const g = this.global();
    if (g.handler.typeName === 'layout') return; // torch.strided as a value
    // A call, as the machine's handlers take it: _get_layout('torch.strided'), an enum class
    // called with its value, or getattr(enum class, 'MEMBER').
    const marked = this.op(MARK);
    let args = 1;
    if (g.module === 'torch.serialization' && g.name === '_get_layout') this.str();
    else if (g.handler.typeName === 'EnumType') this.uint();
    else if (g.module === 'builtins' && g.name === 'getattr') {
      if (this.global().handler.typeName !== 'EnumType') decline();
      this.str();
      args = 2;
    } else decline();
    this.closeTuple(marked, args);
    this.expect(REDUCE);
    this.created();
    this.memoizeIf(OPAQUE);
  }

  private bool(): void {
    if (!this.op(NEWFALSE) && !this.op(NEWTRUE)) decline();
  }

  /** TensorProperties: NEWOBJ + BUILD of its 5-tuple state (dtype, layout, requires_grad, memory_format, pin_memory). */
  private properties(): string {
    const kept = this.fetchKept();
    if (kept instanceof Props) return kept.dtypeName; // the same properties object as an earlier key's
    this.classOf(DATACLASS, 'TensorProperties');
    this.expect(EMPTY_TUPLE);
    this.expect(NEWOBJ);
    this.created();
    const memoAt = this.peek() === MEMOIZE ? this.memo.count : -1;
    this.memoizeIf(undefined);
    this.expect(MARK);
    const dtype = this.global();
    if (dtype.handler !== DTYPE_GLOBAL) decline();
    this.enumOrLayout();
    this.bool();
    this.enumOrLayout();
    this.bool();
    this.expect(TUPLE);
    this.created();
    this.memoizeIf(undefined);
    this.expect(BUILD);
    if (memoAt >= 0) this.memo.replace(memoAt, this.propsOf(dtype.name)); // the instance, now built
    return dtype.name;
  }

  /** After its class. */
  /** One Props per dtype: all this reader keeps of a properties object (100k of them, rarely fetched). */
  private readonly props = new Map<string, Props>();

  private propsOf(dtypeName: string): Props {
    let p = this.props.get(dtypeName);
    if (p === undefined) this.props.set(dtypeName, (p = new Props(dtypeName)));
    return p;
  }

  private tensorMeta(): DcpStorageMeta {
    this.newOf();
    let dtypeName: string | undefined;
    let size: readonly number[] | undefined;
    let chunks: DcpChunkMeta[] | undefined;
    this.fields((name) => {
      if (name === 'properties') dtypeName = this.properties();
      else if (name === 'size') size = this.size();
      else if (name === 'chunks') chunks = this.chunkList();
      else decline();
    });
    if (dtypeName === undefined || size === undefined || chunks === undefined) decline();
    if (size.length > MAX_TENSOR_DIMS || chunks.length > MAX_CHUNKS_PER_TENSOR) decline();
    for (const c of chunks) if (c.offsets.length !== size.length || c.sizes.length !== size.length) decline();
    return { kind: 'tensor', dtype: TORCH_DTYPES[dtypeName] ?? null, dtypeName, size, chunks };
  }

  private chunkList(): DcpChunkMeta[] {
    this.newContainer(EMPTY_LIST);
    const out: DcpChunkMeta[] = [];
    this.batches(APPENDS, APPEND, () => out.push(this.chunkQuick() ?? this.chunk()), () => this.startsClass(CHUNK_STORAGE));
    return out;
  }

  /** state_dict_metadata: its keys and values in order (a repeated key keeps its first place and takes the last value, as in a Python dict). */
  private stateDict(): { keys: string[]; metas: DcpStorageMeta[] } {
    this.newContainer(EMPTY_DICT);
    let keys: string[] = [];
    let metas: DcpStorageMeta[] = [];
    const kb = this.keyBytes;
    const isMeta = (g: AllowedGlobal): boolean => g.handler === TENSOR_STORAGE || isBytesMeta(g);
    this.batches(SETITEMS, SETITEM, () => {
      const c = this.peek();
      const opAt = c === SHORT_BINUNICODE || c === BINUNICODE ? this.p : -1;
      const at = opAt < 0 ? -1 : this.strBounds(opAt);
      const n = opAt < 0 ? 0 : this.strEnd - at;
      kb.push(at, n, opAt < 0 ? -1 : KeyBytes.hash(this.d, at, n));
      keys.push(this.str());
      let meta = this.tensorMetaQuick();
      if (meta === undefined) {
        const cls = this.global();
        if (cls.handler === TENSOR_STORAGE) meta = this.tensorMeta();
        else if (isBytesMeta(cls)) meta = this.bytesMeta();
        else decline();
      }
      metas.push(meta);
    }, () => this.lookahead(() => {
      this.str();
      return isMeta(this.global());
    }) === true);
    if (kb.mayRepeat(this.d)) {
      // Rare (a hand-made file, or keys that are not ASCII): merge repeats by string.
      const first = new Map<string, number>();
      const keep: number[] = [];
      const merged: DcpStorageMeta[] = [];
      keys.forEach((k, p) => {
        const i = first.get(k);
        if (i === undefined) {
          first.set(k, keep.length);
          keep.push(p);
          merged.push(metas[p] as DcpStorageMeta);
        } else merged[i] = metas[p] as DcpStorageMeta;
      });
      keys = keep.map((p) => keys[p] as string);
      metas = merged;
      kb.select(keep);
    }
    return { keys, metas };
  }

  /** After its class: `EMPTY_TUPLE NEWOBJ MEMOIZE`, and no fields if a state follows. */
  private bytesMeta(): DcpStorageMeta {
    this.newOf();
    if (this.peek() === EMPTY_DICT) this.fields(() => decline());
    return BYTES_META;
  }

  /** state_dict keys in order, once state_dict_metadata is read. */
  private stateKeys: readonly string[] = [];

  /**
   * By state_dict position (PositionalPaths) while its keys come in state_dict order, as torch
   * writes them; a key out of that order (or not a state_dict key) turns it into a Map.
   */
  private plannerData(): ReadonlyMap<string, readonly PathElement[]> | null {
    if (this.op(NONE)) return null;
    this.newContainer(EMPTY_DICT);
    const keys = this.stateKeys;
    const byPosition = new Array<PathElement[] | undefined>(keys.length).fill(undefined);
    let map: Map<string, PathElement[]> | null = null;
    let last = -1;
    this.keyBytes.cursor = -1;
    this.batches(SETITEMS, SETITEM, () => {
      const position = this.keyAgain();
      const key = position >= 0 ? (keys[position] as string) : this.str();
      const path = this.path();
      if (map === null && position > last) {
        byPosition[position] = path;
        last = position;
        return;
      }
      if (map === null) {
        map = new Map();
        for (let p = 0; p <= last; p++) if (byPosition[p] !== undefined) map.set(keys[p] as string, byPosition[p] as PathElement[]);
      }
      map.set(key, path);
    }, () => this.lookahead(() => {
      this.str();
      this.path();
      return this.peek() === SETITEM;
    }) === true);
    return map ?? new PositionalPaths(keys, byPosition);
  }

  /** A planner path: a non-empty tuple of str and non-negative int. */
  private path(): PathElement[] {
    const items = this.pathScratch; // copied out at its length (see tensorMetaQuick)
    let n = 0;
    const marked = this.op(MARK);
    for (;;) {
      const c = this.peek();
      if (c === SHORT_BINUNICODE || c === BINUNICODE || c === BINGET || c === LONG_BINGET) items[n++] = this.str();
      else if (this.isInt()) items[n++] = this.uint();
      else break;
      if (!marked && n > 3) decline();
    }
    this.closeTuple(marked, n);
    return items.slice(0, n);
  }

  private readonly pathScratch: PathElement[] = [];

  private storageData(index: StorageIndex, keys: readonly string[], diagnostics: Diagnostic[]): void {
    if (this.op(NONE)) return;
    this.newContainer(EMPTY_DICT);
    this.batches(SETITEMS, SETITEM, () => {
      if (!this.metadataIndexQuick(keys)) this.metadataIndex(keys);
      const fqn = this.indexFqn;
      const offsets = this.indexOffsets;
      if (!this.storageInfoQuick()) this.storageInfo();
      let position = this.indexPosition;
      if (position < 0) {
        // Not among the keys after the last one matched (each rank's items start over at the
        // first key): found through the index, and matching goes on from there.
        position = index.positionOf(fqn);
        if (position >= 0) this.keyBytes.cursor = position;
      }
      if (!index.addAt(position, fqn, offsets, this.infoFile, this.infoOffset, this.infoLength, this.infoTransforms)) diagnostics.push(duplicateDiagnostic(fqn, offsets));
    }, () => this.startsClass(METADATA_INDEX));
  }

  /** A MetadataIndex: its fqn (the state_dict key's own string when it is one), its offsets and the key's position (-1: unknown). */
  /** A MetadataIndex into indexFqn, indexOffsets and indexPosition (the fqn's state_dict position, -1: unknown). */
  private metadataIndex(keys: readonly string[]): void {
    this.newInstance(METADATA_INDEX);
    let fqn: string | undefined;
    let position = -1;
    let offsets: readonly number[] | null | undefined;
    let index = false;
    this.openFields();
    for (let name = this.field(); name !== null; name = this.field()) {
      if (name === 'fqn' && fqn === undefined) {
        position = this.keyAgain();
        fqn = position >= 0 ? (keys[position] as string) : this.str();
      } else if (name === 'offset' && offsets === undefined) {
        offsets = this.op(NONE) ? null : this.size();
      } else if (name === 'index' && !index) {
        index = true;
        if (!this.op(NONE)) this.uint();
      } else decline();
    }
    this.closeFields();
    if (fqn === undefined) decline();
    this.indexFqn = fqn;
    this.indexOffsets = offsets ?? null;
    this.indexPosition = position;
  }

  private indexFqn = '';
  private indexOffsets: readonly number[] | null = null;
  private indexPosition = -1;

  /** A _StorageInfo into infoFile, infoOffset, infoLength and infoTransforms. */
  private storageInfo(): void {
    this.newInstance(STORAGE_INFO);
    let relativePath: string | undefined;
    let offset = -1;
    let length = -1;
    let transforms: readonly string[] = TRANSFORMS_ABSENT;
    let td = false;
    this.openFields();
    for (let name = this.field(); name !== null; name = this.field()) {
      if (name === 'relative_path' && relativePath === undefined) relativePath = this.str();
      else if (name === 'offset' && offset < 0) offset = this.uint();
      else if (name === 'length' && length < 0) length = this.uint();
      else if (name === 'transform_descriptors' && !td) {
        td = true;
        transforms = this.transforms();
      } else decline();
    }
    this.closeFields();
    if (relativePath === undefined || offset < 0 || length < 0) decline();
    this.setInfo(relativePath, offset, length, transforms);
  }

  private infoFile = '';
  private infoOffset = 0;
  private infoLength = 0;
  private infoTransforms: readonly string[] = TRANSFORMS_ABSENT;

  private setInfo(file: string, offset: number, length: number, transforms: readonly string[]): void {
    this.infoFile = file;
    this.infoOffset = offset;
    this.infoLength = length;
    this.infoTransforms = transforms;
  }

  private transforms(): readonly string[] {
    if (this.op(NONE)) return TRANSFORMS_ABSENT;
    this.newContainer(EMPTY_LIST);
    const out: string[] = [];
    this.batches(APPENDS, APPEND, () => out.push(this.str()), () => this.startsStrItem());
    return out.length === 0 ? TRANSFORMS_ABSENT : out;
  }

  private storageMeta(): DcpStorageMetaInfo | null {
    if (this.op(NONE)) return null;
    this.newInstance(DATACLASS, 'StorageMeta');
    const out = { checkpointId: null as string | null, saveId: null as string | null, loadId: null as string | null };
    const optionalStr = (): string | null => (this.op(NONE) ? null : this.str());
    this.fields((name) => {
      if (name === 'checkpoint_id') out.checkpointId = this.op(NONE) ? null : this.lookahead(() => this.global()) !== undefined ? this.pathCall() : this.str();
      else if (name === 'save_id') out.saveId = optionalStr();
      else if (name === 'load_id') out.loadId = optionalStr();
      else if (name === 'modules') this.stringList();
      else decline();
    });
    return out;
  }

  private stringList(): void {
    this.newContainer(EMPTY_LIST);
    this.batches(APPENDS, APPEND, () => this.str(), () => this.startsStrItem());
  }

  /** Whether a single `str APPEND` follows (a one-item list of str). */
  private startsStrItem(): boolean {
    return this.lookahead(() => {
      this.str();
      return this.peek() === APPEND;
    }) === true;
  }

  /** `PosixPath('/a/b')` and kin (pathlib classes on the allow-list): the path as one string. */
  private pathCall(): string {
    const g = this.global();
    if (!PATH_CLASSES.has(g.name) || g.handler.reduce === undefined) decline();
    const args: string[] = [];
    const marked = this.op(MARK);
    while (this.peek() === SHORT_BINUNICODE || this.peek() === BINUNICODE || this.isFetch()) args.push(this.str());
    this.closeTuple(marked, args.length);
    this.expect(REDUCE);
    const s = g.handler.reduce(g, args, NO_CONTEXT);
    if (typeof s !== 'string') decline();
    this.memoizeIf(s);
    return s;
  }

  // ---- Straight-line paths for the per-chunk dataclasses ------------------------------------
  // Once a class and its field names are in the memo, CPython writes every further instance the
  // same way, e.g. a ChunkStorageMetadata:
  //   BINGET cls  EMPTY_TUPLE NEWOBJ MEMOIZE  EMPTY_DICT MEMOIZE  MARK
  //     BINGET 'offsets'  BINGET torch.Size  BININT1 0 … TUPLEn MEMOIZE TUPLE1 MEMOIZE REDUCE MEMOIZE
  //     BINGET 'sizes'    (the same)
  //   SETITEMS BUILD
  // These read exactly that with byte compares from `q`, and only then apply it (position, memo,
  // object count); anything else (a FRAME in between, a first use, another field order) returns
  // nothing and the general methods above read it. A 100k-key file has 800k such instances.

  /** Read position of a straight-line path. */
  private q = 0;
  /** MEMOIZEs a straight-line path has passed (entries it cannot hand back). */
  private qMemo = 0;
  /** Objects a straight-line path has passed (as the machine would count them). */
  private qObjects = 0;

  private qStart(): void {
    this.q = this.p;
    this.qMemo = 0;
    this.qObjects = 0;
  }

  private qCommit(): void {
    this.p = this.q;
    this.memo.pushUnknown(this.qMemo);
    this.objects += this.qObjects;
  }

  /** The kept value a BINGET / LONG_BINGET at q fetches (q moves past it), or undefined. */
  private qFetch(): Kept | undefined {
    const d = this.d;
    const q = this.q;
    if (d[q] === BINGET) {
      this.q = q + 2;
      return this.memo.value(d[q + 1] as number);
    }
    if (d[q] === LONG_BINGET && q + 5 <= d.length) {
      this.q = q + 5;
      return this.memo.value(((d[q + 1] as number) | ((d[q + 2] as number) << 8) | ((d[q + 3] as number) << 16) | ((d[q + 4] as number) << 24)) >>> 0);
    }
    return undefined;
  }

  private qClass(handler: GlobalHandler): boolean {
    const g = this.qFetch();
    return g instanceof AllowedGlobal && g.handler === handler;
  }

  /** The bytes `b` at q (q moves past them). */
  private qBytes(b0: number, b1: number, b2?: number, b3?: number, b4?: number, b5?: number): boolean {
    const d = this.d;
    const q = this.q;
    if (d[q] !== b0 || d[q + 1] !== b1) return false;
    if (b2 === undefined) return ((this.q = q + 2), true);
    if (d[q + 2] !== b2 || d[q + 3] !== b3 || d[q + 4] !== b4 || d[q + 5] !== b5) return false;
    this.q = q + 6;
    return true;
  }

  /** `EMPTY_TUPLE NEWOBJ MEMOIZE EMPTY_DICT MEMOIZE MARK` after the class. */
  private qNewState(): boolean {
    if (!this.qBytes(EMPTY_TUPLE, NEWOBJ, MEMOIZE, EMPTY_DICT, MEMOIZE, MARK)) return false;
    this.qMemo += 2;
    this.qObjects += 2;
    return true;
  }

  /** A non-negative int at q, or -1. */
  private qUint(): number {
    const v = this.uintAt(this.q);
    if (v >= 0) this.q = this.intEnd;
    return v;
  }

  /** `torch.Size((1 to 3 ints))` at q: the shared items, or undefined. */
  private qSize(): readonly number[] | undefined {
    if (!this.qClass(TORCH_SIZE)) return undefined;
    const items = this.scratch;
    let n = 0;
    for (; n < 3; n++) {
      const v = this.qUint();
      if (v < 0) break;
      items[n] = v;
    }
    if (n === 0 || this.d[this.q] !== tupleClose(false, n)) return undefined;
    this.q++;
    // MEMOIZE (the tuple) TUPLE1 MEMOIZE (the argument tuple) REDUCE MEMOIZE (the Size)
    const d = this.d;
    const q = this.q;
    if (d[q] !== MEMOIZE || d[q + 1] !== TUPLE1 || d[q + 2] !== MEMOIZE || d[q + 3] !== REDUCE || d[q + 4] !== MEMOIZE) return undefined;
    this.q = q + 5;
    this.qMemo += 3;
    this.qObjects += 2;
    return this.ints.shareFrom(items, n);
  }

  private chunkQuick(): DcpChunkMeta | undefined {
    this.qStart();
    const chunk = this.qChunk();
    if (chunk !== undefined) this.qCommit();
    return chunk;
  }

  /** A ChunkStorageMetadata at q (nothing applied yet), or undefined. */
  private qChunk(): DcpChunkMeta | undefined {
    return this.qChunkInto(0) ? { offsets: this.boxOffsets[0] as readonly number[], sizes: this.boxSizes[0] as readonly number[] } : undefined;
  }

  /** qChunk() into boxOffsets[k] and boxSizes[k]; false: not read. */
  private qChunkInto(k: number): boolean {
    if (!this.qClass(CHUNK_STORAGE) || !this.qNewState() || this.qFetch() !== 'offsets') return false;
    const offsets = this.qSize();
    if (offsets === undefined || this.qFetch() !== 'sizes') return false;
    const sizes = this.qSize();
    if (sizes === undefined || !this.qBytes(SETITEMS, BUILD)) return false;
    this.boxOffsets[k] = offsets;
    this.boxSizes[k] = sizes;
    return true;
  }

  /** Chunk boxes qChunkInto() has read, before they make a list. */
  private readonly boxOffsets: Array<readonly number[]> = [];
  private readonly boxSizes: Array<readonly number[]> = [];

  /**
   * A list of the first n boxes read: one made before when an equal one was (a model's layers
   * repeat their chunk boxes, and IntPool already shares their tuples), else a new one. Lists are
   * readonly, so tensors may share one: 100k tensors then make a few hundred lists, not 100k
   * lists and 400k boxes.
   */
  private sharedChunks(n: number): readonly DcpChunkMeta[] {
    const offs = this.boxOffsets;
    const sizs = this.boxSizes;
    let h = n;
    for (let i = 0; i < n; i++) {
      const o = offs[i] as readonly number[];
      const s = sizs[i] as readonly number[];
      for (let j = 0; j < o.length; j++) h = Math.imul(h ^ (o[j] as number), 0x9e3779b1) ^ (h >>> 15);
      h = Math.imul(h ^ 0x5bd1e995, 0x9e3779b1);
      for (let j = 0; j < s.length; j++) h = Math.imul(h ^ (s[j] as number), 0x9e3779b1) ^ (h >>> 15);
    }
    const bucket = this.chunkLists.get(h);
    if (bucket !== undefined) {
      for (const list of bucket) {
        let same = list.length === n;
        for (let i = 0; same && i < n; i++) same = (list[i] as DcpChunkMeta).offsets === offs[i] && (list[i] as DcpChunkMeta).sizes === sizs[i];
        if (same) return list;
      }
    }
    const list = new Array<DcpChunkMeta>(n);
    for (let i = 0; i < n; i++) list[i] = { offsets: offs[i] as readonly number[], sizes: sizs[i] as readonly number[] };
    if (this.chunkListCount < MAX_SHARED_CHUNK_LISTS) {
      if (bucket === undefined) this.chunkLists.set(h, [list]);
      else bucket.push(list);
      this.chunkListCount++;
    }
    return list;
  }

  private readonly chunkLists = new Map<number, DcpChunkMeta[][]>();
  private chunkListCount = 0;

  /**
   * A TensorStorageMetadata as torch writes it once its classes are memoized:
   *   BINGET cls ) NEWOBJ MEMOIZE } MEMOIZE (
   *     BINGET 'properties'  BINGET TensorProperties ) NEWOBJ MEMOIZE
   *       ( BINGET dtype  BINGET layout  NEWFALSE  BINGET memory_format  NEWFALSE TUPLE MEMOIZE BUILD
   *     BINGET 'size'  (a Size)
   *     BINGET 'chunks'  ] MEMOIZE  ( chunk… APPENDS  (or one chunk APPEND)
   *   SETITEMS BUILD
   * The layout and memory format must be ones read before (kept as checked values).
   */
  private tensorMetaQuick(): DcpStorageMeta | undefined {
    this.qStart();
    if (!this.qClass(TENSOR_STORAGE) || !this.qNewState() || this.qFetch() !== 'properties') return undefined;
    const tp = this.qFetch();
    if (!(tp instanceof AllowedGlobal && tp.handler === DATACLASS && tp.name === 'TensorProperties')) return undefined;
    const d = this.d;
    let q = this.q;
    if (d[q] !== EMPTY_TUPLE || d[q + 1] !== NEWOBJ || d[q + 2] !== MEMOIZE || d[q + 3] !== MARK) return undefined;
    const propsMemo = this.qMemo; // the properties instance's entry, among those this path passes
    this.q = q + 4;
    const dtype = this.qFetch();
    if (!(dtype instanceof AllowedGlobal && dtype.handler === DTYPE_GLOBAL)) return undefined;
    if (this.qFetch() !== OPAQUE || !this.qBool() || this.qFetch() !== OPAQUE || !this.qBool()) return undefined;
    q = this.q;
    if (d[q] !== TUPLE || d[q + 1] !== MEMOIZE || d[q + 2] !== BUILD) return undefined;
    this.q = q + 3;
    this.qMemo += 2;
    this.qObjects += 2;
    if (this.qFetch() !== 'size') return undefined;
    const size = this.qSize();
    if (size === undefined || this.qFetch() !== 'chunks' || !this.qBytes(EMPTY_LIST, MEMOIZE)) return undefined;
    this.qMemo++;
    this.qObjects++;
    let n = 0;
    if (d[this.q] === MARK) {
      this.q++;
      while (d[this.q] !== APPENDS) {
        if (n >= BATCH - 1 || !this.qChunkInto(n)) return undefined; // a full batch: the general path
        n++;
      }
      this.q++;
    } else if (d[this.q] !== SETITEMS) {
      if (!this.qChunkInto(n) || d[this.q++] !== APPEND) return undefined;
      n++;
    }
    if (!this.qBytes(SETITEMS, BUILD)) return undefined;
    for (let i = 0; i < n; i++) if ((this.boxOffsets[i] as readonly number[]).length !== size.length || (this.boxSizes[i] as readonly number[]).length !== size.length) return undefined;
    const chunks = this.sharedChunks(n);
    const at = this.memo.count + propsMemo;
    this.qCommit();
    this.memo.replace(at, this.propsOf(dtype.name)); // the properties instance, now built
    return { kind: 'tensor', dtype: TORCH_DTYPES[dtype.name] ?? null, dtypeName: dtype.name, size, chunks };
  }

  private qBool(): boolean {
    const b = this.d[this.q];
    if (b !== NEWFALSE && b !== NEWTRUE) return false;
    this.q++;
    return true;
  }

  /**
   * A MetadataIndex written as torch writes it (fqn, index, offset) into indexFqn, indexOffsets
   * and indexPosition; the fqn must be the state_dict key near the cursor (compared by bytes).
   */
  private metadataIndexQuick(keys: readonly string[]): boolean {
    this.qStart();
    if (!this.qClass(METADATA_INDEX) || !this.qNewState() || this.qFetch() !== 'fqn') return false;
    const d = this.d;
    const opAt = this.q;
    const memoBefore = this.qMemo; // the instance and its state dict
    if (d[opAt] !== SHORT_BINUNICODE || opAt + 2 > d.length) return false;
    const n = d[opAt + 1] as number;
    const at = opAt + 2;
    if (at + n >= d.length || d[at + n] !== MEMOIZE) return false;
    const kb = this.keyBytes;
    const cursor = kb.cursor;
    const position = this.matchKey(at, n);
    if (position < 0) return false;
    this.q = at + n + 1;
    const offsets = this.qFetch() === 'index' && this.qUint() >= 0 && this.qFetch() === 'offset' ? this.qSize() : undefined;
    if (offsets === undefined || !this.qBytes(SETITEMS, BUILD)) {
      kb.cursor = cursor; // nothing read after all
      return false;
    }
    // Memo entries in order: the instance and state dict, the fqn (its opcode, decoded if ever
    // fetched), then the Size's.
    this.memo.pushUnknown(memoBefore);
    this.memo.putString(opAt);
    this.qMemo -= memoBefore;
    this.qCommit();
    this.indexFqn = keys[position] as string;
    this.indexOffsets = offsets;
    this.indexPosition = position;
    return true;
  }

  /** A _StorageInfo written as torch writes it (relative_path, offset, length[, transform_descriptors None]), as storageInfo() reads it; false: not read. */
  private storageInfoQuick(): boolean {
    this.qStart();
    if (!this.qClass(STORAGE_INFO) || !this.qNewState() || this.qFetch() !== 'relative_path') return false;
    const file = this.qFetch();
    if (typeof file !== 'string' || this.qFetch() !== 'offset') return false;
    const offset = this.qUint();
    if (offset < 0 || this.qFetch() !== 'length') return false;
    const length = this.qUint();
    if (length < 0) return false;
    if (this.d[this.q] !== SETITEMS && (this.qFetch() !== 'transform_descriptors' || this.d[this.q++] !== NONE)) return false;
    if (!this.qBytes(SETITEMS, BUILD)) return false;
    this.qCommit();
    this.setInfo(file, offset, length, TRANSFORMS_ABSENT);
    return true;
  }

  read(): DcpMetadata {
    const d = this.d;
    if (d[0] !== PROTO || d.length < 2) decline();
    this.protocol = d[1] as number;
    if (this.protocol < 4 || this.protocol > 5) decline();
    this.p = 2;
    this.newInstance(DATACLASS, 'Metadata');
    let stateDict: { keys: string[]; metas: DcpStorageMeta[] } | undefined;
    let plannerData: ReadonlyMap<string, readonly PathElement[]> | null = null;
    let storageMeta: DcpStorageMetaInfo | null = null;
    let version: string | null = null;
    const diagnostics: Diagnostic[] = [];
    let storageIndex: StorageIndex | undefined;
    this.fields((name) => {
      if (name === 'state_dict_metadata') {
        stateDict = this.stateDict();
        this.stateKeys = stateDict.keys;
      }
      else if (name === 'planner_data') plannerData = this.plannerData();
      else if (name === 'storage_data') {
        // Entries are filed by the position of their key in state_dict, which comes first in
        // torch's field order; otherwise let the machine read it.
        if (stateDict === undefined) decline();
        const keys = this.stateKeys;
        this.keyBytes.cursor = -1;
        storageIndex = new StorageIndex(keys);
        this.storageData(storageIndex, keys, diagnostics);
      } else if (name === 'storage_meta') storageMeta = this.storageMeta();
      else if (name === 'version') version = this.op(NONE) ? null : this.str();
      else decline();
    });
    this.expect(STOP);
    if (stateDict === undefined) decline();
    const { keys, metas } = stateDict;
    const index = storageIndex ?? new StorageIndex(keys); // no storage_data: empty, as on the machine path
    if (this.objects + LIMIT_MARGIN > this.limits.maxObjects || this.memo.count + LIMIT_MARGIN > this.limits.maxMemoEntries) decline();
    let storage: Map<string, DcpStorageInfo> | undefined;
    let map: Map<string, DcpStorageMeta> | undefined;
    return {
      protocol: this.protocol,
      version,
      stateKeys: keys,
      stateMetas: metas,
      get stateDict() {
        return (map ??= new Map(keys.map((k, i) => [k, metas[i] as DcpStorageMeta])));
      },
      storageIndex: index,
      get storage() {
        return (storage ??= index.toMap());
      },
      plannerData,
      storageMeta,
      extraFields: [],
      opaqueGlobals: [],
      diagnostics,
    };
  }
}

const BYTES_META: DcpStorageMeta = { kind: 'bytes' };

/** BytesStorageMetadata: a plain dataclass on the allow-list. */
function isBytesMeta(g: AllowedGlobal): boolean {
  return g.handler === DATACLASS && g.name === 'BytesStorageMetadata';
}

/** Handlers called here (pathlib) build nothing through the context. */
const NO_CONTEXT = {
  newDict: () => decline(),
  newSet: () => decline(),
  shareInts: (items: readonly number[]) => items,
};

/**
 * The metadata, or undefined when the file is not one this reader fully understands (then the
 * pickle machine must read it). Never throws for any input.
 */
export function readTorchMetadata(bytes: Uint8Array, limits?: Partial<PickleLimits>): DcpMetadata | undefined {
  const l: PickleLimits = { ...DEFAULT_PICKLE_LIMITS, ...limits };
  if (bytes.length > l.maxInputBytes || l.maxStackDepth < MIN_STACK_DEPTH || l.maxMarkDepth < MIN_MARK_DEPTH) return undefined;
  try {
    return new Reader(bytes, l).read();
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}
