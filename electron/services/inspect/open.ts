// Opens any layout Shardscope reads and returns the format-neutral model with the folder that
// serves its bytes. Services (inspect, convert, diff, the app) start here.

import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { CheckpointFolder } from '../../io/folder';
import { NodeFolder } from '../../io/node-folder';
import { type CheckpointListing, type CheckpointModel, listingOf } from '../../../shared/model/checkpoint';
import { FormatError } from '../../../shared/errors';
import { detectLayout, type Layout } from './detect';
import { listDcp, readDcp } from '../../formats/dcp/reader';
import { readSafetensorsSingle, readSafetensorsSharded, readDcpHfShards } from '../../formats/hfshards';
import { mergeSafetensorsFiles } from './merge-files';
import { assertBareFileName } from '../../formats/paths';

export interface OpenCheckpoint {
  readonly model: CheckpointModel;
  readonly folder: CheckpointFolder;
  close(): Promise<void>;
}

/** Reads the checkpoint at `target` (a folder, or one of its files). */
export async function openCheckpoint(target: string): Promise<OpenCheckpoint> {
  const { value, folder } = await openWith(target, readLayout);
  return { model: value, folder, close: () => folder.close() };
}

/**
 * The listing of the checkpoint at `target`, checked as openCheckpoint checks it: what `inspect`
 * prints. A DCP folder is listed without building its chunks (a 100k-key one has 400k).
 */
export async function listCheckpoint(target: string): Promise<CheckpointListing> {
  const { value, folder } = await openWith(target, async (f, layout, t) => (layout.format === 'dcp' ? listDcp(f) : listingOf(await readLayout(f, layout, t))));
  await folder.close();
  return value;
}

async function openWith<T>(target: string, read: (folder: CheckpointFolder, layout: Layout, target: string) => Promise<T>): Promise<{ value: T; folder: NodeFolder }> {
  const abs = path.resolve(target);
  let st;
  try {
    st = await stat(abs);
  } catch {
    throw new FormatError('NOT_FOUND', `${target}: no such file or folder`, { file: target });
  }
  if (!st.isDirectory() && !st.isFile()) {
    throw new FormatError('NOT_A_CHECKPOINT', `${target}: not a regular file or folder`, { file: target });
  }
  const dir = st.isDirectory() ? abs : path.dirname(abs);
  const folder = new NodeFolder(dir);
  try {
    let layout = await detectLayout(folder);
    if (!st.isDirectory()) layout = narrowToFile(layout, path.basename(abs), target);
    return { value: await read(folder, layout, target), folder };
  } catch (e) {
    await folder.close();
    throw locateError(e, dir);
  }
}

/**
 * Errors from parsers name files as the folder knows them (bare names); users need the path.
 * A name that is not a bare file name (a hostile path quoted from inside a file) is left as it
 * is: joining it to the folder would print a path that was never read.
 */
export function locateError(e: unknown, dir: string): unknown {
  if (e instanceof FormatError && e.file !== undefined && !path.isAbsolute(e.file)) {
    try {
      assertBareFileName(e.file);
      e.file = path.join(dir, e.file);
    } catch {
      // keep the quoted name
    }
  }
  return e;
}

function narrowToFile(layout: Layout, name: string, target: string): Layout {
  if (name === '.metadata' || name.endsWith('.distcp')) return layout;
  if (name.endsWith('.safetensors.index.json')) {
    return layout.format === 'safetensors-sharded' ? { ...layout, index: name } : layout;
  }
  if (name.endsWith('.safetensors')) return { format: 'safetensors', file: name };
  return { format: null, why: `${target} is not a checkpoint file` };
}

async function readLayout(folder: CheckpointFolder, layout: Layout, target: string): Promise<CheckpointModel> {
  switch (layout.format) {
    case 'dcp':
      return readDcp(folder);
    case 'safetensors':
      return readSafetensorsSingle(folder, layout.file);
    case 'safetensors-sharded':
      return layout.index !== null ? readSafetensorsSharded(folder, layout.index) : mergeSafetensorsFiles(folder, layout.files);
    case 'dcp-hf-shards':
      return readDcpHfShards(folder);
    case null: {
      const subs = await checkpointSubfolders(folder);
      const hint = subs.length > 0 ? `; sub-folders that hold checkpoints: ${subs.join(', ')}` : '';
      throw new FormatError(
        'NOT_A_CHECKPOINT',
        `${target}: not a checkpoint: ${layout.why}. Expected a DCP folder (.metadata + __R_I.distcp), a *.safetensors file, or sharded safetensors with model.safetensors.index.json${hint}`,
        { file: target },
      );
    }
  }
}

async function checkpointSubfolders(folder: CheckpointFolder): Promise<string[]> {
  const out: string[] = [];
  for (const d of (await folder.listDirs()).slice(0, 200)) {
    const sub = new NodeFolder(path.join(folder.root, d));
    try {
      if ((await detectLayout(sub)).format !== null) out.push(d);
    } catch {
      // unreadable sub-folder: not a hint worth giving
    } finally {
      await sub.close();
    }
    if (out.length >= 10) break;
  }
  return out;
}
