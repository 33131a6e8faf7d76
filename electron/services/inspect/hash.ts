import { createHash } from 'node:crypto';
import type { CheckpointFolder } from '../../io/folder';
import type { TensorEntry } from '../../../shared/model/checkpoint';
import { readTensorBlocks, type TensorReadOptions } from '../tensor-data/assemble';

/** sha256 (hex) of the full tensor's C-contiguous little-endian bytes, streamed (`read`: how, see readTensorBlocks). */
export async function hashTensor(folder: CheckpointFolder, entry: TensorEntry, signal?: AbortSignal, read: Omit<TensorReadOptions, 'signal' | 'rows'> = {}): Promise<string> {
  const h = createHash('sha256');
  for await (const block of readTensorBlocks(folder, entry, { ...read, ...(signal ? { signal } : {}) })) h.update(block);
  return h.digest('hex');
}
