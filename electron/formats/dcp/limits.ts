// Named ceilings for DCP reading. Sizes, offsets and counts in `.metadata` and in items are
// attacker-controlled (CWE-400 uncontrolled resource consumption, CWE-789 excessive allocation).

import { MAX_PICKLE_INPUT_BYTES } from '../pickle/limits';
import { MAX_DIMS } from '../safetensors/limits';

/** `.metadata` is one pickle read whole; the pickle machine's input ceiling applies (CWE-789). */
export const MAX_METADATA_BYTES = MAX_PICKLE_INPUT_BYTES;

/**
 * A bytes item (a torch.save'd Python value) is read whole to unpickle it. Real ones are a few
 * hundred bytes (a float, a list of names); 64 MiB admits a large pickled object (CWE-789).
 */
export const MAX_BYTES_ITEM_BYTES = 64 * 1024 * 1024;

/** data.pkl of a tensor item is ~150–400 bytes; 1 MiB is generous (CWE-789). */
export const MAX_TENSOR_PICKLE_BYTES = 1024 * 1024;

/**
 * A zstd tensor item decompresses to the chunk's bytes plus the zip around them: seven small
 * records, 64-byte alignment padding and the directory, about 1.5 KiB in the fixtures. 64 KiB of
 * slack is a cap, not a guess: a small item claiming gigabytes is a bomb (CWE-409).
 */
export const ZSTD_ITEM_SLACK_BYTES = 64 * 1024;

/**
 * zstd window ceiling: the reference decoder's default (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27, i.e.
 * 128 MiB) refuses larger windows too. The decoder allocates the window up front (CWE-789).
 */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;

/**
 * Chunks that cannot be served as a slice of the file (zstd, non-contiguous strides, big-endian)
 * are materialized in memory; 1 GiB keeps that under the typed-array and desktop-memory ceilings.
 * Larger ones must be read uncompressed and contiguous (CWE-789).
 */
export const MAX_IN_MEMORY_CHUNK_BYTES = 1024 * 1024 * 1024;

/**
 * The exact tiling check splits a tensor into a grid at every chunk boundary. Grids above 4 Mi
 * cells (a 2048 × 2048 layout) fall back to a pairwise overlap test (CWE-400).
 */
export const MAX_TILING_CELLS = 1 << 22;

/** Box pairs the fallback overlap test may compare per tensor before giving up with a diagnostic (CWE-400). */
export const MAX_TILING_PAIRS = 1 << 24;

/** Longest Python repr kept for a bytes item; longer ones end in `…` (IPC payload size). */
export const MAX_OBJECT_REPR_CHARS = 100_000;

/**
 * Chunks one tensor's `chunks` list may hold. Planners write one chunk per rank that holds part
 * of the tensor (replicas are deduplicated; uneven sharding adds empty ones, still one per rank),
 * and the largest training jobs run ~100k ranks: 2^20 (1 048 576) is 10× that. Each chunk costs
 * a storage lookup, an item check and tiling work, so an unbounded list is CWE-400.
 */
export const MAX_CHUNKS_PER_TENSOR = 1 << 20;

/**
 * Dimensions of a tensor's `size` and of its chunks' offsets/sizes: safetensors' MAX_DIMS (64),
 * which torch kernels also stop at. The same value means a DCP tensor Shardscope reads is one
 * the safetensors writer accepts on convert; beyond it, per-dim work and messages grow (CWE-400).
 */
export const MAX_TENSOR_DIMS = MAX_DIMS;
