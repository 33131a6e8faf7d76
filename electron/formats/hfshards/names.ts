// File names of the Hugging Face layouts (formats.md sections 1, 6, 7).

/** The index Transformers writes next to `model-0000k-of-0000n.safetensors`. */
export const HF_INDEX_NAME = 'model.safetensors.index.json';

/**
 * One rank's file from torch's HuggingFaceStorageWriter (torch/distributed/checkpoint/
 * _hf_utils.py): `shard-{rank+1:05d}-model-{k:05d}-of-{n:05d}.safetensors`. S is 1-based.
 */
export const DCP_HF_SHARD_NAME = /^shard-(\d{5})-model-(\d{5})-of-(\d{5})\.safetensors$/;

export interface DcpHfShardName {
  /** 0-based rank (S − 1). */
  readonly rank: number;
  /** 1-based output file index k. */
  readonly fileIndex: number;
  /** n, the number of output files. */
  readonly fileCount: number;
}

export function isDcpHfShardName(name: string): boolean {
  return parseDcpHfShardName(name) !== null;
}

/** The numbers in a per-rank shard name, or null for any other name (or S = 0). */
export function parseDcpHfShardName(name: string): DcpHfShardName | null {
  const m = DCP_HF_SHARD_NAME.exec(name);
  if (m === null) return null;
  const s = Number(m[1]);
  if (s < 1) return null;
  return { rank: s - 1, fileIndex: Number(m[2]), fileCount: Number(m[3]) };
}
