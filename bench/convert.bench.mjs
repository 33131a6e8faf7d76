#!/usr/bin/env node
// `convert` speed and memory beside `cp -r` of the same folder and torch's own converters.
// Prints a table (median wall time, MiB/s, ratio to cp, peak RSS); asserts nothing.
//
// Inputs: Llama-shaped bf16 DCP checkpoints (4 ranks) from ../shared/tools/gen_bench.py, made in
// the torch sandbox and cached in bench/.data/ (shared with inspect.bench.mjs):
//   llama-0.5g: --layers 2     llama-2g: the defaults (2.1 GiB)     llama-8g: --layers 66 (BENCH_LARGE=1)
// The peak RSS of `shardscope convert` should stay flat across them.
// Torch rows (dcp_to_torch_save + save_file, consolidate_safetensors_files on the per-rank HF
// shards, accelerate merge_fsdp_weights) run through the sandbox and are skipped, with a line
// saying so, where it is absent. Outputs go beside the inputs (same filesystem as cp -r), and
// every run starts after `sync` so one run's writeback does not bill the next (`cp -r && sync`
// is listed too: convert fsyncs its output, cp -r does not). Contenders run
// round-robin, so a change in machine load hits them alike.
//
// env: BENCH_RUNS (default 3), BENCH_TORCH_RUNS (default 1), BENCH_LARGE=1, TORCH_SANDBOX_TOOL.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = path.join(ROOT, 'bench', '.data');
const SANDBOX = process.env.TORCH_SANDBOX_TOOL ?? path.resolve(ROOT, '..', 'shared', 'tools', 'torch-sandbox');
const CLI = path.join(ROOT, 'bin', 'shardscope.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TORCH_RUNS = Number(process.env.BENCH_TORCH_RUNS ?? 1);
const GNU_TIME = '/usr/bin/time';

const INPUTS = [
  { name: 'llama-0.5g', args: ['--layers', '2'], torch: false },
  { name: 'llama-2g', args: [], torch: true },
  ...(process.env.BENCH_LARGE ? [{ name: 'llama-8g', args: ['--layers', '66', '--no-hf'], torch: false }] : []),
];

function sandboxReady() {
  if (!existsSync(SANDBOX) || !existsSync('/opt/torch-sandbox/usr/bin/python3')) return false;
  return spawnSync(SANDBOX, ['run', 'python3', '-c', 'import torch'], { stdio: 'ignore', cwd: '/tmp' }).status === 0;
}
const SANDBOX_OK = sandboxReady();
const skipped = [];

function ensureInput(name, args) {
  const dir = path.join(DATA, name);
  if (existsSync(path.join(dir, 'dcp', '.metadata'))) return dir;
  if (!SANDBOX_OK) {
    skipped.push(`${name}: no input in ${dir} and no torch sandbox to make it (${SANDBOX})`);
    return null;
  }
  mkdirSync(DATA, { recursive: true });
  // The sandbox sees only the current folder and /tmp, so the generator runs from DATA.
  copyFileSync(path.resolve(SANDBOX, '..', 'gen_bench.py'), path.join(DATA, 'gen_bench.py'));
  const r = spawnSync(SANDBOX, ['run', 'python3', 'gen_bench.py', name, ...args], { cwd: DATA, stdio: 'inherit' });
  return r.status === 0 ? dir : null;
}

function folderBytes(dir) {
  return readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

/** One timed run after cleaning `out` and `sync`: wall seconds and peak RSS (MiB), or an error. */
function runOnce(cmd, args, out, cwd = ROOT) {
  rmSync(out, { recursive: true, force: true });
  spawnSync('sync');
  const timed = existsSync(GNU_TIME);
  const t0 = process.hrtime.bigint();
  const opts = { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 };
  const r = timed ? spawnSync(GNU_TIME, ['-f', '%e %M', cmd, ...args], opts) : spawnSync(cmd, args, opts);
  const wallNs = Number(process.hrtime.bigint() - t0);
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) {
    return { error: (r.stderr ?? '').trim().split('\n').filter((l) => !/UCX|cpuinfo/.test(l)).slice(-2).join(' | ').slice(0, 300) };
  }
  if (!timed) return { wall: wallNs / 1e9, rss: null };
  const [wall, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rss: kb / 1024 };
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
    if (bad) return bad;
    const walls = rs.map((r) => r.wall).sort((a, b) => a - b);
    const rss = rs.some((r) => r.rss === null) ? null : Math.max(...rs.map((r) => r.rss));
    return { wall: walls[Math.floor(walls.length / 2)], rss };
  });
}

if (!existsSync(path.join(ROOT, 'out', 'electron', 'cli', 'main.js'))) {
  console.error('convert.bench: build first (npm run build)');
  process.exit(2);
}
if (!existsSync(GNU_TIME)) skipped.push(`peak RSS: ${GNU_TIME} is missing (Debian: apt-get install -y time); wall times only`);
if (!SANDBOX_OK) skipped.push(`torch converters: no torch sandbox (${SANDBOX} run python3 -c 'import torch' fails)`);

const rows = [];
for (const input of INPUTS) {
  const dir = ensureInput(input.name, input.args);
  if (dir === null) continue;
  const dcp = path.join(dir, 'dcp');
  const hf = path.join(dir, 'hf_sharded');
  const out = path.join(DATA, 'out');
  const bytes = folderBytes(dcp);
  spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...readdirSync(dcp).map((f) => path.join(dcp, f))]); // warm cache

  const contenders = [
    { what: 'cp -r', cmd: 'cp', args: ['-r', dcp, out], runs: RUNS },
    // cp -r leaves its output in the page cache; convert fsyncs. This row prices durability.
    { what: 'cp -r && sync', cmd: 'sh', args: ['-c', 'cp -r "$0" "$1" && sync', dcp, out], runs: RUNS },
  ];
  const sc = (what, extra) => contenders.push({ what, cmd: process.execPath, args: [CLI, 'convert', dcp, out, '--quiet', ...extra], runs: RUNS });
  sc('shardscope convert', []);
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
  contenders.forEach((c, k) => rows.push({ input: input.name, what: c.what, bytes, ...results[k], base: k === 0 ? undefined : base }));
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`\nconvert bench: ${RUNS} runs (torch ${TORCH_RUNS}), median wall, warm cache, ${process.platform} ${process.arch}, node ${process.version}`);
console.log(`${pad('input', 11)} ${pad('what', 48)} ${lpad('wall s', 7)} ${lpad('MiB/s', 7)} ${lpad('vs cp', 6)} ${lpad('peak RSS MiB', 12)}`);
for (const r of rows) {
  if (r.error) {
    console.log(`${pad(r.input, 11)} ${pad(r.what, 48)} failed: ${r.error}`);
    continue;
  }
  const mibs = r.bytes / 2 ** 20 / r.wall;
  const ratio = r.base ? `${(r.wall / r.base).toFixed(2)}x` : '';
  console.log(`${pad(r.input, 11)} ${pad(r.what, 48)} ${lpad(r.wall.toFixed(2), 7)} ${lpad(mibs.toFixed(0), 7)} ${lpad(ratio, 6)} ${lpad(r.rss === null ? 'n/a' : r.rss.toFixed(0), 12)}`);
}
for (const s of skipped) console.log(`skipped ${s}`);
