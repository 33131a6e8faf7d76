// Bounded concurrency for reading many headers: a layout can span thousands of files, and
// opening them all at once would exhaust file handles (EMFILE) for no gain.

/** Runs `fn` over `items` with at most `limit` in flight; results come back in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
