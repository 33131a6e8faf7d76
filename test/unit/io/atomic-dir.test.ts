import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanStaleTempDirs, createAtomicDir, parseTempDirName, tempDirName } from '../../../electron/io/atomic-dir';

function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), 'shardscope-atomic-'));
}

/** A pid that no process has: one that just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('atomic output folder', () => {
  it('writes into a named temp folder beside DST and renames it into place', async () => {
    const root = scratch();
    const dst = path.join(root, 'out');
    const a = await createAtomicDir(dst);
    expect(path.dirname(a.tmp)).toBe(root);
    expect(parseTempDirName(path.basename(a.tmp))).toEqual({ kind: 'tmp', name: 'out', pid: process.pid });
    writeFileSync(path.join(a.tmp, 'f'), 'x');
    expect(existsSync(dst)).toBe(false);
    await a.commit(false);
    expect(readFileSync(path.join(dst, 'f'), 'utf8')).toBe('x');
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('commits the same way without syncing (convert without --sync), replacing too', async () => {
    const root = scratch();
    const dst = path.join(root, 'out');
    for (const [replace, text] of [[false, 'first'], [true, 'second']] as const) {
      const a = await createAtomicDir(dst);
      writeFileSync(path.join(a.tmp, 'f'), text);
      await a.commit(replace, { sync: false });
      expect(readFileSync(path.join(dst, 'f'), 'utf8')).toBe(text);
      expect(readdirSync(root)).toEqual(['out']);
    }
  });

  it('discard leaves nothing, including parent folders it created', async () => {
    const root = scratch();
    const a = await createAtomicDir(path.join(root, 'new', 'deeper', 'out'));
    writeFileSync(path.join(a.tmp, 'f'), 'x');
    await a.discard();
    await a.discard();
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses to replace an existing DST unless asked, and replaces it only at commit', async () => {
    const root = scratch();
    const dst = path.join(root, 'out');
    mkdirSync(dst);
    writeFileSync(path.join(dst, 'old'), 'old');
    const a = await createAtomicDir(dst);
    writeFileSync(path.join(a.tmp, 'new'), 'new');
    await expect(a.commit(false)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readdirSync(dst)).toEqual(['old']);
    await a.commit(true);
    expect(readdirSync(dst)).toEqual(['new']);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('cleans temp folders of dead pids, keeps live ones, and puts back a DST moved aside by a dead --force', async () => {
    const root = scratch();
    const dead = deadPid();
    const staleTmp = path.join(root, tempDirName('tmp', 'out', dead));
    const liveTmp = path.join(root, tempDirName('tmp', 'out', process.pid));
    const movedAside = path.join(root, tempDirName('old', 'gone', dead));
    const replaced = path.join(root, tempDirName('old', 'out', dead));
    for (const d of [staleTmp, liveTmp, movedAside, replaced]) mkdirSync(d);
    mkdirSync(path.join(root, 'out'));
    writeFileSync(path.join(movedAside, 'model.safetensors'), 'keep me');
    const done = await cleanStaleTempDirs(root);
    expect(done.sort()).toEqual([movedAside, replaced, staleTmp].sort());
    expect(readdirSync(root).sort()).toEqual([path.basename(liveTmp), 'gone', 'out'].sort());
    expect(readFileSync(path.join(root, 'gone', 'model.safetensors'), 'utf8')).toBe('keep me');
  });

  it('parses only its own temp names', () => {
    expect(parseTempDirName('.shardscope-tmp-my-model-v2-123-0a1b2c3d')).toEqual({ kind: 'tmp', name: 'my-model-v2', pid: 123 });
    expect(parseTempDirName('.shardscope-tmp-out-123')).toBeNull();
    expect(parseTempDirName('out')).toBeNull();
  });
});
