// DCP data file names: `__{rank}_{index}.distcp` (torch/distributed/checkpoint/filesystem.py,
// `_generate_uuid`-free default naming: DEFAULT_SUFFIX ".distcp", prefix `__{rank}_`).

const DISTCP_NAME = /^__(\d{1,9})_(\d{1,9})\.distcp$/;

export interface DistcpName {
  readonly rank: number;
  readonly index: number;
}

export function parseDistcpName(name: string): DistcpName | null {
  const m = DISTCP_NAME.exec(name);
  return m === null ? null : { rank: Number(m[1]), index: Number(m[2]) };
}
