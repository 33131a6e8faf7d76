// Whether a long list holds two equal items, without a Map of them: sort their hashes once and
// compare only the items whose hashes are equal. Used where a Map of 100k fresh strings was a
// measurable part of reading a checkpoint (DCP state_dict keys, a tree's siblings) and repeats
// are so rare that their answer only decides whether a slower, exact path runs.

/** Items up to this many are compared pair by pair. */
const PAIRWISE_MAX = 16;
/** hash · 2^22 + index stays an exact double for 31-bit hashes. */
const INDEX_BITS = 1 << 22;

/**
 * Whether two of the n items are equal (`same`), finding candidates by `hashOf`: a non-negative
 * 31-bit hash, equal for equal items. True, without looking, for 2^22 items or more: callers take
 * their exact path then.
 */
export function mayHaveEqualPair(n: number, hashOf: (i: number) => number, same: (i: number, j: number) => boolean): boolean {
  if (n <= PAIRWISE_MAX) {
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) if (same(i, j)) return true;
    return false;
  }
  if (n >= INDEX_BITS) return true;
  const packed = new Float64Array(n); // hash · 2^22 + index: sorts by hash, then index
  for (let i = 0; i < n; i++) packed[i] = hashOf(i) * INDEX_BITS + i;
  packed.sort();
  for (let r = 1; r < n; r++) {
    const h = Math.floor((packed[r] as number) / INDEX_BITS);
    for (let q = r - 1; q >= 0 && Math.floor((packed[q] as number) / INDEX_BITS) === h; q--) {
      if (same((packed[r] as number) % INDEX_BITS, (packed[q] as number) % INDEX_BITS)) return true;
    }
  }
  return false;
}
