#!/usr/bin/env node
// `inspect` speed and memory: opening a 100,000-key DCP folder, and `--hash` of a multi-GB one
// beside `cat > /dev/null` of the same bytes. Prints a table; asserts nothing.
//
// Inputs come from ../shared/tools/gen_bench.py run in the torch sandbox, cached in bench/.data/:
//   keys100k: --layers 11200 --dim 16 --hidden 16 --vocab 16 --heads 2 --kv-heads 1 --no-hf
//   llama-2g: the defaults (2.1 GiB, 4 ranks, bf16)
// Missing inputs are made when the sandbox exists, and skipped (with a line) when it does not.
import { spawnSync } from 'node:child_process';
import { existsSync, copyFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = path.join(ROOT, 'bench', '.data');
const SANDBOX = process.env.TORCH_SANDBOX_TOOL ?? path.resolve(ROOT, '..', 'shared', 'tools', 'torch-sandbox');
const CLI = path.join(ROOT, 'bin', 'shardscope.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const INPUTS = {
  keys100k: ['--layers', '11200', '--dim', '16', '--hidden', '16', '--vocab', '16', '--heads', '2', '--kv-heads', '1', '--no-hf'],
  'llama-2g': [],
};

function ensureInput(name) {
  const dir = path.join(DATA, name, 'dcp');
  if (existsSync(path.join(dir, '.metadata'))) return dir;
  if (!existsSync(SANDBOX) || !existsSync('/opt/torch-sandbox/usr/bin/python3')) {
    console.log(`skipped ${name}: no input in ${dir} and no torch sandbox to make it`);
    return null;
  }
  // The sandbox sees only the current folder and /tmp, so the generator runs from DATA.
  copyFileSync(path.resolve(SANDBOX, '..', 'gen_bench.py'), path.join(DATA, 'gen_bench.py'));
  const r = spawnSync(SANDBOX, ['run', 'python3', 'gen_bench.py', name, ...INPUTS[name]], { cwd: DATA, stdio: 'inherit' });
  return r.status === 0 ? dir : null;
}

/** Median wall seconds and max peak RSS (MiB) of a command, via GNU time. */
function measure(cmd, args) {
  const walls = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const [wall, kb] = last.split(' ').map(Number);
    if (r.status !== 0 || !Number.isFinite(wall)) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(0, 400)}`);
    walls.push(wall);
    rss = Math.max(rss, kb / 1024);
  }
  walls.sort((a, b) => a - b);
  return { wall: walls[Math.floor(walls.length / 2)], rss };
}

function folderBytes(dir) {
  return readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

const rows = [];
const keys = ensureInput('keys100k');
if (keys) {
  rows.push({ what: 'inspect --json (100k keys)', bytes: folderBytes(keys), ...measure(process.execPath, [CLI, 'inspect', '--json', keys]) });
  rows.push({ what: 'inspect tree (100k keys)', bytes: folderBytes(keys), ...measure(process.execPath, [CLI, 'inspect', keys]) });
}
const big = ensureInput('llama-2g');
if (big) {
  const files = readdirSync(big).map((f) => path.join(big, f));
  const bytes = folderBytes(big);
  measure('cat', files); // warm the page cache
  const cat = measure('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...files]);
  rows.push({ what: 'cat > /dev/null (2.1 GiB)', bytes, ...cat, base: cat.wall });
  rows.push({ what: 'inspect --hash (2.1 GiB)', bytes, ...measure(process.execPath, [CLI, 'inspect', '--json', '--hash', big]), base: cat.wall });
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('what', 30)} ${pad('median s', 9)} ${pad('MiB/s', 8)} ${pad('vs cat', 7)} peak RSS MiB   (${RUNS} runs, warm cache, ${process.platform} ${process.arch})`);
for (const r of rows) {
  const mibs = r.bytes / 2 ** 20 / r.wall;
  console.log(`${pad(r.what, 30)} ${pad(r.wall.toFixed(2), 9)} ${pad(mibs.toFixed(0), 8)} ${pad(r.base ? (r.wall / r.base).toFixed(2) + 'x' : '', 7)} ${r.rss.toFixed(0)}`);
}
