// Builds checkpoint bytes inside a test, for inputs no torch would write: raw safetensors files
// with any header text and length prefix, pickles (any opcode sequence, any global), torch.save
// zips laid out like caffe2's writer (formats.md 3.1), zstd frames made of raw/RLE blocks (valid
// without a compressor, and bombs), and whole DCP folders (.metadata + one .distcp).
// Everything is pure and deterministic, so a test can state exactly what it fed the reader.

import { crc32 } from '../../electron/formats/torchzip/crc32';

const enc = new TextEncoder();

export function concatBytes(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** n as `width` little-endian bytes (n may be a bigint, for u64 fields past 2^53). */
export function le(n: number | bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let v = BigInt(n);
  for (let i = 0; i < width; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

// ---------------------------------------------------------------- safetensors

export interface SafetensorsBuild {
  /** The header: JSON text as is, or an object serialized with JSON.stringify. */
  readonly header: string | Record<string, unknown>;
  /** Data buffer bytes, or a length to fill with a counting pattern. */
  readonly data?: Uint8Array | number;
  /** Length prefix to write instead of the header's real length. */
  readonly declaredLength?: number | bigint;
}

export function safetensorsBytes(b: SafetensorsBuild): Uint8Array {
  const json = enc.encode(typeof b.header === 'string' ? b.header : JSON.stringify(b.header));
  const data = typeof b.data === 'number' ? pattern(b.data) : (b.data ?? new Uint8Array(0));
  return concatBytes(le(b.declaredLength ?? json.length, 8), json, data);
}

/** Splits a safetensors file into its length prefix, header text and data buffer. */
export function splitSafetensors(file: Uint8Array): { n: number; header: string; data: Uint8Array } {
  const n = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  return { n, header: new TextDecoder().decode(file.subarray(8, 8 + n)), data: file.subarray(8 + n) };
}

export function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

// ---------------------------------------------------------------- pickle

/** A Python value to pickle. Plain JS for None/bool/int/str/bytes; tagged objects for the rest. */
export type Py =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'tuple'; readonly items: readonly Py[] }
  | { readonly t: 'list'; readonly items: readonly Py[] }
  | { readonly t: 'dict'; readonly entries: ReadonlyArray<readonly [Py, Py]> }
  | { readonly t: 'global'; readonly module: string; readonly name: string }
  | { readonly t: 'reduce'; readonly fn: Py; readonly args: readonly Py[] }
  /** NEWOBJ(cls, ()) and, when a state is given, BUILD(state). */
  | { readonly t: 'obj'; readonly cls: Py; readonly state?: Py }
  | { readonly t: 'persid'; readonly pid: Py }
  /** Opcode bytes written as they are. */
  | { readonly t: 'raw'; readonly bytes: ArrayLike<number> }
  /** A str written afresh (and memoized) even when an equal one was: another str object, as CPython sees it. */
  | { readonly t: 'fresh'; readonly s: string }
  /** Several values (or opcode runs) in a row, sharing one memo. */
  | { readonly t: 'seq'; readonly items: readonly Py[] };

export const py = {
  float: (v: number): Py => ({ t: 'float', v }),
  tuple: (...items: Py[]): Py => ({ t: 'tuple', items }),
  list: (...items: Py[]): Py => ({ t: 'list', items }),
  dict: (...entries: Array<readonly [Py, Py]>): Py => ({ t: 'dict', entries }),
  global: (module: string, name: string): Py => ({ t: 'global', module, name }),
  reduce: (fn: Py, ...args: Py[]): Py => ({ t: 'reduce', fn, args }),
  obj: (cls: Py, state?: Py): Py => (state === undefined ? { t: 'obj', cls } : { t: 'obj', cls, state }),
  persid: (pid: Py): Py => ({ t: 'persid', pid }),
  raw: (...bytes: number[]): Py => ({ t: 'raw', bytes }),
  fresh: (s: string): Py => ({ t: 'fresh', s }),
  seq: (...items: Py[]): Py => ({ t: 'seq', items }),
};

/** Opcode bytes (CPython Lib/pickle.py), for hand-written sequences. */
export const OPS = {
  MARK: 0x28, STOP: 0x2e, POP: 0x30, DUP: 0x32, BININT: 0x4a, BININT1: 0x4b, NONE: 0x4e, BINPERSID: 0x51,
  REDUCE: 0x52, BINUNICODE: 0x58, APPEND: 0x61, BUILD: 0x62, GLOBAL: 0x63, EMPTY_DICT: 0x7d, APPENDS: 0x65,
  BINGET: 0x68, LONG_BINGET: 0x6a, EMPTY_LIST: 0x5d, BINPUT: 0x71, LONG_BINPUT: 0x72, SETITEM: 0x73,
  TUPLE: 0x74, EMPTY_TUPLE: 0x29, SETITEMS: 0x75, BINFLOAT: 0x47, PROTO: 0x80, NEWOBJ: 0x81, TUPLE1: 0x85,
  TUPLE2: 0x86, NEWTRUE: 0x88, NEWFALSE: 0x89, LONG1: 0x8a, LONG4: 0x8b, BINBYTES: 0x42,
  SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d, BINBYTES8: 0x8e, STACK_GLOBAL: 0x93, MEMOIZE: 0x94, FRAME: 0x95,
} as const;

export interface PickleOptions {
  /** 2 writes text GLOBALs (torch.save's data.pkl); 4 and 5 write STACK_GLOBAL (DCP .metadata). */
  readonly protocol?: 2 | 3 | 4 | 5;
  /** Wrap the body in one FRAME (protocol ≥ 4), as CPython does. Default true. */
  readonly frame?: boolean;
  /**
   * Memoize containers, call results and instances too, and write short tuples as TUPLE1–3 and
   * one-item lists and dicts with APPEND / SETITEM, as CPython's pickler does (protocol ≥ 4).
   * Default false: only globals and strings are memoized.
   */
  readonly cpython?: boolean;
}

/** Two's-complement little-endian bytes of a Python int (pickle's encode_long). */
function longBytes(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  const out: number[] = [];
  for (let x = v; ; ) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
    const sign = ((out[out.length - 1] as number) & 0x80) !== 0;
    if ((x === 0n && !sign) || (x === -1n && sign)) break;
  }
  return Uint8Array.from(out);
}

/** A growable byte buffer (a number[] would cost 8 bytes a byte for 100k-key pickles). */
export class ByteBuf {
  private buf = new Uint8Array(1024);
  length = 0;
  push(part: ArrayLike<number>): void {
    if (this.length + part.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + part.length));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(part, this.length);
    this.length += part.length;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

class PickleOut {
  readonly out = new ByteBuf();
  /** Globals are memoized once and fetched again, as CPython's memo does (keeps 100k-key files small). */
  private readonly globals = new Map<string, number>();
  private readonly strings = new Map<string, number>();
  private memoNext = 0;
  constructor(
    private readonly protocol: number,
    private readonly cpython = false,
  ) {}

  /** MEMOIZE after a container or a call result, in CPython mode. */
  private memoizeValue(): void {
    if (this.cpython) this.put();
  }

  push(...b: ArrayLike<number>[]): void {
    for (const part of b) this.out.push(part);
  }

  /** Strings are memoized too (CPython memoizes every str), so repeated field names cost a BINGET. */
  str(s: string, fresh = false): void {
    const memo = fresh ? undefined : this.strings.get(s);
    if (memo !== undefined) return this.get(memo);
    const b = enc.encode(s);
    if (b.length < 256 && this.protocol >= 4) this.push([OPS.SHORT_BINUNICODE, b.length], b);
    else this.push([OPS.BINUNICODE], le(b.length, 4), b);
    const index = this.put();
    if (!fresh) this.strings.set(s, index);
  }

  private get(index: number): void {
    if (index < 256) this.push([OPS.BINGET, index]);
    else this.push([OPS.LONG_BINGET], le(index, 4));
  }

  private put(): number {
    const index = this.memoNext++;
    if (this.protocol >= 4) this.push([OPS.MEMOIZE]);
    else if (index < 256) this.push([OPS.BINPUT, index]);
    else this.push([OPS.LONG_BINPUT], le(index, 4));
    return index;
  }

  value(v: Py): void {
    if (v === null) return this.push([OPS.NONE]);
    if (v === true || v === false) return this.push([v ? OPS.NEWTRUE : OPS.NEWFALSE]);
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 256) return this.push([OPS.BININT1, v]);
      if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return this.push([OPS.BININT], le(v >>> 0, 4));
      const b = longBytes(BigInt(v));
      return b.length < 256 ? this.push([OPS.LONG1, b.length], b) : this.push([OPS.LONG4], le(b.length, 4), b);
    }
    if (typeof v === 'string') return this.str(v);
    if (v instanceof Uint8Array) return this.push([OPS.BINBYTES], le(v.length, 4), v);
    switch (v.t) {
      case 'float': {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v.v, false);
        return this.push([OPS.BINFLOAT], b);
      }
      case 'tuple':
        if (v.items.length === 0) return this.push([OPS.EMPTY_TUPLE]);
        if (this.cpython && v.items.length <= 3) {
          v.items.forEach((x) => this.value(x));
          this.push([[OPS.TUPLE1, OPS.TUPLE2, 0x87][v.items.length - 1] as number]);
          return this.memoizeValue();
        }
        this.push([OPS.MARK]);
        v.items.forEach((x) => this.value(x));
        this.push([OPS.TUPLE]);
        return this.memoizeValue();
      case 'list':
        this.push([OPS.EMPTY_LIST]);
        this.memoizeValue();
        if (v.items.length === 0) return;
        if (this.cpython && v.items.length === 1) {
          this.value(v.items[0] as Py);
          return this.push([OPS.APPEND]);
        }
        this.push([OPS.MARK]);
        v.items.forEach((x) => this.value(x));
        return this.push([OPS.APPENDS]);
      case 'dict':
        this.push([OPS.EMPTY_DICT]);
        this.memoizeValue();
        if (v.entries.length === 0) return;
        if (this.cpython && v.entries.length === 1) {
          const [k, x] = v.entries[0] as readonly [Py, Py];
          this.value(k);
          this.value(x);
          return this.push([OPS.SETITEM]);
        }
        this.push([OPS.MARK]);
        for (const [k, x] of v.entries) {
          this.value(k);
          this.value(x);
        }
        return this.push([OPS.SETITEMS]);
      case 'global':
        return this.global(v.module, v.name);
      case 'reduce':
        this.value(v.fn);
        this.value(py.tuple(...v.args));
        this.push([OPS.REDUCE]);
        return this.memoizeValue();
      case 'obj':
        this.value(v.cls);
        this.push([OPS.EMPTY_TUPLE, OPS.NEWOBJ]);
        this.memoizeValue();
        if (v.state === undefined) return;
        this.value(v.state);
        return this.push([OPS.BUILD]);
      case 'persid':
        this.value(v.pid);
        return this.push([OPS.BINPERSID]);
      case 'raw':
        return this.push(v.bytes);
      case 'fresh':
        return this.str(v.s, true);
      case 'seq':
        return v.items.forEach((x) => this.value(x));
    }
  }

  private global(module: string, name: string): void {
    const key = `${module} ${name}`;
    const memo = this.globals.get(key);
    if (memo !== undefined) return this.get(memo);
    if (this.protocol < 4) this.push([OPS.GLOBAL], enc.encode(`${module}\n${name}\n`));
    else {
      this.str(module);
      this.str(name);
      this.push([OPS.STACK_GLOBAL]);
    }
    this.globals.set(key, this.put());
  }
}

/** Pickles `value` (PROTO, optional FRAME, value, STOP). */
export function pickle(value: Py, opts: PickleOptions = {}): Uint8Array {
  const protocol = opts.protocol ?? 4;
  const body = new PickleOut(protocol, opts.cpython === true && protocol >= 4);
  body.value(value);
  body.push([OPS.STOP]);
  const bodyBytes = body.out.bytes();
  const frame = protocol >= 4 && opts.frame !== false ? concatBytes([OPS.FRAME], le(bodyBytes.length, 8)) : new Uint8Array(0);
  return concatBytes([OPS.PROTO, protocol], frame, bodyBytes);
}

// ---------------------------------------------------------------- torch.save zips

export interface ZipRecord {
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * A stored zip laid out as caffe2's inline_container.cc writes it: each local header padded with
 * an "FB" extra field so data starts at a multiple of 64, a central directory without extras, then
 * a ZIP64 end record, its locator and the classic end record (formats.md 3.1).
 */
export function storedZip(records: readonly ZipRecord[]): Uint8Array {
  const body = new ByteBuf();
  const central = new ByteBuf();
  for (const r of records) {
    const at = body.length;
    const name = enc.encode(r.name);
    const fixed = 30 + name.length + 4;
    const pad = (64 - ((at + fixed) % 64)) % 64;
    const crc = crc32(r.data);
    body.push(concatBytes(
      le(0x04034b50, 4), le(0, 2), le(0x0800, 2), le(0, 2), le(0, 4), le(crc, 4), le(r.data.length, 4), le(r.data.length, 4),
      le(name.length, 2), le(4 + pad, 2), name, le(0x4246, 2), le(pad, 2), new Uint8Array(pad).fill(0x5a),
    ));
    body.push(r.data);
    central.push(concatBytes(
      le(0x02014b50, 4), le(0x031e, 2), le(0, 2), le(0x0800, 2), le(0, 2), le(0, 4), le(crc, 4), le(r.data.length, 4), le(r.data.length, 4),
      le(name.length, 2), le(0, 2), le(0, 2), le(0, 2), le(0, 2), le(0, 4), le(at, 4), name,
    ));
  }
  const cdOffset = body.length;
  const cdLength = central.length;
  const z64At = cdOffset + cdLength;
  body.push(central.bytes());
  body.push(concatBytes(
    le(0x06064b50, 4), le(44, 8), le(0x031e, 2), le(0, 2), le(0, 4), le(0, 4),
    le(records.length, 8), le(records.length, 8), le(cdLength, 8), le(cdOffset, 8),
  ));
  body.push(concatBytes(le(0x07064b50, 4), le(0, 4), le(z64At, 8), le(1, 4)));
  // Past 65 535 records the classic fields saturate and readers take the ZIP64 record (APPNOTE 4.4.1.4).
  const count = Math.min(records.length, 0xffff);
  body.push(concatBytes(le(0x06054b50, 4), le(0, 2), le(0, 2), le(count, 2), le(count, 2), le(cdLength, 4), le(cdOffset, 4), le(0, 2)));
  return body.bytes();
}

function torchRecords(dataPkl: Uint8Array, storage: Uint8Array | null): ZipRecord[] {
  const r = (name: string, data: Uint8Array | string): ZipRecord => ({ name: `archive/${name}`, data: typeof data === 'string' ? enc.encode(data) : data });
  return [
    r('data.pkl', dataPkl),
    r('.format_version', '1'),
    r('.storage_alignment', '64'),
    r('byteorder', 'little'),
    ...(storage === null ? [] : [r('data/0', storage)]),
    r('version', '3\n'),
    r('.data/serialization_id', '0'.repeat(40)),
  ];
}

/** torch legacy storage class per dtype (formats.md 2.3); _rebuild_tensor_v2 names the dtype through it. */
const STORAGE_CLASS: Readonly<Record<string, [string, number]>> = {
  float32: ['FloatStorage', 4], float64: ['DoubleStorage', 8], float16: ['HalfStorage', 2], bfloat16: ['BFloat16Storage', 2],
  int8: ['CharStorage', 1], uint8: ['ByteStorage', 1], int16: ['ShortStorage', 2], int32: ['IntStorage', 4],
  int64: ['LongStorage', 8], bool: ['BoolStorage', 1],
};

export function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1, acc = 1; d >= 0; acc *= shape[d] as number, d--) out[d] = acc;
  return out;
}

/** data.pkl of a tensor item: _rebuild_tensor_v2(persid storage, 0, size, stride, False, OrderedDict()). */
export function tensorDataPkl(dtype: string, shape: readonly number[]): Uint8Array {
  const sc = STORAGE_CLASS[dtype];
  if (sc === undefined) throw new Error(`tensorDataPkl: no legacy storage class for ${dtype}`);
  const numel = shape.reduce((a, b) => a * b, 1);
  return pickle(
    py.reduce(
      py.global('torch._utils', '_rebuild_tensor_v2'),
      py.persid(py.tuple('storage', py.global('torch', sc[0]), '0', 'cpu', numel)),
      0,
      py.tuple(...shape),
      py.tuple(...contiguousStrides(shape)),
      false,
      py.reduce(py.global('collections', 'OrderedDict')),
    ),
    { protocol: 2 },
  );
}

/**
 * A tensor item as torch.save writes it (data/0 holds `data`, C-contiguous little-endian).
 * `dataPkl` replaces the pickle; `extra` records go last (a padding record grows the zip by
 * exactly its data length, since nothing after it moves but the directory).
 */
export function torchSaveTensor(dtype: string, shape: readonly number[], data: Uint8Array, dataPkl?: Uint8Array, extra: readonly ZipRecord[] = []): Uint8Array {
  return storedZip([...torchRecords(dataPkl ?? tensorDataPkl(dtype, shape), data), ...extra]);
}

/** A bytes item: torch.save of a Python value whose data.pkl is given (protocol 2 as torch writes it). */
export function torchSaveObject(dataPkl: Uint8Array): Uint8Array {
  return storedZip(torchRecords(dataPkl, null));
}

export function itemsizeOf(dtype: string): number {
  const sc = STORAGE_CLASS[dtype];
  if (sc === undefined) throw new Error(`itemsizeOf: unknown dtype ${dtype}`);
  return sc[1];
}

// ---------------------------------------------------------------- zstd frames (RFC 8878)

const ZSTD_MAGIC = le(0xfd2fb528, 4);
const ZSTD_BLOCK_MAX = 128 * 1024;

function blockHeader(last: boolean, type: 0 | 1 | 2, size: number): Uint8Array {
  return le((size << 3) | (type << 1) | (last ? 1 : 0), 3);
}

/** One valid zstd frame holding `content` in raw blocks, with its content size declared. */
export function zstdRawFrame(content: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [ZSTD_MAGIC, Uint8Array.of(0xa0), le(content.length, 4)]; // FCS 4 bytes, single segment
  if (content.length === 0) parts.push(blockHeader(true, 0, 0));
  for (let o = 0; o < content.length; o += ZSTD_BLOCK_MAX) {
    const piece = content.subarray(o, o + ZSTD_BLOCK_MAX);
    parts.push(blockHeader(o + ZSTD_BLOCK_MAX >= content.length, 0, piece.length), piece);
  }
  return concatBytes(...parts);
}

/**
 * A decompression bomb: a frame with no content size and a 2 MiB window whose RLE blocks (4 bytes
 * each) expand to `outputBytes` (rounded up to 128 KiB). 8 GiB of output costs 256 KiB.
 */
export function zstdRleBomb(outputBytes: number): Uint8Array {
  const blocks = Math.max(1, Math.ceil(outputBytes / ZSTD_BLOCK_MAX));
  const out = new Uint8Array(4 + 2 + blocks * 4);
  out.set(ZSTD_MAGIC, 0);
  out[4] = 0x00; // no FCS, not single segment, no checksum, no dictionary
  out[5] = 11 << 3; // window 2^(10+11) = 2 MiB
  for (let i = 0; i < blocks; i++) {
    out.set(blockHeader(i === blocks - 1, 1, ZSTD_BLOCK_MAX), 6 + i * 4);
    out[6 + i * 4 + 3] = 0x41;
  }
  return out;
}

/** A tiny frame that declares `contentSize` bytes (8-byte FCS) and holds one empty raw block. */
export function zstdClaimingFrame(contentSize: bigint): Uint8Array {
  return concatBytes(ZSTD_MAGIC, Uint8Array.of(0xe0), le(contentSize, 8), blockHeader(true, 0, 0));
}
