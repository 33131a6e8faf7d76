// A DCP folder (`.metadata` + `__R_I.distcp`) → CheckpointModel (formats.md sections 1–5).
// Reads `.metadata` whole and every bytes item (small Python values); tensor items are only
// referenced (ChunkSource 'torch-item') and opened lazily by chunk.ts. Checked here: storage paths
// are bare names of files that exist, every item range lies inside its file, every tensor's chunk
// boxes tile its shape. Oddities that don't stop the read become diagnostics.
// Known gaps (unverified variants, formats.md 1): per-rank `__R.metadata` files are not unioned;
// `.metadata.tmp` alone (an interrupted save) reads as "no .metadata".

import { FormatError } from '../../../shared/errors';
import type { CheckpointListing, CheckpointModel, Chunk, Diagnostic, Entry, FileInfo, ListedEntry, PathElement } from '../../../shared/model/checkpoint';
import { itemsize } from '../../../shared/model/dtype';
import { byteSize, formatShape } from '../../../shared/model/shape';
import type { CheckpointFolder } from '../../io/folder';
import { assertBareFileName } from '../paths';
import { parseDistcpName } from './distcp-name';
import { MAX_METADATA_BYTES } from './limits';
import { type DcpChunkMeta, type DcpMetadata, type DcpStorageMeta, METADATA_FILE, parseDcpMetadata } from './metadata';
import { readObjectItem } from './objects';
import { checkTiling } from './tiling';
import { PositionalPaths } from './planner-paths';
import { parseTransforms } from './transforms';

interface ReadState {
  readonly folder: CheckpointFolder;
  readonly md: DcpMetadata;
  readonly sizes: ReadonlyMap<string, number>;
  readonly diagnostics: Diagnostic[];
  /** storage_data entry number → 1 once a key refers to it, to report entries nothing refers to. */
  readonly usedStorage: Uint8Array;
  usedCount: number;
  /** Storage file names already checked (assertBareFileName, present), in the order files were met. */
  readonly checkedFiles: Map<string, CheckedFile>;
  /** The same by the storage index's file number (no string lookup per chunk: 400k of them). */
  readonly checkedByFileId: Array<CheckedFile | undefined>;
}

interface CheckedFile {
  /** The storage index's number for it. */
  readonly id: number;
  readonly size: number;
  readonly rank: number | null;
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

/** Marks storage_data entry `n` used and checks it (checkItem). */
function useStorage(st: ReadState, key: string, n: number): CheckedFile {
  if (st.usedStorage[n] === 0) {
    st.usedStorage[n] = 1;
    st.usedCount++;
  }
  return checkItem(st, key, n);
}

/**
 * Refuses a storage path that is not a bare file name. The error names `.metadata`, where the
 * path is written, not the path itself: joined to the folder it would point somewhere else.
 */
function safeStoragePath(file: string, key: string): void {
  try {
    assertBareFileName(file);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    throw new FormatError(e.code, `storage_data entry for "${key}": relative_path is unsafe: ${e.message}`, { file: METADATA_FILE, key });
  }
}

/** Validates storage_data entry `n` against the folder: the file it is in. */
function checkItem(st: ReadState, key: string, n: number): CheckedFile {
  const index = st.md.storageIndex;
  const id = index.fileId(n);
  const offset = index.start(n);
  let checked = st.checkedByFileId[id];
  if (checked === undefined) {
    const file = index.file(n);
    safeStoragePath(file, key);
    const size = st.sizes.get(file);
    if (size === undefined) {
      throw new FormatError('NOT_FOUND', `${file} is missing from the checkpoint folder; .metadata stores "${key}" in it`, { file, key });
    }
    checked = { id, size, rank: parseDistcpName(file)?.rank ?? null };
    st.checkedFiles.set(file, checked);
    st.checkedByFileId[id] = checked;
  }
  const end = offset + index.length(n);
  if (end > checked.size) {
    const file = index.file(n);
    throw new FormatError('TRUNCATED', `${file}: item for "${key}" at byte ${offset} ends at byte ${end} but the file has ${checked.size} bytes`, { file, key, offset });
  }
  const transforms = index.transforms(n);
  if (transforms.length > 0) parseTransforms(transforms, { file: index.file(n), key, offset });
  return checked;
}

/**
 * `position`: the key's place in the state_dict, where its storage entries are filed. `full`:
 * build the chunks (with their sources) for a model; else only check them, for a listing.
 */
function tensorEntry(st: ReadState, key: string, position: number, path: readonly PathElement[], meta: Extract<DcpStorageMeta, { kind: 'tensor' }>, tally: { duplicates: number; dupKeys: string[] }, full: boolean): Entry | ListedEntry {
  const dtype = meta.dtype;
  if (dtype === null) {
    st.diagnostics.push({ severity: 'warning', message: `tensor "${key}" has dtype ${meta.dtypeName}, which Shardscope cannot read; shown as an object`, key });
    return { kind: 'object', key, path, pythonType: 'Tensor', repr: `<tensor of shape ${formatShape(meta.size)}, dtype torch.${meta.dtypeName}>` };
  }
  const index = st.md.storageIndex;
  const chunks = full ? new Array<Chunk>(meta.chunks.length) : null;
  for (let i = 0; i < meta.chunks.length; i++) {
    const c = meta.chunks[i] as (typeof meta.chunks)[number];
    const n = index.findAt(position, c.offsets);
    if (n < 0) {
      throw new FormatError('INCONSISTENT', `tensor "${key}": .metadata has no storage entry for the chunk at offsets (${c.offsets.join(', ')})`, { file: METADATA_FILE, key });
    }
    const { rank } = useStorage(st, key, n);
    if (chunks !== null) chunks[i] = { offsets: c.offsets, sizes: c.sizes, source: index.info(n), rank };
  }
  let tiling;
  try {
    tiling = checkTiling<DcpChunkMeta>(key, meta.size, chunks ?? meta.chunks);
  } catch (e) {
    // The boxes that fail to tile are .metadata's chunk list; checkTiling only knows the key.
    if (e instanceof FormatError) throw e.inFile(METADATA_FILE);
    throw e;
  }
  if (tiling.duplicates > 0) {
    tally.duplicates += tiling.duplicates;
    if (tally.dupKeys.length < 3) tally.dupKeys.push(key);
  }
  if (tiling.overlapCheckSkipped) {
    st.diagnostics.push({ severity: 'warning', message: `tensor "${key}" has too many chunks to check them all for overlap`, key });
  }
  const nbytes = byteSize(meta.size, itemsize(dtype));
  if (nbytes === null) throw new FormatError('LIMIT', `tensor "${key}" of shape ${formatShape(meta.size)} is larger than 2^53 bytes`, { file: METADATA_FILE, key });
  if (chunks === null) return { kind: 'tensor', key, path, dtype, shape: meta.size, nbytes, chunkCount: tiling.chunks.length };
  return { kind: 'tensor', key, path, dtype, shape: meta.size, nbytes, chunks: tiling.chunks as readonly Chunk[] };
}

async function objectEntry(st: ReadState, key: string, path: readonly PathElement[]): Promise<Entry> {
  // Bytes items are keyed by fqn alone; accept an empty offset too (a writer that set Size([])).
  const index = st.md.storageIndex;
  const byFqn = index.find(key, null);
  const n = byFqn >= 0 ? byFqn : index.find(key, []);
  if (n < 0) {
    throw new FormatError('INCONSISTENT', `object "${key}": .metadata has no storage entry for it`, { file: METADATA_FILE, key });
  }
  useStorage(st, key, n);
  const read = await readObjectItem(st.folder, index.info(n), key, path);
  st.diagnostics.push(...read.diagnostics);
  return read.entry;
}

/** Item [start, end) ranges of the storage entries keys refer to, by file id, in entry order. */
function usedRanges(st: ReadState): Array<{ starts: Float64Array; ends: Float64Array }> {
  const index = st.md.storageIndex;
  const counts: number[] = [];
  for (let n = 0; n < index.size; n++) {
    if (st.usedStorage[n] === 1) {
      const id = index.fileId(n);
      counts[id] = (counts[id] ?? 0) + 1;
    }
  }
  const out = Array.from(counts, (c) => ({ starts: new Float64Array(c ?? 0), ends: new Float64Array(c ?? 0), k: 0 }));
  for (let n = 0; n < index.size; n++) {
    if (st.usedStorage[n] !== 1) continue;
    const r = out[index.fileId(n)] as (typeof out)[number];
    r.starts[r.k] = index.start(n);
    r.ends[r.k++] = index.start(n) + index.length(n);
  }
  return out;
}

/** Items normally tile each file exactly (formats.md 1); overlaps are suspicious, gaps just odd. */
function checkFileTiling(st: ReadState): void {
  const ranges = usedRanges(st);
  for (const [file, { id }] of st.checkedFiles) {
    const { starts, ends } = ranges[id] ?? { starts: new Float64Array(0), ends: new Float64Array(0) };
    // Writers put items in file order, so the ranges are usually sorted already: then one pass.
    let order: number[] | null = null;
    for (let i = 1; i < starts.length; i++) {
      const ds = (starts[i] as number) - (starts[i - 1] as number);
      if (ds < 0 || (ds === 0 && (ends[i] as number) < (ends[i - 1] as number))) {
        order = Array.from(starts, (_, j) => j).sort((a, b) => (starts[a] as number) - (starts[b] as number) || (ends[a] as number) - (ends[b] as number));
        break;
      }
    }
    let end = 0;
    let gaps = 0;
    let prevStart = -1;
    let prevEnd = -1;
    for (let r = 0; r < starts.length; r++) {
      const i = order === null ? r : (order[r] as number);
      const s = starts[i] as number;
      const e = ends[i] as number;
      if (s === prevStart && e === prevEnd) continue; // the same item met twice (sorted: adjacent)
      prevStart = s;
      prevEnd = e;
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

export function readDcp(folder: CheckpointFolder): Promise<CheckpointModel> {
  return read(folder, true) as Promise<CheckpointModel>; // full: every tensor entry has its chunks
}

/** What readDcp reads, checked the same way, without building the chunks (for `inspect`). */
export function listDcp(folder: CheckpointFolder): Promise<CheckpointListing> {
  return read(folder, false) as Promise<CheckpointListing>; // every tensor entry is listed
}

/** The model (`full`) or the listing: its entries are Entry or ListedEntry accordingly. */
async function read(folder: CheckpointFolder, full: boolean): Promise<Omit<CheckpointModel, 'entries'> & { readonly entries: ReadonlyArray<Entry | ListedEntry> }> {
  const files: readonly FileInfo[] = await folder.listFiles();
  const sizes = new Map(files.map((f) => [f.name, f.size]));
  const md = parseDcpMetadata(await readMetadataBytes(folder, sizes));
  const st: ReadState = {
    folder,
    md,
    sizes,
    diagnostics: [...md.diagnostics],
    usedStorage: new Uint8Array(md.storageIndex.size),
    usedCount: 0,
    checkedFiles: new Map(),
    checkedByFileId: [],
  };

  if (md.extraFields.length > 0) {
    st.diagnostics.push({ severity: 'info', message: `.metadata has fields Shardscope does not use: ${md.extraFields.join(', ')}`, file: METADATA_FILE });
  }
  const entries: Array<Entry | ListedEntry> = [];
  const tally = { duplicates: 0, dupKeys: [] as string[] };
  let flatKeys = 0;
  // planner_data lists the keys in state_dict's order: take them in step, looking one up only
  // when the orders part.
  const positional = md.plannerData instanceof PositionalPaths ? md.plannerData : null;
  const planner = positional === null ? md.plannerData?.entries() : undefined;
  let next = planner?.next();
  // position: the key's place in the state_dict, where storage_data entries are filed.
  for (let position = 0; position < md.stateKeys.length; position++) {
    const key = md.stateKeys[position] as string;
    const meta = md.stateMetas[position] as DcpStorageMeta;
    let planned: readonly PathElement[] | undefined;
    if (positional !== null) {
      planned = positional.at(position);
    } else if (next !== undefined && !next.done && next.value[0] === key) {
      planned = next.value[1];
      next = planner?.next();
    } else {
      planned = md.plannerData?.get(key);
    }
    if (planned === undefined) flatKeys++;
    const path = planned ?? [key];
    entries.push(meta.kind === 'tensor' ? tensorEntry(st, key, position, path, meta, tally, full) : await objectEntry(st, key, path));
  }

  if (flatKeys > 0 && md.plannerData !== null) {
    st.diagnostics.push({ severity: 'info', message: `planner_data has no path for ${flatKeys} keys; they are shown at the top level`, file: METADATA_FILE });
  } else if (md.plannerData === null && md.stateKeys.length > 0) {
    st.diagnostics.push({ severity: 'info', message: '.metadata has no planner_data; keys are shown flat', file: METADATA_FILE });
  }
  if (tally.duplicates > 0) {
    st.diagnostics.push({ severity: 'info', message: `${tally.duplicates} duplicate chunk boxes were collapsed (e.g. ${tally.dupKeys.join(', ')})` });
  }
  const unused = md.storageIndex.size - st.usedCount;
  if (unused > 0) {
    st.diagnostics.push({ severity: 'warning', message: `storage_data has ${unused} entries no key refers to`, file: METADATA_FILE });
  }
  checkFileTiling(st);

  let maxRank = -1;
  for (const name of new Set([...sizes.keys(), ...st.checkedFiles.keys()])) {
    const parsed = parseDistcpName(name);
    if (parsed !== null) maxRank = Math.max(maxRank, parsed.rank);
    else if (name.endsWith('.distcp')) st.diagnostics.push({ severity: 'info', message: `${name} does not follow the __R_I.distcp naming; its rank is unknown`, file: name });
    if (name.endsWith('.distcp') && !st.checkedFiles.has(name)) st.diagnostics.push({ severity: 'info', message: `${name} holds no item .metadata refers to`, file: name });
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
