// Which layout a path holds: content first (pickle / safetensors magic), file names second.
// An ordered table, as Netron's sniffers: the first rule that matches wins.

import type { CheckpointFolder } from '../../io/folder';
import type { CheckpointFormat, FileInfo } from '../../../shared/model/checkpoint';

export type Layout =
  | { readonly format: 'dcp' }
  | { readonly format: 'safetensors'; readonly file: string }
  | { readonly format: 'safetensors-sharded'; readonly index: string | null; readonly files: readonly string[] }
  | { readonly format: 'dcp-hf-shards'; readonly files: readonly string[] }
  | { readonly format: null; readonly why: string };

const DCP_SHARD = /^shard-(\d{5})-model-(\d{5})-of-(\d{5})\.safetensors$/;
const DISTCP = /^__\d+_\d+\.distcp$/;

/** Pickle PROTO 2..5: `80 02` .. `80 05`. */
export function looksLikePickle(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5;
}

/** u64 LE header length N (8 ≤ N+8 ≤ size, N < 100 MB) followed by `{`. */
export function looksLikeSafetensorsHead(head: Uint8Array, size: number): boolean {
  if (head.length < 9 || size < 10) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = Number(view.getBigUint64(0, true));
  return n >= 2 && n < 100_000_000 && n + 8 <= size && head[8] === 0x7b;
}

async function head(folder: CheckpointFolder, f: FileInfo, n: number): Promise<Uint8Array> {
  const src = await folder.open(f.name);
  return src.read(0, Math.min(n, f.size));
}

export async function detectLayout(folder: CheckpointFolder): Promise<Layout> {
  const files = await folder.listFiles();
  const byName = new Map(files.map((f) => [f.name, f]));

  const meta = byName.get('.metadata');
  if (meta !== undefined) {
    if (looksLikePickle(await head(folder, meta, 2))) return { format: 'dcp' };
    return { format: null, why: '.metadata is not a pickle (it should start with bytes 80 02..80 05)' };
  }

  const safetensors: string[] = [];
  for (const f of files) {
    if (!f.name.endsWith('.safetensors')) continue;
    if (looksLikeSafetensorsHead(await head(folder, f, 9), f.size)) safetensors.push(f.name);
  }
  const indexes = files.filter((f) => f.name.endsWith('.safetensors.index.json')).map((f) => f.name);
  if (indexes.length > 0) {
    const index = indexes.includes('model.safetensors.index.json') ? 'model.safetensors.index.json' : indexes[0]!;
    return { format: 'safetensors-sharded', index, files: safetensors };
  }
  const dcpShards = safetensors.filter((n) => DCP_SHARD.test(n));
  if (dcpShards.length > 0 && dcpShards.length === safetensors.length) return { format: 'dcp-hf-shards', files: dcpShards };
  if (safetensors.length === 1) return { format: 'safetensors', file: safetensors[0]! };
  if (safetensors.length > 1) return { format: 'safetensors-sharded', index: null, files: safetensors };

  if (files.some((f) => DISTCP.test(f.name))) {
    const tmp = byName.has('.metadata.tmp') ? ' (.metadata.tmp is there: the save was interrupted)' : '';
    return { format: null, why: `it has .distcp files but no .metadata${tmp}` };
  }
  return { format: null, why: 'no .metadata, *.safetensors or *.safetensors.index.json found' };
}

export const FORMAT_NAMES: Readonly<Record<CheckpointFormat, string>> = {
  dcp: 'PyTorch Distributed Checkpoint (DCP)',
  safetensors: 'safetensors',
  'safetensors-sharded': 'sharded safetensors',
  'dcp-hf-shards': 'DCP per-rank Hugging Face shards',
};
