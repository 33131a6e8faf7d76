// The pickle memo, keeping only the entries a later GET fetches.
// CPython's pickler memoizes every container and string it writes, but a `.metadata` fetches back
// about 1 in 75 of them (field names, globals, dtypes). Holding all of them kept every
// intermediate dict and tuple of a 100k-key `.metadata` alive to the end, and garbage collection
// was most of the parse time. So a first pass (memo-scan.ts) walks the opcode stream without
// building anything and records which memo indices are ever fetched; the machine then stores only
// those. Every put still counts, so MEMOIZE numbering and the memo-entry limit are unchanged.

import type { PyValue } from './values';

/** Memo indices below this live in bitmaps and a dense array (MEMOIZE counts up from 0); others in a Set/Map. */
export const DENSE_MEMO = 1 << 24;

/** A set of memo indices: a growable bitmap below DENSE_MEMO (≤ 2 MiB), a Set above. */
export class IndexSet {
  words = new Uint32Array(64);
  private sparse: Set<number> | undefined;

  has(i: number): boolean {
    if (i >= DENSE_MEMO) return this.sparse?.has(i) === true;
    const w = i >>> 5;
    return w < this.words.length && ((this.words[w] as number) & (1 << (i & 31))) !== 0;
  }

  /** Adds i; true when it was not there before. */
  add(i: number): boolean {
    if (i >= DENSE_MEMO) {
      const s = (this.sparse ??= new Set());
      if (s.has(i)) return false;
      s.add(i);
      return true;
    }
    const w = i >>> 5;
    if (w >= this.words.length) {
      let n = this.words.length * 2;
      while (n <= w) n *= 2;
      const grown = new Uint32Array(n);
      grown.set(this.words);
      this.words = grown;
    }
    const bit = 1 << (i & 31);
    const old = this.words[w] as number;
    if ((old & bit) !== 0) return false;
    this.words[w] = old | bit;
    return true;
  }
}

/**
 * The memo indices stored so far. MEMOIZE stores them in order from 0, so the set is usually the
 * prefix [0, n): kept as a count, with an IndexSet only for indices stored out of order (BINPUT).
 * Saves a bitmap update per MEMOIZE, a quarter of a large pickle's opcodes.
 */
export class StoredSet {
  private prefix = 0;
  private readonly rest = new IndexSet();

  has(i: number): boolean {
    return i < this.prefix || this.rest.has(i);
  }

  /** Adds i; true when it was not there before. */
  add(i: number): boolean {
    if (i < this.prefix) return false;
    if (i === this.prefix && !this.rest.has(i)) {
      this.prefix++;
      return true;
    }
    return this.rest.add(i);
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The machine's memo: stores only planned indices (those scanMemoFetches found), in a dense array
 * addressed by rank within the fetched bitmap, and counts every distinct index put.
 */
export class Memo {
  /** Distinct indices stored so far: MEMOIZE's next index. */
  count = 0;
  private readonly stored = new StoredSet();
  private readonly fetchedWords: Uint32Array;
  /** Number of fetched indices in the words before each word. */
  private readonly rankBase: Uint32Array;
  private readonly dense: Array<PyValue | undefined>;
  private readonly sparse = new Map<number, PyValue>();

  constructor(private readonly fetched: IndexSet) {
    const words = fetched.words;
    this.fetchedWords = words;
    this.rankBase = new Uint32Array(words.length);
    let total = 0;
    for (let w = 0; w < words.length; w++) {
      this.rankBase[w] = total;
      total += popcount(words[w] as number);
    }
    this.dense = new Array<PyValue | undefined>(total);
  }

  /** Dense slot of a fetched index below DENSE_MEMO, or -1 when it is never fetched. */
  private slot(i: number): number {
    const w = i >>> 5;
    if (w >= this.fetchedWords.length) return -1;
    const word = this.fetchedWords[w] as number;
    const bit = 1 << (i & 31);
    if ((word & bit) === 0) return -1;
    return (this.rankBase[w] as number) + popcount(word & (bit - 1));
  }

  /** True when index i had not been stored before (the caller enforces the entry limit first). */
  isNew(i: number): boolean {
    return !this.stored.has(i);
  }

  put(i: number, v: PyValue): void {
    if (this.stored.add(i)) this.count++;
    if (i >= DENSE_MEMO) {
      if (this.fetched.has(i)) this.sparse.set(i, v);
      return;
    }
    const s = this.slot(i);
    if (s >= 0) this.dense[s] = v;
  }

  /** The stored value, or undefined when index i was never stored. */
  get(i: number): PyValue | undefined {
    let v: PyValue | undefined;
    if (i >= DENSE_MEMO) v = this.sparse.get(i);
    else {
      const s = this.slot(i);
      if (s >= 0) v = this.dense[s];
    }
    if (v === undefined && this.stored.has(i)) {
      // The scan found every fetch the machine can reach; reaching here is a bug in it, not bad input.
      throw new Error(`pickle memo: entry ${i} was stored but not kept (memo scan missed a fetch)`);
    }
    return v;
  }
}
