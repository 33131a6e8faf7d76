#!/usr/bin/env node
// `inspect` speed and memory: opening a 100,000-key DCP folder, and `--hash` of a multi-GB one
// beside `cat > /dev/null` of the same bytes. Prints a table; asserts nothing.
//
// Inputs come from gen_bench.py (test/fixtures/gen/) run in the torch sandbox, cached in bench/.data/:
//   keys100k: --layers 11200 --dim 16 --hidden 16 --vocab 16 --heads 2 --kv-heads 1 --no-hf
//   llama-2g: the defaults (2.1 GiB, 4 ranks, bf16)
// Missing inputs are made when the sandbox exists, and skipped (with a line) when it does not.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, ensureInput, fixed, folderBytes, measure, printTable, requireBuild } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
requireBuild('inspect.bench');

const INPUTS = {
  keys100k: ['--layers', '11200', '--dim', '16', '--hidden', '16', '--vocab', '16', '--heads', '2', '--kv-heads', '1', '--no-hf'],
  'llama-2g': [],
};
const dcpOf = (name) => {
  const dir = ensureInput(name, INPUTS[name]);
  return dir === null ? null : path.join(dir, 'dcp');
};
const timed = (cmd, args) => measure(cmd, args, { runs: RUNS });

const rows = [];
const keys = dcpOf('keys100k');
if (keys) {
  rows.push({ what: 'inspect --json (100k keys)', bytes: folderBytes(keys), ...timed(process.execPath, [CLI, 'inspect', '--json', keys]) });
  rows.push({ what: 'inspect tree (100k keys)', bytes: folderBytes(keys), ...timed(process.execPath, [CLI, 'inspect', keys]) });
}
const big = dcpOf('llama-2g');
if (big) {
  const files = readdirSync(big).map((f) => path.join(big, f));
  const bytes = folderBytes(big);
  timed('cat', files); // warm the page cache
  const cat = timed('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...files]);
  rows.push({ what: 'cat > /dev/null (2.1 GiB)', bytes, ...cat, base: cat.wall });
  rows.push({ what: 'inspect --hash (2.1 GiB)', bytes, ...timed(process.execPath, [CLI, 'inspect', '--json', '--hash', big]), base: cat.wall });
}

console.log(`\ninspect bench: ${RUNS} runs, median wall, warm cache, ${process.platform} ${process.arch}, node ${process.version}`);
printTable(
  [
    { title: 'what', width: 30, cell: (r) => r.what },
    { title: 'median s', width: 9, cell: (r) => r.wall.toFixed(2) },
    { title: 'MiB/s', width: 8, cell: (r) => (r.bytes / 2 ** 20 / r.wall).toFixed(0) },
    { title: 'vs cat', width: 7, cell: (r) => (r.base ? `${(r.wall / r.base).toFixed(2)}x` : '') },
    { title: 'peak RSS MiB', width: 12, cell: (r) => fixed(r.rss, 0) },
  ],
  rows,
);
