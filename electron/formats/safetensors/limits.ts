// Ceilings for everything a safetensors header or a Hugging Face index can make us allocate or
// loop over. Every number in those files is attacker-controlled (CWE-400, CWE-770, CWE-190).

/**
 * Largest header (the JSON after the 8-byte length) we parse: the reference crate's
 * `MAX_HEADER_SIZE` (safetensors/src/tensor.rs), so we refuse exactly what the crate refuses.
 */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Most dimensions a tensor may have. torch itself refuses tensors of more than 64 dims in most
 * kernels; no checkpoint comes close. Bounds per-tensor work and the length of messages.
 */
export const MAX_DIMS = 64;

/**
 * Most tensors one safetensors file may declare. The smallest tensor entry is about 50 bytes of
 * JSON, so a 100 MB header could name 2 million; real files hold at most tens of thousands.
 */
export const MAX_TENSORS_PER_FILE = 1_000_000;

/**
 * Deepest JSON nesting we follow: serde_json's default recursion limit, which the crate runs
 * under. Our schema needs depth 3; the rest only exists to be ignored (unknown fields).
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Largest `model.safetensors.index.json` we read. Index files of huge MoE models reach ~60 MB
 * (huggingface.js notes Kimi-K3 at ~497k tensors); 256 MiB leaves room and still bounds memory.
 */
export const MAX_INDEX_BYTES = 256 * 1024 * 1024;

/**
 * Most distinct files an index may name (huggingface.js `MAX_SHARD_COUNT`): far above any real
 * model; blocks a crafted index that would make us open millions of files.
 */
export const MAX_INDEX_FILES = 10_000;

/** Most per-rank shard files a DCP HF folder may hold (same reasoning as MAX_INDEX_FILES). */
export const MAX_DCP_SHARD_FILES = 100_000;

/** Headers read at once when a layout spans many files: bounds open reads, keeps order cheap. */
export const HEADER_READ_CONCURRENCY = 16;
