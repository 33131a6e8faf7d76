#!/usr/bin/env node
// `diff` speed and memory: `shardscope diff A B` beside `cat A/* B/* > /dev/null` of the same
// bytes (warm page cache). Prints a table; asserts nothing. Run after `npm run build`.
//
// Inputs, cached in bench/.data/ (git-ignored):
//   llama-2g: test/fixtures/gen/gen_bench.py with its defaults, run in the torch sandbox: a 2.1 GiB
//     4-rank bf16 DCP folder (dcp/) and the same weights as DCP per-rank HF shards (hf_sharded/).
//     Compared with each other they are identical: every byte is read and compared.
//   synthetic: written here without torch (so this bench runs anywhere): the same float32
//     tensors as sharded safetensors + index (A) and as one file (B), plus a copy (C) in which
//     every value differs, for the slow path (decode and figures for every element).
// Missing llama-2g is made when the sandbox exists, and skipped (with a line) when it does not.
// Environment: BENCH_RUNS (default 3), BENCH_SYNTHETIC_MIB (default 256), TORCH_SANDBOX_TOOL.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { CLI, DATA, HAS_GNU_TIME, ensureInput, fixed, measure, printTable, requireBuild } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SYNTHETIC_MIB = Number(process.env.BENCH_SYNTHETIC_MIB ?? 256);

requireBuild('diff.bench');
mkdirSync(DATA, { recursive: true });

// ---------------------------------------------------------------- inputs

/** llama-2g with both its DCP folder and its per-rank HF shards. */
function ensureLlama() {
  const ready = (dir) => existsSync(path.join(dir, 'dcp', '.metadata')) && existsSync(path.join(dir, 'hf_sharded')) && readdirSync(path.join(dir, 'hf_sharded')).length > 0;
  return ensureInput('llama-2g', [], { ready, skip: (name, why) => console.log(`skipped ${name} (DCP vs its per-rank HF shards): ${why}`) });
}

/** A minimal safetensors writer (F32 only): header JSON padded to 8 bytes, then the data. */
function writeSafetensors(file, tensors) {
  let offset = 0;
  const header = { __metadata__: { format: 'pt' } };
  for (const t of tensors) {
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(file, 'w');
  writeSync(fd, len);
  writeSync(fd, json);
  for (const t of tensors) writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  closeSync(fd);
}

/** A, B: the same tensors (sharded + index / one file); C: every value of B nudged. */
function ensureSynthetic() {
  const dir = path.join(DATA, `synthetic-${SYNTHETIC_MIB}m`);
  const done = path.join(dir, '.complete');
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (const d of ['a', 'b', 'c']) mkdirSync(path.join(dir, d), { recursive: true });
  const rows = 1024;
  const cols = 1024; // 4 MiB per tensor
  const count = Math.max(1, Math.round(SYNTHETIC_MIB / 4));
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.04;
  const tensors = [];
  for (let i = 0; i < count; i++) {
    const data = new Float32Array(rows * cols);
    for (let k = 0; k < data.length; k++) data[k] = rand();
    tensors.push({ name: `layers.${i}.weight`, shape: [rows, cols], data });
  }
  const perFile = Math.max(1, Math.ceil(count / 4));
  const files = Math.ceil(count / perFile);
  const weightMap = {};
  for (let f = 0; f < files; f++) {
    const name = `model-${String(f + 1).padStart(5, '0')}-of-${String(files).padStart(5, '0')}.safetensors`;
    const part = tensors.slice(f * perFile, (f + 1) * perFile);
    writeSafetensors(path.join(dir, 'a', name), part);
    for (const t of part) weightMap[t.name] = name;
  }
  const total = tensors.reduce((n, t) => n + t.data.byteLength, 0);
  const index = JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2);
  const fd = openSync(path.join(dir, 'a', 'model.safetensors.index.json'), 'w');
  writeSync(fd, index);
  closeSync(fd);
  writeSafetensors(path.join(dir, 'b', 'model.safetensors'), tensors);
  for (const t of tensors) for (let k = 0; k < t.data.length; k++) t.data[k] += 1e-3;
  writeSafetensors(path.join(dir, 'c', 'model.safetensors'), tensors);
  closeSync(openSync(done, 'w'));
  return dir;
}

// ---------------------------------------------------------------- measuring

/**
 * Median wall seconds, median CPU seconds (user + sys, all threads) and max peak RSS (MiB).
 * CPU time says what the work costs even when other jobs share the machine and stretch the wall
 * time. `okStatus`: diff exits 1 when it finds differences.
 */
const timed = (cmd, args, okStatus = [0]) => measure(cmd, args, { runs: RUNS, okStatus });

function filesOf(...dirs) {
  return dirs.flatMap((d) => readdirSync(d).map((f) => path.join(d, f))).filter((f) => statSync(f).isFile());
}

function bytesOf(files) {
  return files.reduce((n, f) => n + statSync(f).size, 0);
}

const rows = [];

/** cat of both folders, then each diff variant, all over the same (warm) bytes. */
function compareCase(label, a, b, variants) {
  const files = filesOf(a, b);
  const bytes = bytesOf(files);
  timed('cat', files); // warm the page cache
  const cat = timed('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...files]);
  rows.push({ what: `${label}: cat A/* B/* > /dev/null`, bytes, ...cat, base: cat.wall });
  for (const [name, extra, ok] of variants) {
    rows.push({ what: `${label}: diff${name}`, bytes, ...timed(process.execPath, [CLI, 'diff', a, b, '--progress', 'none', ...extra], ok), base: cat.wall });
  }
}

const llama = ensureLlama();
if (llama) {
  compareCase('llama-2g DCP vs HF shards', path.join(llama, 'dcp'), path.join(llama, 'hf_sharded'), [
    ['', [], [0]],
    [' --threads 1', ['--threads', '1'], [0]],
  ]);
}
const syn = ensureSynthetic();
compareCase(`synthetic ${SYNTHETIC_MIB} MiB, equal`, path.join(syn, 'a'), path.join(syn, 'b'), [['', [], [0]]]);
compareCase(`synthetic ${SYNTHETIC_MIB} MiB, all values differ`, path.join(syn, 'b'), path.join(syn, 'c'), [
  ['', [], [1]],
  [' --atol 0.01', ['--atol', '0.01'], [0]],
]);

const [l1] = loadavg();
console.log('');
printTable(
  [
    { title: 'what', width: 52, cell: (r) => r.what },
    { title: 'wall s', width: 7, cell: (r) => r.wall.toFixed(2) },
    { title: 'MiB/s', width: 7, cell: (r) => (r.bytes / 2 ** 20 / r.wall).toFixed(0) },
    { title: 'vs cat', width: 7, cell: (r) => `${(r.wall / r.base).toFixed(2)}x` },
    { title: 'CPU s', width: 6, cell: (r) => fixed(r.cpu, 2) },
    { title: 'peak RSS MiB', width: 12, cell: (r) => fixed(r.rss, 0) },
  ],
  rows,
);
console.log(`(${RUNS} runs each, medians; warm page cache; ${process.platform} ${process.arch}; load average ${l1.toFixed(2)} at the end${HAS_GNU_TIME ? '' : '; RSS from process.resourceUsage'})`);
console.log('Targets (issue 5): diff within 1.5x of cat, peak RSS at most 256 MiB.');
