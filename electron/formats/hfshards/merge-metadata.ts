// The `__metadata__` of a layout spread over several files, as one `info` record: a key shown
// once when every file that has it agrees, or marked as differing. Per-file bookkeeping keys
// (DCP_SHARDING_INFO) are left out by the caller: they describe one rank, not the checkpoint.

/** Value shown for a key whose value is not the same in every file that has it. */
export const DIFFERS_BETWEEN_FILES = '(differs between files)';

export function mergeFileMetadata(
  metadatas: ReadonlyArray<Readonly<Record<string, string>> | null>,
  skip: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const out = new Map<string, string>();
  for (const md of metadatas) {
    if (md === null) continue;
    for (const [k, v] of Object.entries(md)) {
      if (skip.has(k)) continue;
      const prev = out.get(k);
      out.set(k, prev === undefined || prev === v ? v : DIFFERS_BETWEEN_FILES);
    }
  }
  const rec: Record<string, string> = {};
  for (const [k, v] of out) Object.defineProperty(rec, k, { value: v, enumerable: true, writable: true, configurable: true });
  return rec;
}
