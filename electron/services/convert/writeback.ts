// Gets the disk writing while tensors are still being copied. Left alone, the kernel keeps the
// output as dirty pages until they reach dirty_background_ratio (10% of RAM by default), so a
// multi-GB output would be flushed all at once by the final fsync, after the copy. Asking for an
// fdatasync every FLUSH_EVERY_BYTES overlaps the disk's work with ours; the final fsync then
// finds little left. At most one flush runs at a time; a flush error (EIO, ENOSPC) is kept and
// thrown by drain().

import { open } from 'node:fs/promises';

/** Output bytes between two background flushes: a few hundred MB keeps the disk busy without many syscalls. */
export const FLUSH_EVERY_BYTES = 256 * 1024 * 1024;

export interface Writeback {
  /** `bytes` more were written into `file`. */
  note(file: string, bytes: number): void;
  /** Waits for the flush in flight; throws the first flush error. */
  drain(): Promise<void>;
}

export function createWriteback(flushEvery = FLUSH_EVERY_BYTES): Writeback {
  const dirty = new Set<string>();
  let pending = 0;
  let inflight: Promise<void> | null = null;
  let failure: unknown = null;

  const flush = async (files: string[]): Promise<void> => {
    for (const f of files) {
      const fh = await open(f, 'r+');
      try {
        await fh.datasync();
      } finally {
        await fh.close();
      }
    }
  };

  return {
    note(file, bytes) {
      dirty.add(file);
      pending += bytes;
      if (pending < flushEvery || inflight !== null) return;
      const files = [...dirty];
      dirty.clear();
      pending = 0;
      inflight = flush(files)
        .catch((e: unknown) => {
          failure ??= e;
        })
        .finally(() => {
          inflight = null;
        });
    },
    async drain() {
      await inflight;
      if (failure !== null) throw failure;
    },
  };
}
