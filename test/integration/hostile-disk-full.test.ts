// A full disk during `convert`: the destination is a small tmpfs mounted by the test. Whether the
// shortage is seen before writing (not enough free bytes) or while writing (the filesystem runs
// out of inodes, so a file cannot be created), the user gets one DISK_FULL line saying how many
// bytes the output needs, exit 2, and the tmpfs holds no output and no temporary folder.
// Mounting needs root (as in CI here); elsewhere the suite is skipped, its title saying why.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureDir } from '../support/fixtures';
import { oneLineError, runCli } from '../support/cli-capture';

const base = mkdtempSync(path.join(os.tmpdir(), 'shardscope-disk-full-'));
const mounts: string[] = [];

function mountTmpfs(name: string, options: string): string | null {
  const dir = path.join(base, name);
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  mounts.push(dir);
  return dir;
}

const canMount = (() => {
  const probe = mountTmpfs('probe', 'size=64k');
  return probe !== null;
})();

afterAll(() => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', [m], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  rmSync(base, { recursive: true, force: true });
});

/** Bytes the conversion of `fixture` writes (all output files), from a run on an ordinary disk. */
const needed: Record<string, number> = {};
beforeAll(async () => {
  if (!canMount) return;
  for (const c of ['hf_consolidated', 'tp']) {
    const out = path.join(base, `reference-${c}`);
    const r = await runCli(['convert', '--progress', 'none', fixtureDir(c), out]);
    expect(r.code, r.stderr).toBe(0);
    needed[c] = readdirSync(out).reduce((n, f) => n + statSync(path.join(out, f)).size, 0);
  }
});

describe.skipIf(!canMount)(`a full disk during convert${canMount ? '' : ' (skipped: cannot mount a tmpfs here, mount needs root)'}`, () => {
  it('not enough free space: DISK_FULL before writing, naming the bytes needed, nothing left behind', async () => {
    const disk = mountTmpfs('small', 'size=16k')!;
    expect(disk).not.toBeNull();
    const dst = path.join(disk, 'out');
    const r = await runCli(['convert', '--progress', 'none', fixtureDir('hf_consolidated'), dst]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLineError(r.stderr)).toBeNull();
    expect(r.stderr).toMatch(/disk is full/);
    expect(r.stderr).toContain(`(${needed.hf_consolidated} bytes)`);
    expect(r.stderr).toContain(dst);
    expect(readdirSync(disk)).toEqual([]);
  });

  it('the disk fills while writing (no inode left for the output file): DISK_FULL naming the bytes needed, nothing left behind', async () => {
    // 1 MiB of space, so the free-space check passes; 2 inodes: the root and the temp folder.
    const disk = mountTmpfs('no-inodes', 'size=1m,nr_inodes=2')!;
    expect(disk).not.toBeNull();
    const dst = path.join(disk, 'out');
    const r = await runCli(['convert', '--progress', 'none', fixtureDir('tp'), dst]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLineError(r.stderr)).toBeNull();
    expect(r.stderr).toMatch(/disk is full/);
    expect(r.stderr).toContain(`(${needed.tp} bytes)`);
    expect(readdirSync(disk)).toEqual([]);
  });

  it('a temporary folder left by a killed run is removed by the next run, which then fails cleanly on the full disk', async () => {
    const disk = mountTmpfs('stale', 'size=16k')!;
    // The name convert's atomic-dir gives its temp folders, with a pid that cannot be alive (above pid_max).
    const stale = path.join(disk, '.shardscope-tmp-out-4194399-0badc0de');
    mkdirSync(stale);
    const r = await runCli(['convert', '--progress', 'none', fixtureDir('hf_consolidated'), path.join(disk, 'out')]);
    expect(r.code).toBe(2);
    expect(readdirSync(disk)).toEqual([]);
  });
});
