// One chunk's C-contiguous bytes as a ByteSource, whatever the format keeps it in.

import type { CheckpointFolder } from '../../io/folder';
import { type ByteSource } from '../../io/byte-source';
import { SliceSource } from '../../io/memory-source';
import type { Chunk, TensorEntry } from '../../../shared/model/checkpoint';
import { DTYPES } from '../../../shared/model/dtype';
import { byteSize } from '../../../shared/model/shape';
import { FormatError } from '../../../shared/errors';
import { openTorchItemChunk } from '../../formats/dcp/chunk';

export async function openChunk(folder: CheckpointFolder, entry: TensorEntry, chunk: Chunk): Promise<ByteSource> {
  const expected = byteSize(chunk.sizes, DTYPES[entry.dtype].itemsize);
  if (expected === null) {
    throw new FormatError('LIMIT', `chunk [${chunk.sizes.join(', ')}] of ${entry.dtype} is too large to address`, { key: entry.key });
  }
  const src = chunk.source;
  switch (src.kind) {
    case 'raw': {
      if (src.length !== expected) {
        throw new FormatError(
          'INCONSISTENT',
          `tensor "${entry.key}" chunk at [${chunk.offsets.join(', ')}] holds ${src.length} bytes, but ${entry.dtype} [${chunk.sizes.join(', ')}] needs ${expected}`,
          { file: src.file, key: entry.key, offset: src.offset },
        );
      }
      const file = await folder.open(src.file);
      return new SliceSource(file, src.offset, src.length, src.file);
    }
    case 'torch-item':
      return openTorchItemChunk(folder, src, { key: entry.key, dtype: entry.dtype, sizes: chunk.sizes });
  }
}
