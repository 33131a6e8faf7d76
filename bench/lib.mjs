// Set-up shared by the bench scripts: where things are, making torch-written inputs in the
// sandbox, timing one command (wall + peak RSS), medians and plain-text tables. Asserts nothing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** Generated inputs and scratch outputs (git-ignored), shared by all benches. */
export const DATA = path.join(ROOT, 'bench', '.data');
export const SANDBOX = process.env.TORCH_SANDBOX_TOOL ?? path.resolve(ROOT, '..', 'shared', 'tools', 'torch-sandbox');
export const CLI = path.join(ROOT, 'bin', 'shardscope.js');
export const GNU_TIME = '/usr/bin/time';
export const HAS_GNU_TIME = existsSync(GNU_TIME);
/** The repo's copy of the generator (the same file as ../shared/tools/gen_bench.py). */
const GEN_BENCH = path.join(ROOT, 'test', 'fixtures', 'gen', 'gen_bench.py');

/** Exits with a clear line when `npm run build` has not been run: the benches time the built CLI. */
export function requireBuild(bench) {
  if (!existsSync(path.join(ROOT, 'out', 'electron', 'cli', 'main.js'))) {
    console.error(`${bench}: shardscope is not built: run \`npm run build\` first`);
    process.exit(2);
  }
}

/**
 * Whether the torch sandbox exists; with `importTorch`, also that torch imports in it (a slower
 * check, worth it only where torch itself is timed).
 */
export function sandboxReady({ importTorch = false } = {}) {
  if (!existsSync(SANDBOX) || !existsSync('/opt/torch-sandbox/usr/bin/python3')) return false;
  if (!importTorch) return true;
  return spawnSync(SANDBOX, ['run', 'python3', '-c', 'import torch'], { stdio: 'ignore', cwd: '/tmp' }).status === 0;
}

/**
 * DATA/<name>, made by gen_bench.py (with `args`) in the torch sandbox unless `ready(dir)` says it
 * is there already (default: its dcp/.metadata exists). Null, with `skip(name, reason)` called
 * (default: a `skipped …` line), when it is missing and cannot be made.
 */
export function ensureInput(name, args, { ready = (dir) => existsSync(path.join(dir, 'dcp', '.metadata')), skip = (what, why) => console.log(`skipped ${what}: ${why}`), sandboxOk } = {}) {
  const dir = path.join(DATA, name);
  if (ready(dir)) return dir;
  if (!(sandboxOk ?? sandboxReady())) {
    skip(name, `no input in ${dir} and no torch sandbox to make it (${SANDBOX})`);
    return null;
  }
  mkdirSync(DATA, { recursive: true });
  // The sandbox sees only the current folder and /tmp, so the generator runs from DATA.
  copyFileSync(GEN_BENCH, path.join(DATA, 'gen_bench.py'));
  const r = spawnSync(SANDBOX, ['run', 'python3', 'gen_bench.py', name, ...args], { cwd: DATA, stdio: 'inherit' });
  return r.status === 0 ? dir : null;
}

/** Total size of the files directly in `dir`. */
export function folderBytes(dir) {
  return readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

/** Node code that runs a script and reports its peak RSS on stderr, for when GNU time is missing. */
const MAXRSS_WRAPPER =
  'const [s, ...a] = process.argv.slice(1); process.argv = [process.argv[0], s, ...a]; process.on("exit", () => process.stderr.write(`\\nMAXRSS ${process.resourceUsage().maxRSS}\\n`)); require(s);';

/**
 * One run of `cmd args`: exit status, wall seconds, peak RSS (MiB), CPU seconds (user + sys, all
 * threads) and stderr. Figures come from GNU time when it exists; otherwise the wall time is
 * measured here, node commands run under a wrapper that reports process.resourceUsage().maxRSS
 * (worker threads included: they share the process), and what cannot be known is null.
 */
export function timeCommand(cmd, args, { cwd = ROOT } = {}) {
  const opts = { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 };
  if (HAS_GNU_TIME) {
    const r = spawnSync(GNU_TIME, ['-f', '%e %M %U %S', cmd, ...args], opts);
    const [wall, kb, user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    return { status: r.status, wall, rss: kb / 1024, cpu: user + sys, stderr: r.stderr };
  }
  const isNode = cmd === process.execPath;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, isNode ? ['-e', MAXRSS_WRAPPER, ...args] : args, opts);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /MAXRSS (\d+)/.exec(r.stderr ?? '');
  return { status: r.status, wall, rss: m ? Number(m[1]) / 1024 : null, cpu: null, stderr: r.stderr ?? '' };
}

/** The median (the upper one for an even count); null when any value is unknown. */
export function median(xs) {
  if (xs.some((x) => x === null || !Number.isFinite(x))) return null;
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** The largest value; null when any is unknown. */
export function maxOf(xs) {
  return xs.some((x) => x === null || !Number.isFinite(x)) ? null : Math.max(...xs);
}

/** Median wall and CPU seconds and max peak RSS (MiB) of timed runs (as from timeCommand). */
export function summarize(runs) {
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)), rss: maxOf(runs.map((r) => r.rss)) };
}

/**
 * `runs` timed runs of `cmd args`, summarized; throws, with the command and its stderr, when one
 * exits with a status outside `okStatus` (diff exits 1 when it finds differences).
 */
export function measure(cmd, args, { runs, okStatus = [0] }) {
  const done = [];
  for (let i = 0; i < runs; i++) {
    const r = timeCommand(cmd, args);
    if (!okStatus.includes(r.status) || !Number.isFinite(r.wall)) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 400)}`);
    done.push(r);
  }
  return summarize(done);
}

/** `n` with `digits` decimals, or `unknown` when it could not be measured. */
export function fixed(n, digits, unknown = '?') {
  return n === null || n === undefined || !Number.isFinite(n) ? unknown : n.toFixed(digits);
}

/**
 * Prints a header and one line per row. `columns`: { title, width, right?, cell(row) }; a row with
 * `error` prints its first `keep` cells and then `failed: <error>`.
 */
export function printTable(columns, rows, { keep = 0 } = {}) {
  const fit = (c, s) => (c.right ? String(s).padStart(c.width) : String(s).padEnd(c.width));
  console.log(columns.map((c) => fit(c, c.title)).join(' ').trimEnd());
  for (const r of rows) {
    if (r.error) console.log([...columns.slice(0, keep).map((c) => fit(c, c.cell(r))), `failed: ${r.error}`].join(' '));
    else console.log(columns.map((c) => fit(c, c.cell(r))).join(' ').trimEnd());
  }
}
