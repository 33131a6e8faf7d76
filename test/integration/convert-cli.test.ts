// `shardscope convert` as users run it: the summary, --quiet, --progress json, exit codes and
// one-line errors.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { copyFixture, readBack, scratch } from './convert-support';
import { runConvertCli } from './convert-support';
import { FIXTURES, expectedEntries } from '../support/fixtures';

describe('shardscope convert', () => {
  it('prints a summary with files, bytes, time, rate and the skipped non-tensor items', async () => {
    const dst = path.join(scratch(), 'out');
    const entries = Object.values(expectedEntries('fsdp_train'));
    const tensors = entries.filter((e) => e.kind === 'tensor').length;
    const objects = entries.length - tensors;
    const r = await runConvertCli([copyFixture('fsdp_train'), dst, '--max-shard-size', '4KB', '--progress', 'none', '--threads', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${dst.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ files, ${tensors} tensors, [\\d.]+ KiB in [\\d.]+ s \\([\\d.]+ MB/s, 2 threads\\)\\n`));
    expect(r.stdout).toMatch(/\n {2}model-00001-of-000\d\d\.safetensors +[\d.]+ KiB +1 tensor\n/);
    expect(r.stdout).toMatch(/\n {2}model\.safetensors\.index\.json +[\d.]+ (KiB|B)\n/);
    expect(r.stdout).toContain(`\nskipped ${objects} non-tensor items`);
    expect(r.stdout).toMatch(/\nskipped \d+ non-tensor items \(safetensors holds tensors only\): dataloader\.dp_rank_0\.sample_idx \(int\), .*, …\n/);
    expect((await readBack(dst)).format).toBe('safetensors-sharded');
  });

  it('--quiet prints nothing; --progress json prints one JSON object per line ending with "done"', async () => {
    const q = await runConvertCli([copyFixture('tp'), path.join(scratch(), 'out'), '--quiet']);
    expect(q).toEqual({ code: 0, stdout: '', stderr: '' });
    const j = await runConvertCli([copyFixture('tp'), path.join(scratch(), 'out'), '--progress', 'json', '--verify', '--sync']);
    expect(j.code).toBe(0);
    const lines = j.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(0, -1).every((l) => l.event === 'progress' && l.label === 'convert' && typeof l.done === 'number' && typeof l.total === 'number')).toBe(true);
    expect(new Set(lines.map((l) => l.phase))).toEqual(new Set(['plan', 'write', 'sync', 'verify', 'commit', undefined]));
    expect(lines.at(-1)).toMatchObject({ event: 'done', label: 'convert', tensors: 4, verified: true });
  });

  it('--sync writes the same bytes as the default, which has no sync phase', async () => {
    const src = copyFixture('fsdp_train');
    const synced = path.join(scratch(), 'synced');
    const unsynced = path.join(scratch(), 'unsynced');
    expect(await runConvertCli([src, synced, '--max-shard-size', '4KB', '--sync', '--quiet'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const r = await runConvertCli([src, unsynced, '--max-shard-size', '4KB', '--progress', 'json']);
    expect(r.code).toBe(0);
    const phases = r.stderr.trim().split('\n').map((l) => (JSON.parse(l) as { phase?: string }).phase);
    expect(new Set(phases)).toEqual(new Set(['plan', 'write', 'commit', undefined]));
    const names = readdirSync(synced).sort();
    expect(readdirSync(unsynced).sort()).toEqual(names);
    expect(names.length).toBeGreaterThan(2);
    for (const n of names) expect(readFileSync(path.join(unsynced, n)).equals(readFileSync(path.join(synced, n)))).toBe(true);
  });

  it('the preset with its config writes a folder transformers loads (config.json included)', async () => {
    const dst = path.join(scratch(), 'hf');
    const config = path.join(FIXTURES, 'titan_llama', 'hf_config', 'config.json');
    const r = await runConvertCli([copyFixture('titan_llama'), dst, '--preset', 'torchtitan-llama', '--config', config, '--quiet']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readBack(dst)).files).toEqual(['config.json', 'model.safetensors']);
  });

  it.each([
    [['--dtype', 'int4'], /^shardscope: --dtype "int4": use bf16, fp16, fp32 or fp64 \(or torch's names\)\n$/],
    [['--include', '[a-'], /^shardscope: --include "\[a-": not a valid regular expression \(.*\)\n$/],
    [['--max-shard-size', 'lots'], /^shardscope: --max-shard-size "lots": not a size \(examples: 5GB, 500MB, 1GiB, 1000000\)\n$/],
    [['--threads', 'two'], /^shardscope: --threads "two": give a whole number\n$/],
    [['--preset', 'torchtitan-llama'], /^shardscope: --preset torchtitan-llama needs --config PATH \(the model's Hugging Face config.json\)\n$/],
    [['--config', 'x.json'], /^shardscope: --config is only used with --preset\n$/],
  ])('bad usage %j: exit 2 and one line', async (flags, message) => {
    const parent = scratch();
    const r = await runConvertCli([copyFixture('tp'), path.join(parent, 'out'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('an existing DST: exit 2, one line, nothing touched', async () => {
    const dst = path.join(scratch(), 'out');
    mkdirSync(dst);
    const r = await runConvertCli([copyFixture('tp'), dst]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `shardscope: ${dst} already exists; pass --force to replace it once the new output is complete\n` });
  });

  it('a source that is not a checkpoint: exit 2, one line naming it', async () => {
    const empty = scratch();
    const r = await runConvertCli([empty, path.join(scratch(), 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^shardscope: ${empty}: not a checkpoint: .*\\n$`));
  });
});
