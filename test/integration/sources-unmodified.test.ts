// Sources are never modified: size, mtime and sha256 of every file of every source checkpoint are
// recorded before and after `inspect --hash`, `convert` (plain, --dtype, --verify, sharded, and a
// failing one) and `diff`, run through the CLI on copies of several fixtures.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureDir } from '../support/fixtures';
import { runCli } from '../support/cli-capture';

interface FileState {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** Every regular file under `root` (symlinks and sub-folders followed), by relative path. */
function snapshot(root: string): Record<string, FileState> {
  const out: Record<string, FileState> = {};
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const st = statSync(abs);
      const r = rel === '' ? name : `${rel}/${name}`;
      if (st.isDirectory()) walk(abs, r);
      else out[r] = { size: st.size, mtimeMs: st.mtimeMs, sha256: createHash('sha256').update(readFileSync(abs)).digest('hex') };
    }
  };
  walk(root, '');
  return out;
}

const CASES = ['tp', 'zstd', 'bytes_objects', 'uneven', 'hf_consolidated', 'hf_sharded'];

let tmp = '';
const src: Record<string, string> = {};
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'shardscope-sources-'));
  for (const c of CASES) {
    src[c] = path.join(tmp, 'src', c);
    cpSync(fixtureDir(c), src[c], { recursive: true, preserveTimestamps: true });
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function unchangedAfter(roots: string[], run: () => Promise<void>): Promise<void> {
  const before = roots.map(snapshot);
  await run();
  roots.forEach((r, i) => expect(snapshot(r), r).toEqual(before[i]));
  // Nothing new appeared beside the sources either (no temp folder left in them).
  roots.forEach((r) => expect(Object.keys(snapshot(r)).length).toBe(Object.keys(before[roots.indexOf(r)]!).length));
}

describe('sources are never modified', () => {
  for (const c of CASES) {
    it(`${c}: inspect --json --hash`, async () => {
      await unchangedAfter([src[c]!], async () => {
        const r = await runCli(['inspect', '--json', '--hash', src[c]!]);
        expect(r.code, r.stderr).toBe(0);
      });
    });

    it(`${c}: convert, convert --dtype bf16 --verify --max-shard-size 1KB`, async () => {
      await unchangedAfter([src[c]!], async () => {
        const a = await runCli(['convert', '--progress', 'none', src[c]!, path.join(tmp, 'out', c, 'plain')]);
        expect(a.code, a.stderr).toBe(0);
        const b = await runCli(['convert', '--progress', 'none', '--dtype', 'bf16', '--verify', '--max-shard-size', '1KB', src[c]!, path.join(tmp, 'out', c, 'bf16')]);
        expect(b.code, b.stderr).toBe(0);
      });
    });

    it(`${c}: diff against itself and against its conversion`, async () => {
      const converted = path.join(tmp, 'out', c, 'for-diff');
      const conv = await runCli(['convert', '--progress', 'none', src[c]!, converted]);
      expect(conv.code, conv.stderr).toBe(0);
      await unchangedAfter([src[c]!, converted], async () => {
        const same = await runCli(['diff', '--progress', 'none', src[c]!, src[c]!]);
        expect(same.code, same.stderr).toBe(0);
        const other = await runCli(['diff', '--progress', 'none', '--model-only', src[c]!, converted]);
        expect([0, 1], other.stderr).toContain(other.code);
      });
    });
  }

  it('a convert that fails (destination inside the source) leaves the source as it was', async () => {
    await unchangedAfter([src.tp!], async () => {
      const r = await runCli(['convert', '--progress', 'none', src.tp!, path.join(src.tp!, 'out')]);
      expect(r.code).toBe(2);
    });
  });

  it('a convert that fails mid-way (a source item damaged on a copy) leaves that copy as it was and writes nothing', async () => {
    const broken = path.join(tmp, 'broken-tp');
    cpSync(fixtureDir('tp'), broken, { recursive: true, preserveTimestamps: true });
    // Zero the end record of the last item of __1_0.distcp: opening succeeds, reading that tensor fails.
    const file = path.join(broken, '__1_0.distcp');
    const bytes = readFileSync(file);
    bytes.fill(0, bytes.length - 22);
    writeFileSync(file, bytes);
    const dst = path.join(tmp, 'out', 'broken');
    await unchangedAfter([broken], async () => {
      const r = await runCli(['convert', '--progress', 'none', broken, dst]);
      expect(r.code).toBe(2);
    });
    expect(readdirSync(path.join(tmp, 'out')).filter((n) => n.includes('broken') || n.startsWith('.shardscope-'))).toEqual([]);
  });
});
