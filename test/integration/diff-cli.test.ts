// `shardscope diff` as a command: exit codes, the --json document, the terminal summary, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { registerDiff } from '../../electron/cli/diff';
import type { CliContext } from '../../electron/cli/context';
import { fixtureDir } from '../support/fixtures';
import { f32View, readAllTensors, writeSafetensors } from '../support/tensor-files';

function sink(): Writable & { text: () => string } {
  const parts: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(Buffer.from(chunk));
      cb();
    },
  });
  return Object.assign(w, { text: () => Buffer.concat(parts).toString('utf8') });
}

/** The verb as main() wires it: commander usage errors exit 2, the verb sets the rest. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = sink();
  const stderr = sink();
  const ctx: CliContext = { stdout, stderr, exitCode: 0 };
  const program = new Command('shardscope').exitOverride().configureOutput({ writeOut: (t) => stdout.write(t), writeErr: (t) => stderr.write(t) });
  registerDiff(program, ctx);
  let code: number;
  try {
    await program.parseAsync(['diff', ...args], { from: 'user' });
    code = ctx.exitCode;
  } catch {
    code = 2;
  }
  return { code, out: stdout.text(), err: stderr.text() };
}

const HF = fixtureDir('hf_consolidated');
let tmp: string;
let modified: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'shardscope-diff-cli-'));
  const t = await readAllTensors(HF);
  f32View(t.get('output.weight')!.bytes)[3] = 2;
  t.delete('norm.weight');
  modified = path.join(tmp, 'modified.safetensors');
  writeSafetensors(modified, t);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('shardscope diff', () => {
  it('exits 0 and says identical for a checkpoint against its own per-rank shards', async () => {
    const r = await cli(HF, path.join(HF, 'sharded'), '--threads', '0');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Identical: 22 entries compared');
  });

  it('exits 1 and prints the documented JSON for differences', async () => {
    const r = await cli(HF, modified, '--json', '--threads', '0');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j).slice(0, 5)).toEqual(['identical', 'only_a', 'only_b', 'changed', 'same']);
    expect(j).toMatchObject({ identical: false, only_a: ['norm.weight'], only_b: [], same: 20 });
    const changed = j.changed as Array<Record<string, unknown>>;
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ key: 'output.weight', change: 'values', n_different: 1, dtype_a: 'float32', dtype_b: 'float32', shape_a: [64, 16], nan_a: 0, nan_b: 0 });
    for (const k of ['max_abs_diff', 'mean_abs_diff', 'max_rel_diff', 'cosine']) expect(typeof changed[0]![k]).toBe('number');
  });

  it('prints a readable summary with the changed key and the one-sided key', async () => {
    const r = await cli(HF, modified, '--threads', '0');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Only in A (1):\n  norm.weight');
    expect(r.out).toMatch(/output\.weight\s+values\s+1\/1024/);
    expect(r.out).toContain('Different: 1 changed, 1 only in A, 0 only in B.');
  });

  it('exits 0 when the difference is within --atol', async () => {
    const onlyValue = path.join(tmp, 'value-only.safetensors');
    const t = await readAllTensors(HF);
    f32View(t.get('output.weight')!.bytes)[3]! += 1e-3;
    writeSafetensors(onlyValue, t);
    expect((await cli(HF, onlyValue, '--threads', '0')).code).toBe(1);
    expect((await cli(HF, onlyValue, '--atol', '0.01', '--threads', '0')).code).toBe(0);
    expect((await cli(HF, onlyValue, '--rtol', '1e-9', '--threads', '0')).code).toBe(1);
  });

  it('exits 2 with one line naming the path when a side does not exist', async () => {
    const missing = path.join(tmp, 'nope');
    const r = await cli(HF, missing);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain(missing);
  });

  it('exits 2 for a bad tolerance or a preset without its config', async () => {
    expect((await cli(HF, HF, '--atol', '-1')).code).toBe(2);
    const r = await cli(HF, HF, '--preset', 'torchtitan-llama');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs --config/);
  });

  it('--progress json writes JSON lines on stderr and keeps stdout clean', async () => {
    const r = await cli(HF, modified, '--json', '--progress', 'json', '--threads', '0');
    const lines = r.err.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const progress = lines.filter((l) => l.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ label: 'diff', phase: 'compare', done: progress.at(-1)!.total });
    expect(lines.at(-1)).toEqual({ event: 'done', label: 'diff', identical: false, changed: 1, onlyA: 1, onlyB: 0, same: 20 });
    expect(() => JSON.parse(r.out)).not.toThrow();
  });
});
