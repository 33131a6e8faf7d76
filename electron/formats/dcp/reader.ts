// A DCP folder (`.metadata` + `__R_I.distcp`) → CheckpointModel (formats.md sections 1–5).
// Reads `.metadata` whole and every bytes item (small Python values); tensor items are only
// referenced (ChunkSource 'torch-item') and opened lazily by chunk.ts. Checked here: storage paths
// are bare names of files that exist, every item range lies inside its file, every tensor's chunk
// boxes tile its shape. Oddities that don't stop the read become diagnostics.
// Known gaps (unverified variants, formats.md 1): per-rank `__R.metadata` files are not unioned;
// `.metadata.tmp` alone (an interrupted save) reads as "no .metadata".

import { FormatError } from '../../../shared/errors';
import type { CheckpointModel, Chunk, Diagnostic, Entry, FileInfo, PathElement } from '../../../shared/model/checkpoint';
import { itemsize } from '../../../shared/model/dtype';
import { byteSize, formatShape } from '../../../shared/model/shape';
import type { CheckpointFolder } from '../../io/folder';
import { assertBareFileName } from '../paths';
import { parseDistcpName } from './distcp-name';
import { MAX_METADATA_BYTES } from './limits';
import { type DcpMetadata, type DcpStorageInfo, type DcpStorageMeta, METADATA_FILE, parseDcpMetadata, storageKey } from './metadata';
import { readObjectItem } from './objects';
import { checkTiling } from './tiling';
import { parseTransforms } from './transforms';

type TorchItem = Extract<Chunk['source'], { kind: 'torch-item' }>;

interface ReadState {
  readonly folder: CheckpointFolder;
  readonly md: DcpMetadata;
  readonly sizes: ReadonlyMap<string, number>;
  readonly diagnostics: Diagnostic[];
  /** storageKey → used, to report storage_data entries nothing refers to. */
  readonly usedStorage: Set<string>;
  /** file → item ranges, to check items tile their files. */
  readonly ranges: Map<string, Array<[number, number]>>;
}

async function readMetadataBytes(folder: CheckpointFolder, sizes: ReadonlyMap<string, number>): Promise<Uint8Array> {
  const size = sizes.get(METADATA_FILE);
  if (size === undefined) {
    throw new FormatError('NOT_FOUND', `${METADATA_FILE} is missing from ${folder.root}; a DCP checkpoint needs it`, { file: METADATA_FILE });
  }
  if (size > MAX_METADATA_BYTES) {
    throw new FormatError('LIMIT', `${METADATA_FILE} is ${size} bytes, more than the ${MAX_METADATA_BYTES}-byte limit`, { file: METADATA_FILE });
  }
  const src = await folder.open(METADATA_FILE);
  return src.read(0, src.size);
}

/** Validates one storage_data entry against the folder and returns it as a chunk source. */
function itemSource(st: ReadState, key: string, info: DcpStorageInfo): TorchItem {
  const file = info.relativePath;
  const where = { file, key, offset: info.offset };
  assertBareFileName(file, where);
  const size = st.sizes.get(file);
  if (size === undefined) {
    throw new FormatError('NOT_FOUND', `${file} is missing from the checkpoint folder; .metadata stores "${key}" in it`, { file, key });
  }
  const end = info.offset + info.length;
  if (end > size) {
    throw new FormatError('TRUNCATED', `${file}: item for "${key}" at byte ${info.offset} ends at byte ${end} but the file has ${size} bytes`, where);
  }
  parseTransforms(info.transforms, where);
  let list = st.ranges.get(file);
  if (list === undefined) st.ranges.set(file, (list = []));
  list.push([info.offset, end]);
  return { kind: 'torch-item', file, offset: info.offset, length: info.length, transforms: info.transforms };
}

function tensorEntry(st: ReadState, key: string, path: readonly PathElement[], meta: Extract<DcpStorageMeta, { kind: 'tensor' }>, tally: { duplicates: number; dupKeys: string[] }): Entry {
  const dtype = meta.dtype;
  if (dtype === null) {
    st.diagnostics.push({ severity: 'warning', message: `tensor "${key}" has dtype ${meta.dtypeName}, which Shardscope cannot read; shown as an object`, key });
    return { kind: 'object', key, path, pythonType: 'Tensor', repr: `<tensor of shape ${formatShape(meta.size)}, dtype torch.${meta.dtypeName}>` };
  }
  const chunks: Chunk[] = meta.chunks.map((c) => {
    const skey = storageKey(key, c.offsets);
    const info = st.md.storage.get(skey);
    if (info === undefined) {
      throw new FormatError('INCONSISTENT', `tensor "${key}": .metadata has no storage entry for the chunk at offsets (${c.offsets.join(', ')})`, { file: METADATA_FILE, key });
    }
    st.usedStorage.add(skey);
    const source = itemSource(st, key, info);
    return { offsets: c.offsets, sizes: c.sizes, source, rank: parseDistcpName(source.file)?.rank ?? null };
  });
  const tiling = checkTiling(key, meta.size, chunks);
  if (tiling.duplicates > 0) {
    tally.duplicates += tiling.duplicates;
    if (tally.dupKeys.length < 3) tally.dupKeys.push(key);
  }
  if (tiling.overlapCheckSkipped) {
    st.diagnostics.push({ severity: 'warning', message: `tensor "${key}" has too many chunks to check them all for overlap`, key });
  }
  const nbytes = byteSize(meta.size, itemsize(dtype));
  if (nbytes === null) throw new FormatError('LIMIT', `tensor "${key}" of shape ${formatShape(meta.size)} is larger than 2^53 bytes`, { file: METADATA_FILE, key });
  return { kind: 'tensor', key, path, dtype, shape: meta.size, nbytes, chunks: tiling.chunks };
}

async function objectEntry(st: ReadState, key: string, path: readonly PathElement[]): Promise<Entry> {
  // Bytes items are keyed by fqn alone; accept an empty offset too (a writer that set Size([])).
  const skey = st.md.storage.has(storageKey(key, null)) ? storageKey(key, null) : storageKey(key, []);
  const info = st.md.storage.get(skey);
  if (info === undefined) {
    throw new FormatError('INCONSISTENT', `object "${key}": .metadata has no storage entry for it`, { file: METADATA_FILE, key });
  }
  st.usedStorage.add(skey);
  const read = await readObjectItem(st.folder, itemSource(st, key, info), key, path);
  st.diagnostics.push(...read.diagnostics);
  return read.entry;
}

/** Items normally tile each file exactly (formats.md 1); overlaps are suspicious, gaps just odd. */
function checkFileTiling(st: ReadState): void {
  for (const [file, list] of st.ranges) {
    const sorted = [...new Map(list.map((r) => [`${r[0]}:${r[1]}`, r])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let end = 0;
    let gaps = 0;
    for (const [s, e] of sorted) {
      if (s < end) {
        st.diagnostics.push({ severity: 'warning', message: `${file}: items overlap at byte ${s}`, file, offset: s });
        break;
      }
      if (s > end) gaps++;
      end = e;
    }
    const size = st.sizes.get(file) ?? 0;
    if (gaps > 0 || end < size) {
      st.diagnostics.push({ severity: 'info', message: `${file}: ${gaps > 0 ? `${gaps} gaps between items` : `${size - end} bytes after the last item`} hold no referenced data`, file });
    }
  }
}

export async function readDcp(folder: CheckpointFolder): Promise<CheckpointModel> {
  const files: readonly FileInfo[] = await folder.listFiles();
  const sizes = new Map(files.map((f) => [f.name, f.size]));
  const md = parseDcpMetadata(await readMetadataBytes(folder, sizes));
  const st: ReadState = { folder, md, sizes, diagnostics: [...md.diagnostics], usedStorage: new Set(), ranges: new Map() };

  if (md.extraFields.length > 0) {
    st.diagnostics.push({ severity: 'info', message: `.metadata has fields Shardscope does not use: ${md.extraFields.join(', ')}`, file: METADATA_FILE });
  }
  const entries: Entry[] = [];
  const tally = { duplicates: 0, dupKeys: [] as string[] };
  let flatKeys = 0;
  for (const [key, meta] of md.stateDict) {
    const planned = md.plannerData?.get(key);
    if (planned === undefined) flatKeys++;
    const path = planned ?? [key];
    entries.push(meta.kind === 'tensor' ? tensorEntry(st, key, path, meta, tally) : await objectEntry(st, key, path));
  }

  if (flatKeys > 0 && md.plannerData !== null) {
    st.diagnostics.push({ severity: 'info', message: `planner_data has no path for ${flatKeys} keys; they are shown at the top level`, file: METADATA_FILE });
  } else if (md.plannerData === null && md.stateDict.size > 0) {
    st.diagnostics.push({ severity: 'info', message: '.metadata has no planner_data; keys are shown flat', file: METADATA_FILE });
  }
  if (tally.duplicates > 0) {
    st.diagnostics.push({ severity: 'info', message: `${tally.duplicates} duplicate chunk boxes were collapsed (e.g. ${tally.dupKeys.join(', ')})` });
  }
  const unused = md.storage.size - st.usedStorage.size;
  if (unused > 0) {
    st.diagnostics.push({ severity: 'warning', message: `storage_data has ${unused} entries no key refers to`, file: METADATA_FILE });
  }
  checkFileTiling(st);

  let maxRank = -1;
  for (const name of new Set([...sizes.keys(), ...st.ranges.keys()])) {
    const parsed = parseDistcpName(name);
    if (parsed !== null) maxRank = Math.max(maxRank, parsed.rank);
    else if (name.endsWith('.distcp')) st.diagnostics.push({ severity: 'info', message: `${name} does not follow the __R_I.distcp naming; its rank is unknown`, file: name });
    if (name.endsWith('.distcp') && !st.ranges.has(name)) st.diagnostics.push({ severity: 'info', message: `${name} holds no item .metadata refers to`, file: name });
  }

  const info: Record<string, string> = { pickleProtocol: String(md.protocol) };
  if (md.version !== null) info.metadataVersion = md.version;
  if (md.storageMeta?.checkpointId) info.checkpointId = md.storageMeta.checkpointId;
  if (md.storageMeta?.saveId) info.saveId = md.storageMeta.saveId;
  return {
    format: 'dcp',
    root: folder.root,
    worldSize: maxRank >= 0 ? maxRank + 1 : null,
    entries,
    files,
    diagnostics: st.diagnostics,
    info,
  };
}
