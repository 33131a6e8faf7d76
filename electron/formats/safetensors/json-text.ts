// JSON text exactly as the two writers we mirror produce it, so our output is byte-identical:
// - the Rust crate (serde_json::to_string): no spaces, non-ASCII written raw as UTF-8, control
//   characters as \b \t \n \f \r or \u00xx (lowercase). For well-formed strings that is what
//   JSON.stringify produces too.
// - Python's json.dumps (Transformers' index file): ensure_ascii=True, so everything outside
//   U+0020..U+007E is escaped as \uxxxx (lowercase, UTF-16 surrogate pairs for astral chars).
// Also the key order both use: Rust `String` Ord and Python `str` sort compare code points,
// which differs from JS's default UTF-16 comparison for characters above U+FFFF.

/** serde_json's rendering of a string. The caller ensures `s` is well-formed UTF-16. */
export function serdeJsonString(s: string): string {
  return JSON.stringify(s);
}

/** Python json.dumps(s) with the default ensure_ascii=True. */
export function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Orders strings by Unicode code point, as Rust's `str::cmp` and Python's `sorted` do. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points above FFFF, so they sort after E000–FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
