// An output folder that appears complete or not at all. Everything is written into a temporary
// folder beside the destination, named `.shardscope-tmp-<name>-<pid>-<random>`, and renamed
// into place once complete (rename within one filesystem is atomic). Before the rename the
// caller fsyncs the files and commit() the folder, and the parent after it, so that a power loss
// leaves the old state or the whole new folder; without those flushes (convert without --sync) the
// rename is still atomic for other processes and if this one dies, but after a power loss the
// renamed folder may hold zero-filled or missing data. A cancelled or failed run
// removes its temp folder; a killed one leaves only that clearly named folder, which the next
// run removes once the pid that made it is gone.
//
// Replacing an existing destination (--force) moves it aside to `.shardscope-old-<name>-…`,
// renames the new folder in, then deletes the old one. If the process dies between the two
// renames, the next run puts the old folder back rather than deleting it.

import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

const TEMP_RE = /^\.shardscope-(tmp|old)-(.+)-(\d+)-([0-9a-f]{8})$/;

export interface TempDirName {
  readonly kind: 'tmp' | 'old';
  /** The destination's base name. */
  readonly name: string;
  readonly pid: number;
}

export function tempDirName(kind: 'tmp' | 'old', name: string, pid = process.pid, random = randomBytes(4).toString('hex')): string {
  return `.shardscope-${kind}-${name}-${pid}-${random}`;
}

export function parseTempDirName(entry: string): TempDirName | null {
  const m = TEMP_RE.exec(entry);
  if (m === null) return null;
  return { kind: m[1] as 'tmp' | 'old', name: m[2]!, pid: Number(m[3]) };
}

/** True unless the OS says no such process exists. Our own pid counts as alive. */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== 'ESRCH';
  }
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Flushes a file or folder to disk. Folders cannot be opened for fsync on Windows: skipped there. */
export async function fsyncPath(p: string): Promise<void> {
  let fh;
  try {
    fh = await open(p, 'r');
  } catch (e) {
    if (process.platform === 'win32') return;
    throw e;
  }
  try {
    await fh.sync();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!(process.platform === 'win32' || code === 'EINVAL')) throw e; // EINVAL: a filesystem without fsync on folders
  } finally {
    await fh.close();
  }
}

/**
 * Removes what dead runs left in `parent`: their temp folders, and old destinations moved aside
 * by --force (deleted if the new destination made it into place, put back otherwise).
 * Returns the paths it removed or restored.
 */
export async function cleanStaleTempDirs(parent: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const entry of names.sort()) {
    const t = parseTempDirName(entry);
    if (t === null || pidAlive(t.pid)) continue;
    const p = path.join(parent, entry);
    try {
      if (t.kind === 'old' && !(await pathExists(path.join(parent, t.name)))) {
        await rename(p, path.join(parent, t.name));
      } else {
        await rm(p, { recursive: true, force: true });
      }
      done.push(p);
    } catch {
      // another run got there first, or no permission: leave it
    }
  }
  return done;
}

export interface AtomicDir {
  /** Where the folder ends up. */
  readonly dst: string;
  /** Where it is written meanwhile. */
  readonly tmp: string;
  /**
   * Syncs the temp folder, renames it to `dst` and syncs the parent. With `replace`, an existing
   * `dst` is swapped out and deleted; without it, an existing `dst` is an error (EEXIST).
   * `sync: false` skips both fsyncs: the rename stays atomic for other processes and against a
   * crash of this one, not against a power loss.
   */
  commit(replace: boolean, opts?: { readonly sync?: boolean }): Promise<void>;
  /** Removes the temp folder (and parent folders this created). Safe to call twice. */
  discard(): Promise<void>;
}

export async function createAtomicDir(dst: string): Promise<AtomicDir> {
  const abs = path.resolve(dst);
  const parent = path.dirname(abs);
  const name = path.basename(abs);
  const createdParent = await mkdir(parent, { recursive: true });
  const tmp = path.join(parent, tempDirName('tmp', name));
  await mkdir(tmp);
  let settled = false;

  const removeCreatedParents = async (): Promise<void> => {
    if (createdParent === undefined) return;
    // Only the folders mkdir made, innermost first, and only while empty.
    for (let d = parent; d.length >= createdParent.length; d = path.dirname(d)) {
      try {
        await rmdir(d);
      } catch {
        return;
      }
      if (d === createdParent) return;
    }
  };

  return {
    dst: abs,
    tmp,
    async commit(replace: boolean, opts?: { readonly sync?: boolean }): Promise<void> {
      const sync = opts?.sync !== false;
      if (sync) await fsyncPath(tmp);
      if (await pathExists(abs)) {
        if (!replace) throw Object.assign(new Error(`${abs} already exists`), { code: 'EEXIST', path: abs });
        const old = path.join(parent, tempDirName('old', name));
        await rename(abs, old);
        try {
          await rename(tmp, abs);
        } catch (e) {
          await rename(old, abs);
          throw e;
        }
        settled = true;
        if (sync) await fsyncPath(parent);
        await rm(old, { recursive: true, force: true });
        return;
      }
      await rename(tmp, abs);
      settled = true;
      if (sync) await fsyncPath(parent);
    },
    async discard(): Promise<void> {
      if (settled) return;
      settled = true;
      await rm(tmp, { recursive: true, force: true });
      await removeCreatedParents();
    },
  };
}
