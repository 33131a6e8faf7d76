import { createHash } from 'node:crypto';
import type { CheckpointFolder } from '../../io/folder';
import type { TensorEntry } from '../../../shared/model/checkpoint';
import { readTensorBlocks, type TensorReadOptions } from '../tensor-data/assemble';

/** Block size for hashing in a worker thread: big enough that the syscalls cost little, small enough to stay in cache. */
export const HASH_BLOCK_BYTES = 1024 * 1024;

/**
 * How a worker thread reads tensors to hash them: blocking reads one block at a time into one
 * reused buffer (a read-ahead buffer only costs memory when the thread waits on the read anyway;
 * measured on convert --verify: 2.97 s / 207 MiB with 8 MiB blocks and read-ahead, 2.60 s / 107 MiB).
 */
export function workerHashReads(): Omit<TensorReadOptions, 'signal' | 'rows'> {
  return { blockBytes: HASH_BLOCK_BYTES, readAhead: false, scratch: new Uint8Array(HASH_BLOCK_BYTES) };
}

/** sha256 (hex) of the full tensor's C-contiguous little-endian bytes, streamed (`read`: how, see readTensorBlocks). */
export async function hashTensor(folder: CheckpointFolder, entry: TensorEntry, signal?: AbortSignal, read: Omit<TensorReadOptions, 'signal' | 'rows'> = {}): Promise<string> {
  const h = createHash('sha256');
  for await (const block of readTensorBlocks(folder, entry, { ...read, ...(signal ? { signal } : {}) })) h.update(block);
  return h.digest('hex');
}
