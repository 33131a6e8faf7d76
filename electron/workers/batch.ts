// How work is cut into jobs for a worker pool: runs of items in their order, each closed once it
// holds enough bytes (a message per job then costs nothing) or items (a job of tiny tensors
// stays short), so that the last job does not leave the other workers idle long.

/**
 * Splits `items` into runs, in order: a run is closed once its items' `bytesOf` add up to
 * `maxBytes` or more, or once it holds `maxItems` items. The last run may be smaller.
 */
export function batchBySize<T>(items: readonly T[], bytesOf: (item: T) => number, maxBytes: number, maxItems = Infinity): T[][] {
  const runs: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const item of items) {
    cur.push(item);
    bytes += bytesOf(item);
    if (bytes >= maxBytes || cur.length >= maxItems) {
      runs.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length > 0) runs.push(cur);
  return runs;
}
