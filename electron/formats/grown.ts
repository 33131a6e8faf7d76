// Growing the typed-array columns readers fill as they go (storage entries, key positions, memo
// codes): a copy into a longer, zero-filled array.

/** `a` copied into a new Int32Array of `len` (≥ a.length) entries; the rest are 0. */
export function grownInt32(a: Int32Array, len: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(len);
  b.set(a);
  return b;
}

/** `a` copied into a new Float64Array of `len` (≥ a.length) entries; the rest are 0. */
export function grownFloat64(a: Float64Array, len: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(len);
  b.set(a);
  return b;
}
