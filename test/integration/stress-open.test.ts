// Stress of bounded size (issue 7): folders with 100 000 keys over 2 000 files open, and convert,
// with flat memory. Built in the test under os.tmpdir(): sharded safetensors (2 000 files × 50
// tensors, written with the project's writer plan, plus an index) and a DCP checkpoint (100 000
// keys over 2 000 .distcp files, 50 keys per file sharing one item, as a synthetic .metadata).
// Each command runs as the CLI in a fresh Node process (the TypeScript sources transpiled on
// require, as workers/pool.ts does for its workers), whose peak RSS (getrusage maxrss) is compared
// with the same command on a small fixture: memory is checked loosely — growth under a generous
// bound — and never time. A fresh process keeps other tests' heaps and GC timing out of it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { planSafetensorsFile } from '../../electron/formats/safetensors/writer';
import { fixtureDir } from '../support/fixtures';
import { pattern, torchSaveTensor } from '../support/bytes';
import { dcpMetadata, type DcpStorageSpec, type DcpMetaSpec } from '../support/dcp-bytes';

const FILES = 2_000;
const PER_FILE = 50;
const KEYS = FILES * PER_FILE;
/** Generous: the inputs' metadata alone is tens of MiB; an unbounded reader would need far more. */
const MAX_RSS_GROWTH = 400 * 1024 * 1024;
const STRESS_TIMEOUT = 600_000;

let tmp = '';
const st = () => path.join(tmp, 'st');
const dcp = () => path.join(tmp, 'dcp');
const key = (i: number): string => `model.layers.${Math.floor(i / 10)}.block.${i % 10}.weight`;

function buildSafetensorsFolder(dir: string): void {
  mkdirSync(dir);
  const weightMap: Record<string, string> = {};
  for (let f = 0; f < FILES; f++) {
    const name = `model-${String(f + 1).padStart(5, '0')}-of-${String(FILES).padStart(5, '0')}.safetensors`;
    const tensors = Array.from({ length: PER_FILE }, (_, j) => ({ name: key(f * PER_FILE + j), dtype: 'float32' as const, shape: [2, 2] }));
    const plan = planSafetensorsFile(tensors, { format: 'pt' });
    const out = new Uint8Array(plan.fileBytes);
    out.set(plan.header, 0);
    out.set(pattern(plan.dataBytes, f), plan.header.length);
    writeFileSync(path.join(dir, name), out);
    for (const t of tensors) weightMap[t.name] = name;
  }
  writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: KEYS * 16 }, weight_map: weightMap }));
}

function buildDcpFolder(dir: string): void {
  mkdirSync(dir);
  const item = torchSaveTensor('float32', [2, 2], pattern(16));
  const entries: Array<{ meta: DcpMetaSpec; storage: DcpStorageSpec[] }> = [];
  for (let f = 0; f < FILES; f++) {
    const file = `__${f}_0.distcp`;
    writeFileSync(path.join(dir, file), item);
    for (let j = 0; j < PER_FILE; j++) {
      const k = key(f * PER_FILE + j);
      entries.push({
        meta: { kind: 'tensor', key: k, dtype: 'float32', shape: [2, 2], chunks: [{ offsets: [0, 0], sizes: [2, 2] }] },
        storage: [{ offsets: [0, 0], relativePath: file, offset: 0, length: item.length }],
      });
    }
  }
  writeFileSync(path.join(dir, '.metadata'), dcpMetadata(entries));
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'shardscope-stress-'));
  buildSafetensorsFolder(st());
  buildDcpFolder(dcp());
}, STRESS_TIMEOUT);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Starts the CLI from the TypeScript sources in a new Node process. */
const BOOTSTRAP = `
const ts = require(process.env.SS_TS);
const fs = require('node:fs');
require.extensions['.ts'] = (m, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  m._compile(out.outputText, filename);
};
require(process.env.SS_MAIN).main(JSON.parse(process.env.SS_ARGV), {}).then((code) => {
  fs.writeFileSync(process.env.SS_RESULT, JSON.stringify({ code, maxRss: process.resourceUsage().maxRSS * 1024 }));
  process.exitCode = code;
});`;

interface ChildRun {
  readonly code: number;
  /** Peak resident set of the whole process (worker threads included), in bytes. */
  readonly maxRss: number;
  readonly stderr: string;
}

let runNo = 0;
/** `shardscope ARGV` in a fresh process; stdout goes to `stdoutFile` (or nowhere). */
function cliProcess(argv: readonly string[], stdoutFile?: string): Promise<ChildRun> {
  const result = path.join(tmp, `result-${runNo++}.json`);
  return new Promise((resolve, reject) => {
    const out = stdoutFile === undefined ? 'ignore' : openSync(stdoutFile, 'w');
    const child = spawn(process.execPath, ['-e', BOOTSTRAP], {
      stdio: ['ignore', out, 'pipe'],
      env: {
        ...process.env,
        SS_TS: require.resolve('typescript'),
        SS_MAIN: path.resolve(__dirname, '..', '..', 'electron', 'cli', 'main.ts'),
        SS_ARGV: JSON.stringify(argv),
        SS_RESULT: result,
      },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      if (typeof out === 'number') closeSync(out);
      try {
        const r = JSON.parse(readFileSync(result, 'utf8')) as { code: number; maxRss: number };
        resolve({ ...r, stderr });
      } catch {
        reject(new Error(`the CLI process ended without a result: ${stderr}`));
      }
    });
  });
}

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`;

/** Each command runs once; its checks and its memory bound are separate tests. */
const runs = new Map<string, Promise<ChildRun>>();
function once(id: string, argv: readonly string[], stdoutFile?: string): Promise<ChildRun> {
  let r = runs.get(id);
  if (r === undefined) runs.set(id, (r = cliProcess(argv, stdoutFile)));
  return r;
}

const inspectArgs = (dir: string): string[] => ['inspect', '--json', dir];
// One worker thread on both sides: from the TypeScript sources each worker carries its own copy
// of the compiler, and a small checkpoint starts only one, so equal thread counts keep the
// comparison about the data.
const convertArgs = (dir: string, out: string): string[] => ['convert', '--progress', 'none', '--quiet', '--threads', '1', '--max-shard-size', '100KB', dir, out];

/** The same commands on a small fixture: what a process needs for nothing much. */
const baseline = {
  inspect: () => once('inspect small', inspectArgs(fixtureDir('tp'))),
  convert: () => once('convert small', convertArgs(fixtureDir('tp'), path.join(tmp, 'out-small'))),
};

describe(`${KEYS} keys over ${FILES} files`, () => {
  for (const [layout, dir] of [['sharded safetensors + index.json', st], ['DCP', dcp]] as const) {
    const listing = () => path.join(tmp, `inspect-${path.basename(dir())}.json`);
    const out = () => path.join(tmp, `out-${path.basename(dir())}`);
    const inspect = () => once(`inspect ${layout}`, inspectArgs(dir()), listing());
    const convert = () => once(`convert ${layout}`, convertArgs(dir(), out()));

    it(`${layout}: inspect lists every key, in order`, async () => {
      const run = await inspect();
      expect(run.code, run.stderr).toBe(0);
      const keys = Object.keys((JSON.parse(readFileSync(listing(), 'utf8')) as { entries: Record<string, unknown> }).entries);
      expect(keys).toHaveLength(KEYS);
      expect(keys[KEYS - 1]).toBe(key(KEYS - 1));
    }, STRESS_TIMEOUT);

    it(`${layout}: inspect takes less than ${mib(MAX_RSS_GROWTH)} more memory than on a small checkpoint`, async () => {
      const [big, small] = [await inspect(), await baseline.inspect()];
      expect(small.code, small.stderr).toBe(0);
      console.log(`${layout}: inspect peak RSS ${mib(big.maxRss)} (small checkpoint: ${mib(small.maxRss)})`);
      expect(big.maxRss - small.maxRss).toBeLessThan(MAX_RSS_GROWTH);
    }, STRESS_TIMEOUT);

    it(`${layout}: converts to sharded safetensors with every key`, async () => {
      const run = await convert();
      expect(run.code, run.stderr).toBe(0);
      const index = JSON.parse(readFileSync(path.join(out(), 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
      expect(Object.keys(index.weight_map)).toHaveLength(KEYS);
      expect(new Set(Object.values(index.weight_map)).size).toBe(readdirSync(out()).length - 1);
    }, STRESS_TIMEOUT);

    it(`${layout}: convert takes less than ${mib(MAX_RSS_GROWTH)} more memory than on a small checkpoint`, async () => {
      const [big, small] = [await convert(), await baseline.convert()];
      expect(small.code, small.stderr).toBe(0);
      console.log(`${layout}: convert peak RSS ${mib(big.maxRss)} (small checkpoint: ${mib(small.maxRss)})`);
      expect(big.maxRss - small.maxRss).toBeLessThan(MAX_RSS_GROWTH);
    }, STRESS_TIMEOUT);
  }
});
