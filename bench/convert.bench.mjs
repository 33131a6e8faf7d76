#!/usr/bin/env node
// `convert` speed and memory beside `cp -r` of the same folder and torch's own converters.
// Prints a table (median wall time, MiB/s, ratio to cp, peak RSS); asserts nothing.
// Two honest comparisons: `convert` against `cp -r` (neither flushes its output to disk), and
// `convert --sync` (which fsyncs before its rename) against `cp -r && sync` as well as `cp -r`:
// the "vs cp+sync" column, filled for the rows that sync.
//
// Inputs: Llama-shaped bf16 DCP checkpoints (4 ranks) from test/fixtures/gen/gen_bench.py, made in
// the torch sandbox and cached in bench/.data/ (shared with inspect.bench.mjs):
//   llama-0.5g: --layers 2     llama-2g: the defaults (2.1 GiB)     llama-8g: --layers 66 (BENCH_LARGE=1)
// The peak RSS of `shardscope convert` should stay flat across them.
// Torch rows (dcp_to_torch_save + save_file, consolidate_safetensors_files on the per-rank HF
// shards, accelerate merge_fsdp_weights) run through the sandbox and are skipped, with a line
// saying so, where it is absent. Outputs go beside the inputs (same filesystem as cp -r), and
// every run starts after `sync` so one run's writeback does not bill the next (`cp -r && sync`
// is listed too, beside `convert --sync`). Contenders run
// round-robin, so a change in machine load hits them alike.
//
// env: BENCH_RUNS (default 3), BENCH_TORCH_RUNS (default 1), BENCH_LARGE=1, TORCH_SANDBOX_TOOL.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, DATA, GNU_TIME, HAS_GNU_TIME, ROOT, SANDBOX, ensureInput, fixed, folderBytes, printTable, requireBuild, sandboxReady, summarize, timeCommand } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TORCH_RUNS = Number(process.env.BENCH_TORCH_RUNS ?? 1);

const INPUTS = [
  { name: 'llama-0.5g', args: ['--layers', '2'], torch: false },
  { name: 'llama-2g', args: [], torch: true },
  ...(process.env.BENCH_LARGE ? [{ name: 'llama-8g', args: ['--layers', '66', '--no-hf'], torch: false }] : []),
];

// torch itself is timed here, so the sandbox counts only where torch imports in it.
const SANDBOX_OK = sandboxReady({ importTorch: true });
const skipped = [];

/** One timed run after cleaning `out` and `sync`: wall seconds and peak RSS (MiB), or an error. */
function runOnce(cmd, args, out) {
  rmSync(out, { recursive: true, force: true });
  spawnSync('sync');
  const r = timeCommand(cmd, args);
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) {
    return { error: r.stderr.trim().split('\n').filter((l) => !/UCX|cpuinfo/.test(l)).slice(-2).join(' | ').slice(0, 300) };
  }
  return r;
}

/**
 * Runs the contenders round-robin (cp, convert, cp, convert, …) so that a change in machine load
 * hits all of them alike; reports each one's median wall and max peak RSS.
 */
function measureRounds(contenders, out) {
  const runs = contenders.map(() => []);
  const rounds = Math.max(...contenders.map((c) => c.runs));
  for (let i = 0; i < rounds; i++) {
    contenders.forEach((c, k) => {
      if (i < c.runs && !runs[k].some((r) => r.error)) runs[k].push(runOnce(c.cmd, c.args, out));
    });
  }
  return runs.map((rs) => {
    const bad = rs.find((r) => r.error);
    return bad ?? summarize(rs);
  });
}

requireBuild('convert.bench');
if (!HAS_GNU_TIME) skipped.push(`peak RSS: ${GNU_TIME} is missing (Debian: apt-get install -y time); RSS of node commands from process.resourceUsage, of others n/a`);
if (!SANDBOX_OK) skipped.push(`torch converters: no torch sandbox (${SANDBOX} run python3 -c 'import torch' fails)`);

const rows = [];
for (const input of INPUTS) {
  const dir = ensureInput(input.name, input.args, { sandboxOk: SANDBOX_OK, skip: (name, why) => skipped.push(`${name}: ${why}`) });
  if (dir === null) continue;
  const dcp = path.join(dir, 'dcp');
  const hf = path.join(dir, 'hf_sharded');
  const out = path.join(DATA, 'out');
  const bytes = folderBytes(dcp);
  spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...readdirSync(dcp).map((f) => path.join(dcp, f))]); // warm cache

  const contenders = [
    { what: 'cp -r', cmd: 'cp', args: ['-r', dcp, out], runs: RUNS },
    // cp -r leaves its output in the page cache, as convert does without --sync. This row prices durability.
    { what: 'cp -r && sync', cmd: 'sh', args: ['-c', 'cp -r "$0" "$1" && sync', dcp, out], runs: RUNS },
  ];
  // `syncs`: the output is on disk when the command ends (compared with `cp -r && sync` too).
  const sc = (what, extra) => contenders.push({ what, cmd: process.execPath, args: [CLI, 'convert', dcp, out, '--quiet', ...extra], runs: RUNS, syncs: extra.includes('--sync') });
  sc('shardscope convert', []);
  sc('shardscope convert --sync', ['--sync']);
  if (input.torch) {
    sc('shardscope convert --verify', ['--verify']);
    const config = path.join(DATA, 'bench-llama-config.json');
    writeFileSync(config, JSON.stringify({ num_attention_heads: 16, num_key_value_heads: 4, hidden_size: 2048 })); // gen_bench defaults
    sc('shardscope convert --preset torchtitan-llama', ['--preset', 'torchtitan-llama', '--config', config]);
    sc('shardscope convert --dtype fp16', ['--dtype', 'fp16']);
    if (SANDBOX_OK) {
      const rel = (p) => path.relative(ROOT, p);
      const torch = (what, mode, src) => contenders.push({ what, cmd: SANDBOX, args: ['run', 'python3', 'bench/torch-converters.py', mode, rel(src), rel(out)], runs: TORCH_RUNS });
      torch('torch dcp_to_torch_save + save_file', 'dcp-save', dcp);
      if (existsSync(hf)) torch('torch consolidate_safetensors_files (HF shards)', 'consolidate', hf);
      torch('accelerate merge_fsdp_weights', 'accelerate', dcp);
    }
  }
  const results = measureRounds(contenders, out);
  const base = results[0].wall;
  const syncBase = results[1].wall;
  contenders.forEach((c, k) => rows.push({ input: input.name, what: c.what, bytes, ...results[k], base: k === 0 ? undefined : base, syncBase: c.syncs ? syncBase : undefined }));
}

console.log(`\nconvert bench: ${RUNS} runs (torch ${TORCH_RUNS}), median wall, warm cache, ${process.platform} ${process.arch}, node ${process.version}`);
printTable(
  [
    { title: 'input', width: 11, cell: (r) => r.input },
    { title: 'what', width: 48, cell: (r) => r.what },
    { title: 'wall s', width: 7, right: true, cell: (r) => r.wall.toFixed(2) },
    { title: 'MiB/s', width: 7, right: true, cell: (r) => (r.bytes / 2 ** 20 / r.wall).toFixed(0) },
    { title: 'vs cp', width: 6, right: true, cell: (r) => (r.base ? `${(r.wall / r.base).toFixed(2)}x` : '') },
    { title: 'vs cp+sync', width: 10, right: true, cell: (r) => (r.syncBase ? `${(r.wall / r.syncBase).toFixed(2)}x` : '') },
    { title: 'peak RSS MiB', width: 12, right: true, cell: (r) => fixed(r.rss, 0, 'n/a') },
  ],
  rows,
  { keep: 2 },
);
console.log('vs cp: wall / `cp -r` wall. vs cp+sync: wall / `cp -r && sync` wall, for the convert rows that fsync their output (--sync).');
for (const s of skipped) console.log(`skipped ${s}`);
