// Shares equal short int sequences within one pickle. A `.metadata` holds two or three Size
// tuples per chunk (offsets, sizes, the storage key's offsets) and they repeat from layer to
// layer: 1.2M arrays for 100k keys, a few hundred distinct. Tuples are immutable, so equal ones
// may share one items array; keeping one copy is a quarter of the heap a large file leaves behind.

/** Sequences longer than this are not pooled (hashing them costs more than sharing saves). */
const MAX_POOLED_LENGTH = 8;

/**
 * Distinct sequences kept. Past it, new sequences are returned as they are (still correct, just
 * not shared), so a file of all-distinct offsets cannot grow the pool without bound (CWE-400).
 */
const MAX_POOLED = 1 << 16;

function hash(items: readonly number[], n = items.length): number {
  let h = n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ (items[i] as number), 0x9e3779b1) ^ (h >>> 15);
  return h;
}

/** a equals the first n items of b. */
function same(a: readonly number[], b: readonly number[], n = b.length): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class IntPool {
  /** share() of the first n items of `scratch`, copying them only when no equal sequence is kept. */
  shareFrom(scratch: readonly number[], n: number): readonly number[] {
    if (n <= MAX_POOLED_LENGTH) {
      const hit = this.byHash.get(hash(scratch, n));
      if (hit !== undefined) {
        if (!Array.isArray(hit[0])) {
          if (same(hit as readonly number[], scratch, n)) return hit as readonly number[];
        } else {
          for (const s of hit as Array<readonly number[]>) if (same(s, scratch, n)) return s;
        }
      }
    }
    return this.share(scratch.slice(0, n));
  }

  private readonly byHash = new Map<number, readonly number[] | Array<readonly number[]>>();
  private count = 0;

  /** An array equal to `items` seen before in this pickle, else `items` itself (then remembered). */
  share(items: readonly number[]): readonly number[] {
    if (items.length > MAX_POOLED_LENGTH) return items;
    const h = hash(items);
    const hit = this.byHash.get(h);
    if (hit === undefined) {
      if (this.count < MAX_POOLED) {
        this.byHash.set(h, items);
        this.count++;
      }
      return items;
    }
    if (!Array.isArray(hit[0])) {
      const one = hit as readonly number[];
      if (same(one, items)) return one;
      if (this.count < MAX_POOLED) {
        this.byHash.set(h, [one, items]);
        this.count++;
      }
      return items;
    }
    const many = hit as Array<readonly number[]>;
    for (const s of many) if (same(s, items)) return s;
    if (this.count < MAX_POOLED) {
      many.push(items);
      this.count++;
    }
    return items;
  }
}
