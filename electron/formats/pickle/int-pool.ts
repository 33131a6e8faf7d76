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
  private readonly byHash = new Map<number, readonly number[] | Array<readonly number[]>>();
  private count = 0;

  /** share() of the first n items of `scratch`, copying them only when no equal sequence is kept. */
  shareFrom(scratch: readonly number[], n: number): readonly number[] {
    if (n > MAX_POOLED_LENGTH) return scratch.slice(0, n);
    const h = hash(scratch, n);
    const kept = this.find(scratch, n, h);
    if (kept !== undefined) return kept;
    const items = scratch.slice(0, n);
    this.keep(items, h);
    return items;
  }

  /** An array equal to `items` seen before in this pickle, else `items` itself (then remembered). */
  share(items: readonly number[]): readonly number[] {
    if (items.length > MAX_POOLED_LENGTH) return items;
    const h = hash(items);
    const kept = this.find(items, items.length, h);
    if (kept !== undefined) return kept;
    this.keep(items, h);
    return items;
  }

  /** The kept sequence equal to the first n items of `items` (whose hash is h), or undefined. */
  private find(items: readonly number[], n: number, h: number): readonly number[] | undefined {
    const hit = this.byHash.get(h);
    if (hit === undefined) return undefined;
    if (!Array.isArray(hit[0])) return same(hit as readonly number[], items, n) ? (hit as readonly number[]) : undefined;
    for (const s of hit as Array<readonly number[]>) if (same(s, items, n)) return s;
    return undefined;
  }

  /** Remembers `items` (equal to none kept; hash h) while fewer than MAX_POOLED are. */
  private keep(items: readonly number[], h: number): void {
    if (this.count >= MAX_POOLED) return;
    const hit = this.byHash.get(h);
    if (hit === undefined) this.byHash.set(h, items);
    else if (!Array.isArray(hit[0])) this.byHash.set(h, [hit as readonly number[], items]);
    else (hit as Array<readonly number[]>).push(items);
    this.count++;
  }
}
