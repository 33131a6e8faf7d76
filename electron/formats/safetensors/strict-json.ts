// A strict JSON reader for safetensors headers, index files and DCP_SHARDING_INFO.
//
// Why not JSON.parse: it keeps the last of two duplicate keys (a file could then show one tensor
// and hide another), it rounds integers above 2^53 silently (offsets would move), it reads `1.0`
// and `1e3` as integers where the crate's serde `usize` refuses them, and it reorders
// integer-like object keys (a tensor named "0" would jump to the front of the file order).
// This reader keeps object keys in file order in a Map, rejects duplicates at any depth, keeps
// each number's source text, rejects lone UTF-16 surrogate escapes as serde_json does, and caps
// nesting. Grammar: RFC 8259, whitespace = space, tab, LF, CR.

/** A number, with its exact source text: callers decide what is an acceptable integer. */
export class JsonNumber {
  constructor(readonly text: string) {}

  /** The value when the literal is a plain non-negative integer ≤ 2^53 − 1, else why not. */
  asIndex(): number | 'negative' | 'not-integer' | 'too-large' {
    if (this.text.startsWith('-')) return 'negative';
    if (/[.eE]/.test(this.text)) return 'not-integer';
    const n = Number(this.text);
    return Number.isSafeInteger(n) ? n : 'too-large';
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** Keys in file order; duplicates are rejected while parsing. */
export type JsonObject = Map<string, JsonValue>;

export type StrictJsonFailure = 'syntax' | 'duplicate-key' | 'too-deep';

export class StrictJsonError extends Error {
  constructor(
    readonly failure: StrictJsonFailure,
    message: string,
    /** UTF-16 index into the text where the problem is. */
    readonly position: number,
    /** For duplicate-key: the key, and the keys of the enclosing objects from the root. */
    readonly key?: string,
    readonly path: readonly string[] = [],
  ) {
    super(message);
    this.name = 'StrictJsonError';
  }
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

/** A short name of a value's JSON type, for messages ("a number (42)", "an object"). */
export function describeJsonValue(v: JsonValue | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return `a boolean (${String(v)})`;
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (v instanceof JsonNumber) return `a number (${v.text.length > 40 ? `${v.text.slice(0, 40)}…` : v.text})`;
  if (Array.isArray(v)) return 'an array';
  return 'an object';
}

export function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Parses one JSON document; whitespace may surround it. Throws StrictJsonError. */
export function parseStrictJson(text: string, maxDepth: number): JsonValue {
  const p = new Parser(text, maxDepth);
  p.skipWs();
  const v = p.value(0);
  p.skipWs();
  if (p.pos < text.length) p.fail(`unexpected ${p.describeHere()} after the end of the JSON value`);
  return v;
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  pos = 0;
  /** Keys of the objects we are inside, for duplicate-key messages (pushed and popped, not copied). */
  private readonly path: string[] = [];
  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  fail(message: string, at = this.pos): never {
    throw new StrictJsonError('syntax', message, at);
  }

  describeHere(): string {
    if (this.pos >= this.s.length) return 'end of text';
    const cp = this.s.codePointAt(this.pos) ?? 0;
    return cp >= 0x20 && cp < 0x7f ? `'${String.fromCodePoint(cp)}'` : `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }

  skipWs(): void {
    while (this.pos < this.s.length && isJsonWhitespace(this.s.charCodeAt(this.pos))) this.pos++;
  }

  value(depth: number): JsonValue {
    const c = this.s.charCodeAt(this.pos);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= this.maxDepth) {
        throw new StrictJsonError('too-deep', `JSON nests deeper than ${this.maxDepth} levels`, this.pos);
      }
      return c === 0x7b ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === 0x22 /* " */) return this.string();
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.s.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.s.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.s.startsWith('null', this.pos)) return this.literal(4, null);
    return this.fail(`expected a JSON value, found ${this.describeHere()}`);
  }

  private literal<T>(len: number, v: T): T {
    this.pos += len;
    return v;
  }

  private object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    this.pos++; // {
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x7d /* } */) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 0x22) this.fail(`expected a quoted object key, found ${this.describeHere()}`);
      const keyAt = this.pos;
      const key = this.string();
      if (out.has(key)) {
        throw new StrictJsonError('duplicate-key', `key ${JSON.stringify(key)} appears twice`, keyAt, key, [...this.path]);
      }
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 0x3a /* : */) this.fail(`expected ':' after key ${JSON.stringify(key)}, found ${this.describeHere()}`);
      this.pos++;
      this.skipWs();
      this.path.push(key);
      out.set(key, this.value(depth));
      this.path.pop();
      this.skipWs();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c /* , */) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return out;
      }
      this.fail(`expected ',' or '}' in an object, found ${this.describeHere()}`);
    }
  }

  private array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++; // [
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x5d /* ] */) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value(depth));
      this.skipWs();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return out;
      }
      this.fail(`expected ',' or ']' in an array, found ${this.describeHere()}`);
    }
  }

  private number(): JsonNumber {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.s);
    if (m === null) return this.fail(`malformed number`);
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }

  private string(): string {
    const start = ++this.pos; // opening quote
    let out = '';
    let runStart = start;
    for (;;) {
      if (this.pos >= this.s.length) this.fail('unterminated string', start - 1);
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.s.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail(`control character U+${c.toString(16).padStart(4, '0')} inside a string must be escaped`);
      if (c !== 0x5c /* \ */) {
        this.pos++;
        continue;
      }
      out += this.s.slice(runStart, this.pos);
      out += this.escape();
      runStart = this.pos;
    }
  }

  private escape(): string {
    const at = this.pos;
    const e = this.s.charCodeAt(this.pos + 1);
    this.pos += 2;
    switch (e) {
      case 0x22: return '"';
      case 0x5c: return '\\';
      case 0x2f: return '/';
      case 0x62: return '\b';
      case 0x66: return '\f';
      case 0x6e: return '\n';
      case 0x72: return '\r';
      case 0x74: return '\t';
      case 0x75: {
        const hi = this.hex4(at);
        if (hi >= 0xdc00 && hi <= 0xdfff) this.fail('lone trailing surrogate in a \\u escape', at);
        if (hi < 0xd800 || hi > 0xdbff) return String.fromCharCode(hi);
        // serde_json (the crate's parser) refuses unpaired surrogates; so do we.
        if (this.s.charCodeAt(this.pos) !== 0x5c || this.s.charCodeAt(this.pos + 1) !== 0x75) {
          this.fail('lone leading surrogate in a \\u escape', at);
        }
        this.pos += 2;
        const lo = this.hex4(at);
        if (lo < 0xdc00 || lo > 0xdfff) this.fail('lone leading surrogate in a \\u escape', at);
        return String.fromCharCode(hi, lo);
      }
      default:
        return this.fail('invalid escape in a string', at);
    }
  }

  private hex4(at: number): number {
    const h = this.s.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid \\u escape', at);
    this.pos += 4;
    return parseInt(h, 16);
  }
}

/** Compact JSON text of a parsed value (keys in file order, numbers as written). */
export function jsonValueText(v: JsonValue): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonValueText).join(',')}]`;
  return `{${[...v].map(([k, x]) => `${JSON.stringify(k)}:${jsonValueText(x)}`).join(',')}}`;
}
