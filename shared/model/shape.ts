// Shape arithmetic with overflow checks: every number here may come from an attacker's file.

/** Number of elements; a 0-d shape `[]` has one. Returns null past Number.MAX_SAFE_INTEGER. */
export function numel(shape: readonly number[]): number | null {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return null;
    n *= d;
    if (!Number.isSafeInteger(n)) return null;
  }
  return n;
}

/** numel × itemsize, or null on overflow. */
export function byteSize(shape: readonly number[], itemsize: number): number | null {
  const n = numel(shape);
  if (n === null) return null;
  const b = n * itemsize;
  return Number.isSafeInteger(b) ? b : null;
}

/** C-contiguous strides, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i] ?? 1;
  }
  return s;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
