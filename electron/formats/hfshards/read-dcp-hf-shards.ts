// DCP per-rank Hugging Face shards → CheckpointModel (format 'dcp-hf-shards'). Formats.md
// section 6. torch's HuggingFaceStorageWriter without consolidation: each rank S (1-based) writes
// `shard-S-model-k-of-n.safetensors` holding its local chunk of each tensor, and
// `__metadata__.DCP_SHARDING_INFO` says where each chunk sits in the global tensor.
//
// A tensor's global shape is, per dim, the max over its parts of saved_offsets + shape; its parts
// must tile that shape (tiling.ts). Each part becomes one raw chunk with rank = S − 1.
// Entry order: the writer's state-dict order, as DCP_SHARDING_INFO lists it, taking files by
// (k, S); tensors a file holds but DCP_SHARDING_INFO omits (offsets default to zeros) follow.
// Known gap: a missing *last* rank is invisible (shapes would just look smaller); a missing rank
// in the middle, or ranks with different file sets, get a warning.

import type { CheckpointFolder } from '../../io/folder';
import type { Chunk, CheckpointModel, Diagnostic, FileInfo, TensorEntry } from '../../../shared/model/checkpoint';
import { DTYPES, type DType } from '../../../shared/model/dtype';
import { byteSize } from '../../../shared/model/shape';
import { FormatError } from '../../../shared/errors';
import { parseSafetensorsHeader, type SafetensorsHeader } from '../safetensors/header';
import { HEADER_READ_CONCURRENCY, MAX_DCP_SHARD_FILES } from '../safetensors/limits';
import { mapLimit } from './map-limit';
import { mergeFileMetadata } from './merge-metadata';
import { parseDcpHfShardName, type DcpHfShardName } from './names';
import { DCP_SHARDING_INFO_KEY, parseDcpShardingInfo } from './sharding-info';
import { checkTiling, impliedShape, type Part } from './tiling';

interface ShardFile extends DcpHfShardName, FileInfo {}

interface RankPart extends Part {
  readonly rank: number;
  readonly fileOffset: number;
  readonly length: number;
}

interface Group {
  readonly dtype: DType;
  readonly firstFile: string;
  readonly parts: RankPart[];
}

export async function readDcpHfShards(folder: CheckpointFolder): Promise<CheckpointModel> {
  const shards = selectShardFiles(folder.root, await folder.listFiles());
  const headers = await mapLimit(shards, HEADER_READ_CONCURRENCY, async (s) => parseSafetensorsHeader(await folder.open(s.name)));

  const groups = new Map<string, Group>();
  const diagnostics: Diagnostic[] = [];
  shards.forEach((s, i) => collectParts(s, headers[i] as SafetensorsHeader, groups, diagnostics));

  const entries: TensorEntry[] = [];
  for (const [key, g] of groups) {
    const shape = impliedShape(g.parts);
    const kept = checkTiling(key, shape, g.parts);
    const nbytes = byteSize(shape, DTYPES[g.dtype].itemsize);
    if (nbytes === null) throw new FormatError('LIMIT', `tensor ${JSON.stringify(key)}: shape [${shape.join(', ')}] is larger than 2^53 bytes`, { key });
    const chunks: Chunk[] = kept.map((p) => ({
      offsets: [...p.offsets],
      sizes: [...p.sizes],
      source: { kind: 'raw', file: p.file, offset: p.fileOffset, length: p.length },
      rank: p.rank,
    }));
    entries.push({ kind: 'tensor', key, path: [key], dtype: g.dtype, shape, nbytes, chunks });
  }

  const ranks = [...new Set(shards.map((s) => s.rank))].sort((a, b) => a - b);
  diagnostics.push(...rankDiagnostics(shards, ranks));
  return {
    format: 'dcp-hf-shards',
    root: folder.root,
    worldSize: ranks.length,
    entries,
    files: shards.map((s) => ({ name: s.name, size: s.size })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    diagnostics,
    info: mergeFileMetadata(
      headers.map((h) => h.metadata),
      new Set([DCP_SHARDING_INFO_KEY]),
    ),
  };
}

/** The per-rank shard files, checked for one common `of-n`, in (k, S) order. */
function selectShardFiles(root: string, listing: readonly FileInfo[]): ShardFile[] {
  const shards: ShardFile[] = [];
  for (const f of listing) {
    const n = parseDcpHfShardName(f.name);
    if (n !== null) shards.push({ ...f, ...n });
  }
  if (shards.length === 0) {
    throw new FormatError('NOT_A_CHECKPOINT', `${root}: no DCP per-rank shard files (shard-0000S-model-0000k-of-0000n.safetensors) in this folder`, { file: root });
  }
  if (shards.length > MAX_DCP_SHARD_FILES) {
    throw new FormatError('LIMIT', `${root}: ${shards.length} shard files, more than the limit of ${MAX_DCP_SHARD_FILES}`, { file: root });
  }
  const first = shards[0] as ShardFile;
  for (const s of shards) {
    if (s.fileCount !== first.fileCount) {
      throw new FormatError('INCONSISTENT', `${s.name} says there are ${s.fileCount} output files but ${first.name} says ${first.fileCount}: shards from two different saves are mixed in this folder`, {
        file: s.name,
      });
    }
    if (s.fileIndex < 1 || s.fileIndex > s.fileCount) {
      throw new FormatError('INCONSISTENT', `${s.name}: file number ${s.fileIndex} is outside 1..${s.fileCount}`, { file: s.name });
    }
  }
  return shards.sort((a, b) => a.fileIndex - b.fileIndex || a.rank - b.rank);
}

function collectParts(s: ShardFile, header: SafetensorsHeader, groups: Map<string, Group>, diagnostics: Diagnostic[]): void {
  const text = header.metadata?.[DCP_SHARDING_INFO_KEY];
  if (text === undefined) {
    throw new FormatError('INCONSISTENT', `${s.name}: the name says it is a DCP per-rank shard, but its __metadata__ has no ${DCP_SHARDING_INFO_KEY}`, { file: s.name });
  }
  const info = parseDcpShardingInfo(s.name, text);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  for (const fqn of info.keys()) {
    if (!byName.has(fqn)) {
      diagnostics.push({ severity: 'warning', file: s.name, key: fqn, message: `${s.name}: ${DCP_SHARDING_INFO_KEY} lists tensor ${JSON.stringify(fqn)}, but the file holds no such tensor` });
    }
  }
  const order = [...[...info.keys()].filter((k) => byName.has(k)), ...header.tensors.map((t) => t.name).filter((k) => !info.has(k))];
  for (const name of order) {
    const t = byName.get(name) as SafetensorsHeader['tensors'][number];
    const offsets = info.get(name) ?? t.shape.map(() => 0);
    if (offsets.length !== t.shape.length) {
      throw new FormatError(
        'INCONSISTENT',
        `${s.name}: tensor ${JSON.stringify(name)} has ${t.shape.length} dims (shape [${t.shape.join(', ')}]) but ${DCP_SHARDING_INFO_KEY} gives ${offsets.length} saved_offsets [${offsets.join(', ')}]`,
        { file: s.name, key: name },
      );
    }
    const part: RankPart = { offsets, sizes: t.shape, file: s.name, rank: s.rank, fileOffset: header.dataStart + t.begin, length: t.end - t.begin };
    const g = groups.get(name);
    if (g === undefined) {
      groups.set(name, { dtype: t.dtype, firstFile: s.name, parts: [part] });
      continue;
    }
    if (g.dtype !== t.dtype) {
      throw new FormatError('INCONSISTENT', `tensor ${JSON.stringify(name)} is ${DTYPES[g.dtype].safetensors} in ${g.firstFile} but ${DTYPES[t.dtype].safetensors} in ${s.name}`, {
        file: s.name,
        key: name,
      });
    }
    const ndim = (g.parts[0] as RankPart).sizes.length;
    if (ndim !== t.shape.length) {
      throw new FormatError('INCONSISTENT', `tensor ${JSON.stringify(name)} has ${ndim} dims in ${g.firstFile} but ${t.shape.length} in ${s.name}`, { file: s.name, key: name });
    }
    g.parts.push(part);
  }
}

function rankDiagnostics(shards: readonly ShardFile[], ranks: readonly number[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const max = ranks[ranks.length - 1] ?? 0;
  const present = new Set(ranks);
  const missing: number[] = [];
  for (let r = 0; r <= max; r++) if (!present.has(r)) missing.push(r);
  if (missing.length > 0) {
    const names = missing.slice(0, 4).map((r) => `shard-${String(r + 1).padStart(5, '0')}-…`);
    out.push({
      severity: 'warning',
      message: `no shard files for rank${missing.length > 1 ? 's' : ''} ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''} (${names.join(', ')}); if those ranks held data, tensors look smaller than they are`,
    });
  }
  const perRank = new Map<number, number[]>();
  for (const s of shards) perRank.set(s.rank, [...(perRank.get(s.rank) ?? []), s.fileIndex]);
  const sets = new Set([...perRank.values()].map((ks) => ks.sort((a, b) => a - b).join(',')));
  if (sets.size > 1) {
    const desc = [...perRank].map(([r, ks]) => `rank ${r}: files ${ks.join(',')}`).join('; ');
    out.push({ severity: 'warning', message: `ranks wrote different sets of output files (${desc}); a file may be missing` });
  }
  return out;
}
