// `inspect --json --hash` on every torch-written fixture matches what torch read back, key by key.
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { runCli } from '../support/cli-capture';
import { fixtureCases, fixtureDir, expectedEntries, FIXTURES } from '../support/fixtures';

describe('inspect --json --hash matches expected.json', () => {
  for (const c of fixtureCases()) {
    it(c, async () => {
      const { code, stdout, stderr } = await runCli(['inspect', '--json', '--hash', fixtureDir(c)]);
      // The hostile pickle is reported (and not run); every other case reads without a word.
      if (c === 'bytes_objects') {
        expect(stderr).toMatch(
          /^shardscope: warning: __0_0\.distcp: at byte \d+: item for "evil" pickles a call to posix\.system; shown as an unsafe object, nothing was run\n$/,
        );
      } else {
        expect(stderr).toBe('');
      }
      expect(code).toBe(0);
      const got = JSON.parse(stdout) as { entries: Record<string, Record<string, unknown>> };
      const want = expectedEntries(c);
      expect(Object.keys(got.entries).sort()).toEqual(Object.keys(want).sort());
      for (const [key, w] of Object.entries(want)) {
        const g = got.entries[key]!;
        if (w.kind === 'tensor') {
          expect({ key, ...g }).toEqual({ key, kind: 'tensor', dtype: w.dtype, shape: w.shape, nbytes: w.nbytes, sha256: w.sha256 });
        } else if (w.python_type === 'unsafe') {
          expect({ key, ...g }).toEqual({ key, kind: 'object', python_type: 'unsafe', global: w.global });
        } else {
          expect({ key, ...g }).toEqual({ key, kind: 'object', python_type: w.python_type, repr: w.repr });
        }
      }
    });
  }

  it.skipIf(!existsSync(path.join(FIXTURES, 'hf_consolidated')))('reads the per-rank shards inside hf_consolidated/checkpoint/sharded as the same tensors', async () => {
    const { code, stdout } = await runCli(['inspect', '--json', '--hash', path.join(fixtureDir('hf_consolidated'), 'sharded')]);
    expect(code).toBe(0);
    const got = JSON.parse(stdout) as { format: string; entries: Record<string, { sha256: string }> };
    expect(got.format).toBe('dcp-hf-shards');
    const want = expectedEntries('hf_consolidated');
    expect(Object.keys(got.entries).sort()).toEqual(Object.keys(want).sort());
    for (const [k, w] of Object.entries(want)) expect(got.entries[k]!.sha256).toBe((w as { sha256: string }).sha256);
  });

  it.skipIf(!existsSync(path.join(FIXTURES, 'titan_llama')))('reads titan_llama (no expected.json) and finds every model weight', async () => {
    const { code, stdout } = await runCli(['inspect', '--json', path.join(FIXTURES, 'titan_llama', 'checkpoint')]);
    expect(code).toBe(0);
    const got = JSON.parse(stdout) as { format: string; entries: Record<string, { kind: string }> };
    expect(got.format).toBe('dcp');
    expect(got.entries['tok_embeddings.weight']?.kind).toBe('tensor');
    expect(got.entries['layers.1.attention.wq.weight']?.kind).toBe('tensor');
  });
});

describe('inspect on bad input', () => {
  it('says what a non-checkpoint folder should hold, exit 2', async () => {
    const { code, stdout, stderr } = await runCli(['inspect', path.resolve(__dirname, '..', 'fixtures')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/not a checkpoint: no \.metadata, \*\.safetensors or \*\.safetensors\.index\.json found/);
  });

  it('names a missing path, exit 2', async () => {
    const { code, stderr } = await runCli(['inspect', '/nonexistent/ckpt']);
    expect(code).toBe(2);
    expect(stderr).toBe('shardscope: /nonexistent/ckpt: no such file or folder\n');
  });

  it('rejects an unknown option with a usage line, exit 2', async () => {
    const { code, stderr } = await runCli(['inspect', '--bogus', 'x']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option '--bogus'/);
  });
});
