// Gets the disk writing while tensors are still being copied. Left alone, the kernel keeps the
// output as dirty pages until they reach dirty_background_ratio (10% of RAM by default), so a
// multi-GB output would be flushed all at once by the final fsync, after the copy. Asking for an
// fdatasync every FLUSH_EVERY_BYTES overlaps the disk's work with ours; the final fsync then
// finds little left. At most one flush runs at a time; a flush error (EIO, ENOSPC) is kept and
// thrown by drain().

import { open } from 'node:fs/promises';

/**
 * Output bytes between two background flushes. Measured on the 2-core bench machine, 2.1 GiB
 * DCP → one 2.1 GiB file, medians of 5–7 runs: no background flush (only the final fsync)
 * 1.93 s; every 512 MiB 1.38 s; 256 MiB 1.28–1.36 s; 128 MiB 1.25–1.26 s; 64 MiB 1.27–1.29 s;
 * 32 MiB 1.27 s. With background flushes the copy takes 0.95–0.99 s whatever the interval; what
 * changes is the wait after it, for the flush in flight and the data written meanwhile: 0.17 s at 256 MiB, 0.12 s at
 * 128 MiB, 0.11 s at 64 MiB. Smaller intervals gain no more and cost a journal commit each.
 * (Not tried: flushing from the workers after each job; fdatasync would stall their copying
 * until the disk is done.)
 */
export const FLUSH_EVERY_BYTES = 128 * 1024 * 1024;

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
