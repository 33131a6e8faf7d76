// Browser mode's folder browser: the sub-folders of a path the user typed, each marked with what
// its file names suggest. It reveals folder names only (never file contents), below the typed
// path only, which is what `ls` would show the same user on that machine.

import { readdir, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError } from '../../shared/errors';
import type { CheckpointFormat } from '../../shared/model/checkpoint';
import type { DirListing } from '../../shared/ipc/contract';

/** A picker lists what a person scans; a folder of 100k run directories is cut here. */
export const MAX_LISTED_DIRS = 500;
/** Each mark costs one readdir; past this many, folders are listed unmarked. */
const MAX_MARKED_DIRS = 200;

/** `~` and `~/x` as a shell would expand them. */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

/** A cheap guess from file names; opening the folder is the real test. */
export function looksLike(names: readonly string[]): CheckpointFormat | null {
  if (names.includes('.metadata')) return 'dcp';
  if (names.some((n) => n.endsWith('.safetensors.index.json'))) return 'safetensors-sharded';
  if (names.some((n) => /^shard-\d{5}-model-\d{5}-of-\d{5}\.safetensors$/.test(n))) return 'dcp-hf-shards';
  if (names.some((n) => n.endsWith('.safetensors'))) return 'safetensors';
  return null;
}

async function namesIn(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch {
    return null;
  }
}

export async function listDir(typed: string): Promise<DirListing> {
  const abs = path.resolve(expandHome(typed));
  let st;
  try {
    st = await stat(abs);
  } catch {
    throw new FormatError('NOT_FOUND', `${abs}: no such folder`, { file: abs });
  }
  if (!st.isDirectory()) throw new FormatError('NOT_FOUND', `${abs} is a file, not a folder`, { file: abs });
  let entries;
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch (e) {
    throw new FormatError('IO', `${abs}: cannot list this folder (${(e as { code?: string }).code ?? 'error'})`, { file: abs });
  }
  const names = entries.map((e) => e.name);
  const dirNames: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) isDir = (await stat(path.join(abs, e.name)).catch(() => null))?.isDirectory() ?? false;
    if (isDir) dirNames.push(e.name);
  }
  const shown = dirNames.slice(0, MAX_LISTED_DIRS);
  const dirs = await Promise.all(
    shown.map(async (name, i) => {
      if (i >= MAX_MARKED_DIRS) return { name, looksLike: null };
      const inner = await namesIn(path.join(abs, name));
      return { name, looksLike: inner === null ? null : looksLike(inner) };
    }),
  );
  const parent = path.dirname(abs);
  return { path: abs, parent: parent === abs ? null : parent, dirs, looksLike: looksLike(names), truncated: dirNames.length > shown.length };
}
