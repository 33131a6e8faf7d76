// One safetensors file → the format-neutral CheckpointModel (format 'safetensors').
// Each tensor is one chunk covering the whole tensor, read raw from [dataStart + begin, end).
// Entries keep the header's order. `root` is the folder's root; a caller that opened a single
// file by path may replace it with the file's own path.

import type { CheckpointFolder } from '../../io/folder';
import type { CheckpointModel, Diagnostic, TensorEntry } from '../../../shared/model/checkpoint';
import { parseSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensorInfo } from '../safetensors/header';
import { DCP_SHARDING_INFO_KEY } from './sharding-info';

/** A header tensor as a whole-tensor entry whose one chunk is raw bytes in `file`. */
export function tensorEntryFromHeader(file: string, header: SafetensorsHeader, t: SafetensorsTensorInfo): TensorEntry {
  const length = t.end - t.begin;
  return {
    kind: 'tensor',
    key: t.name,
    path: [t.name],
    dtype: t.dtype,
    shape: [...t.shape],
    nbytes: length,
    chunks: [
      {
        offsets: t.shape.map(() => 0),
        sizes: [...t.shape],
        source: { kind: 'raw', file, offset: header.dataStart + t.begin, length },
        rank: null,
      },
    ],
  };
}

export async function readSafetensorsSingle(folder: CheckpointFolder, fileName: string): Promise<CheckpointModel> {
  const src = await folder.open(fileName);
  const header = await parseSafetensorsHeader(src);
  const diagnostics: Diagnostic[] = [];
  if (header.metadata !== null && DCP_SHARDING_INFO_KEY in header.metadata) {
    diagnostics.push({
      severity: 'info',
      file: fileName,
      message: `${fileName} is one rank's part of a DCP checkpoint saved as per-rank Hugging Face shards; tensors here are that rank's chunks. Open the folder to see the full tensors.`,
    });
  }
  return {
    format: 'safetensors',
    root: folder.root,
    worldSize: null,
    entries: header.tensors.map((t) => tensorEntryFromHeader(fileName, header, t)),
    files: [{ name: fileName, size: src.size }],
    diagnostics,
    info: { ...(header.metadata ?? {}) },
  };
}
