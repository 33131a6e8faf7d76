// `inspect --json`: {"format", "root", "world_size", "entries": {key: entry}}, indented as
// JSON.stringify(…, null, 2) indents it, written straight into UTF-8 blocks.
//
// Why not JSON.stringify of one object: for a 100k-key checkpoint, building the entries object
// (a dictionary of 100k keys) and then encoding a 17 MB string took about as long as reading the
// checkpoint's tensor table; here each distinct entry text is made once (a model's layers repeat a
// few dtype/shape pairs) and keys are copied in. It also keeps the checkpoint's own key order,
// which a JS object would not for integer-like keys ("0", "12" go first in ascending order).

import type { Writable } from 'node:stream';
import type { CheckpointListing, ListedEntry } from '../../shared/model/checkpoint';

/** Bytes per write to the stream. */
const BLOCK_BYTES = 1 << 20;
/** Keys that need no JSON escaping and are one byte per character (nearly all of them). */
const PLAIN_KEY = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Entry texts sit at depth 2 of the output. */
const ENTRY_INDENT = '    ';

/** The JSON value of one entry (before indenting). */
export function entryJson(e: ListedEntry, sha256: string | undefined): Record<string, unknown> {
  if (e.kind === 'tensor') {
    const t: Record<string, unknown> = { kind: 'tensor', dtype: e.dtype, shape: e.shape, nbytes: e.nbytes };
    if (sha256 !== undefined) t.sha256 = sha256;
    return t;
  }
  if (e.pythonType === 'unsafe') return { kind: 'object', python_type: 'unsafe', global: e.global };
  return { kind: 'object', python_type: e.pythonType, repr: e.repr };
}

class BlockWriter {
  private buf = Buffer.allocUnsafe(BLOCK_BYTES);
  private at = 0;

  constructor(private readonly out: Writable) {}

  /** Room for n more bytes (a new block once this one is full; a bigger one for a long text). */
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  text(s: string): void {
    this.room(s.length * 3); // UTF-16 units → at most 3 UTF-8 bytes each
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  /** A string of one-byte characters (checked by the caller). */
  latin1(s: string): void {
    this.room(s.length);
    this.at += this.buf.write(s, this.at, 'latin1');
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.buf.set(b, this.at); // TypedArray set: Buffer#copy costs more for 100k small copies
    this.at += b.length;
  }

  flush(): void {
    if (this.at === 0) return;
    this.out.write(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(this.buf.length); // the stream may still hold the last one
    this.at = 0;
  }
}

export function writeInspectJson(out: Writable, listing: CheckpointListing, hashes: ReadonlyMap<string, string> | null): void {
  const w = new BlockWriter(out);
  w.text(`{\n  "format": ${JSON.stringify(listing.format)},\n  "root": ${JSON.stringify(listing.root)},\n  "world_size": ${JSON.stringify(listing.worldSize)},\n  "entries": {`);
  // Entry text (indented, as UTF-8) by what it says; tensors with a sha256 are all distinct.
  const texts = new Map<string, Buffer>();
  let first = true;
  for (const e of listing.entries) {
    const sha = hashes?.get(e.key);
    const id = e.kind === 'tensor' && sha === undefined ? `${e.dtype}|${e.shape.join(',')}|${e.nbytes}` : null;
    let text = id === null ? undefined : texts.get(id);
    if (text === undefined) {
      text = Buffer.from(JSON.stringify(entryJson(e, sha), null, 2).replace(/\n/g, `\n${ENTRY_INDENT}`));
      if (id !== null) texts.set(id, text);
    }
    w.latin1(first ? `\n${ENTRY_INDENT}` : `,\n${ENTRY_INDENT}`);
    first = false;
    if (PLAIN_KEY.test(e.key)) w.latin1(`"${e.key}": `);
    else w.text(`${JSON.stringify(e.key)}: `);
    w.bytes(text);
  }
  w.latin1(first ? '}\n}\n' : '\n  }\n}\n');
  w.flush();
}
