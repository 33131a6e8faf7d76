// `diffCheckpoints`: the diff service the CLI and the app call. Opens both checkpoints, selects
// and matches keys (match.ts), settles what needs no bytes, then compares tensor values in
// worker threads (work.ts, runner.ts) and assembles the report (report.ts).
//
// Memory: the main thread holds the two models and one result per item; the workers hold a
// few blocks each (work.ts DIFF_BLOCK_BYTES), whatever the checkpoints' sizes.

import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { DiffChange, DiffOptions, DiffProgress, DiffReport, DiffRule } from '../../../shared/model/diff';
import { FormatError } from '../../../shared/errors';
import { PROGRESS_EVENTS_PER_SECOND } from '../../../shared/ipc/progress';
import { openCheckpoint, type OpenCheckpoint } from '../inspect/open';
import { loadPreset } from '../presets/index';
import { classify, matchKeys, selectSide, type ValuePair } from './match';
import { DIFF_BLOCK_BYTES, PIECE_BYTES, batchTasks, equalItem, planItems, type WorkItem } from './work';
import { emptyFigures, finishFigures, mergeFigures, type PartialFigures } from './figures';
import { DiffWorkers, inlineRunner } from './runner';
import type { CompareRule } from './compare';
import { sortChanges } from './report';

/** Threads beyond this rarely help: the work is bound by reading the files. */
export const MAX_DIFF_THREADS = 4;
/** Tasks in flight when comparing in the calling thread: one reads while the other compares. */
const INLINE_LANES = 2;

export interface DiffHooks {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: DiffProgress) => void;
}

/** How work is cut: defaults suit real checkpoints; tests shrink them to exercise splitting. */
export interface DiffTuning {
  /** Tensors larger than this are split into dim-0 row ranges. */
  readonly pieceBytes: number;
  /** Upper bound of one block read from either side. */
  readonly blockBytes: number;
}

export const DEFAULT_TUNING: DiffTuning = { pieceBytes: PIECE_BYTES, blockBytes: DIFF_BLOCK_BYTES };

/** Inputs at least this large (files directly in A and B) start the worker threads early. */
export const WARM_START_BYTES = 256 * 1024 * 1024;

/** Opens both checkpoints (paths as `inspect` takes them), compares, closes. */
export async function diffCheckpoints(a: string, b: string, options: DiffOptions = {}, hooks: DiffHooks = {}): Promise<DiffReport> {
  ruleOf(options); // refuse bad options before opening anything
  const threads = threadCount(options);
  // Big inputs: start the threads while the checkpoints open. Small ones get threads only if
  // they turn out to need reading (see compareValues).
  const early = threads > 0 && (await topLevelBytes([a, b])) >= WARM_START_BYTES ? new DiffWorkers(threads, hooks.signal) : null;
  early?.warm();
  let sideA: OpenCheckpoint | null = null;
  let sideB: OpenCheckpoint | null = null;
  try {
    sideA = await openCheckpoint(a);
    sideB = await openCheckpoint(b);
    return await compareOpen(a, sideA, b, sideB, options, ruleOf(options), hooks, DEFAULT_TUNING, early);
  } finally {
    await Promise.all([early?.close(), sideA?.close(), sideB?.close()]);
  }
}

/** The same over checkpoints the caller has opened (the caller closes them); `pathA`/`pathB` label the report. */
export async function diffOpenCheckpoints(
  pathA: string,
  A: OpenCheckpoint,
  pathB: string,
  B: OpenCheckpoint,
  options: DiffOptions = {},
  hooks: DiffHooks = {},
  tuning: DiffTuning = DEFAULT_TUNING,
): Promise<DiffReport> {
  return compareOpen(pathA, A, pathB, B, options, ruleOf(options), hooks, tuning, null);
}

function threadCount(o: DiffOptions): number {
  return o.threads ?? Math.min(MAX_DIFF_THREADS, availableParallelism());
}

/** Sizes of the files directly in each path (or of the path itself when it is a file). */
async function topLevelBytes(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (!st.isDirectory()) {
        total += st.size;
        continue;
      }
      for (const name of await readdir(p)) total += (await stat(path.join(p, name)).catch(() => null))?.size ?? 0;
    } catch {
      // openCheckpoint reports a missing path properly
    }
  }
  return total;
}

function ruleOf(o: DiffOptions): DiffRule {
  for (const [name, v] of [['atol', o.atol], ['rtol', o.rtol]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new FormatError('BAD_REQUEST', `--${name} must be a finite number ≥ 0, got ${v}`);
  }
  if (o.preset !== undefined && o.config === undefined) {
    throw new FormatError('BAD_REQUEST', `--preset ${o.preset} needs --config HF_CONFIG.json (the head counts for the RoPE permutation)`);
  }
  if (o.threads !== undefined && !(Number.isSafeInteger(o.threads) && o.threads >= 0)) {
    throw new FormatError('BAD_REQUEST', `--threads must be a whole number ≥ 0, got ${o.threads}`);
  }
  const tolerant = o.atol !== undefined || o.rtol !== undefined;
  return {
    tolerance: tolerant ? { atol: o.atol ?? 0, rtol: o.rtol ?? 0 } : null,
    dtypeInsensitive: o.dtypeInsensitive === true,
    modelOnly: o.modelOnly === true,
    preset: o.preset ?? null,
  };
}

async function compareOpen(
  pathA: string,
  A: OpenCheckpoint,
  pathB: string,
  B: OpenCheckpoint,
  options: DiffOptions,
  rule: DiffRule,
  hooks: DiffHooks,
  tuning: DiffTuning,
  workers: DiffWorkers | null,
): Promise<DiffReport> {
  const preset = options.preset !== undefined && options.config !== undefined ? await loadPreset(options.preset, options.config) : null;
  const selA = selectSide(A.model, { modelOnly: rule.modelOnly, preset });
  const selB = selectSide(B.model, { modelOnly: rule.modelOnly, preset: null });
  const candA = selA.candidates;
  const candB = selB.candidates;
  const skippedA = selA.skipped;

  const matched = matchKeys(candA, candB);
  const changed: DiffChange[] = [];
  const pairs: ValuePair[] = [];
  let same = 0;
  for (const { a, b } of matched.pairs) {
    const c = classify(a, b, rule.dtypeInsensitive);
    if (c.kind === 'same') same++;
    else if (c.kind === 'change') changed.push(c.change);
    else pairs.push(c.pair);
  }

  const compareRule: CompareRule = { tolerance: rule.tolerance, castToFloat32: rule.dtypeInsensitive };
  const { results, bytesRead } = await compareValues(pairs, compareRule, A, B, options, hooks, tuning, workers);
  const sameNotBitwise: string[] = [];
  pairs.forEach((p, i) => {
    const f = results[i] ?? null;
    const differs = p.dtypeChange || (f !== null && f.nDifferent > 0);
    if (!differs) {
      same++;
      // Figures exist only where some bytes differed (or the dtypes do).
      if (f !== null) sameNotBitwise.push(p.key);
      return;
    }
    changed.push({
      key: p.key,
      ...(p.keyA !== p.key ? { keyA: p.keyA } : {}),
      change: p.dtypeChange ? 'dtype' : 'values',
      dtypeA: p.a.dtype,
      dtypeB: p.b.dtype,
      shapeA: p.a.shape,
      shapeB: p.b.shape,
      figures: finishFigures(f ?? { ...emptyFigures(), numel: 0 }),
    });
  });

  return {
    a: { path: pathA, format: A.model.format, entries: candA.length },
    b: { path: pathB, format: B.model.format, entries: candB.length },
    identical: matched.onlyA.length === 0 && matched.onlyB.length === 0 && changed.length === 0,
    onlyA: matched.onlyA,
    onlyB: matched.onlyB,
    changed: sortChanges(changed),
    same,
    sameNotBitwise: sameNotBitwise.sort(),
    skippedA,
    rule,
    bytesRead,
  };
}

/**
 * Figures per pair: null when every byte was equal (no figures needed). For a pair that differs
 * somewhere, ranges that were byte-equal are re-read from A for their share of the figures.
 */
async function compareValues(
  pairs: readonly ValuePair[],
  rule: CompareRule,
  A: OpenCheckpoint,
  B: OpenCheckpoint,
  options: DiffOptions,
  hooks: DiffHooks,
  tuning: DiffTuning,
  early: DiffWorkers | null,
): Promise<{ results: (PartialFigures | null)[]; bytesRead: number }> {
  const items = planItems(pairs, tuning.pieceBytes);
  const progress = new Progress(items, pairs.length, hooks.onProgress);
  // Threads the caller started early, or a pool sized to the work (none for nothing to read).
  const threads = early !== null ? 0 : Math.min(threadCount(options), items.length);
  const own = threads > 0 ? new DiffWorkers(threads, hooks.signal) : null;
  const workers = early ?? own;
  const runner = workers !== null ? workers.runner(A.folder.root, B.folder.root) : inlineRunner(A.folder, B.folder, hooks.signal);
  const pieces: Array<Array<{ item: WorkItem; figures: PartialFigures | null }>> = pairs.map(() => []);
  const left = pairs.map(() => 0);
  for (const it of items) left[it.pair]!++;
  pairs.forEach((_, i) => {
    if (left[i] === 0) progress.tensorDone();
  });
  let bytesRead = 0;
  try {
    // One lane per thread (in-thread: INLINE_LANES), each taking the next task when done, so
    // that only that many tasks hold read buffers at a time.
    const lanes = workers?.size ?? INLINE_LANES;
    const runAll = async (batch: readonly WorkItem[], onResult: (item: WorkItem, f: PartialFigures | null) => void): Promise<void> => {
      const tasks = batchTasks(batch, rule, tuning.blockBytes);
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < tasks.length) {
          const task = tasks[next++]!;
          const results = await runner.run(task, (n) => progress.bytes(n));
          for (const r of results) {
            bytesRead += r.bytesRead;
            onResult(task.items[r.index]!, r.figures);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(lanes, tasks.length) }, lane));
    };
    await runAll(items, (item, figures) => {
      pieces[item.pair]!.push({ item, figures });
      if (--left[item.pair]! === 0) progress.tensorDone();
    });

    // Pairs that differ somewhere but had byte-equal ranges: fetch those ranges' figures.
    const followUps = new Map<WorkItem, { figures: PartialFigures | null }>();
    for (const ps of pieces) {
      if (!ps.some((p) => p.figures !== null)) continue;
      for (const p of ps) if (p.figures === null) followUps.set(equalItem(p.item), p);
    }
    progress.addTotal([...followUps.keys()].reduce((s, it) => s + it.bytes, 0));
    await runAll([...followUps.keys()], (item, figures) => {
      followUps.get(item)!.figures = figures;
    });
  } finally {
    await own?.close();
  }
  progress.finish();
  const results = pieces.map((ps) => {
    if (ps.every((p) => p.figures === null)) return null;
    return ps.reduce((acc, p) => (p.figures ? mergeFigures(acc, p.figures) : acc), emptyFigures());
  });
  return { results, bytesRead };
}

/** Throttled progress: bytes of the first pass (plus follow-ups), tensors finished. */
class Progress {
  private done = 0;
  private total: number;
  private tensors = 0;
  private last = -Infinity;

  constructor(items: readonly WorkItem[], private readonly tensorsTotal: number, private readonly sink?: (p: DiffProgress) => void) {
    this.total = items.reduce((s, it) => s + it.bytes, 0);
  }

  bytes(n: number): void {
    this.done += n;
    this.emit(false);
  }

  tensorDone(): void {
    this.tensors++;
    this.emit(false);
  }

  addTotal(n: number): void {
    this.total += n;
  }

  finish(): void {
    this.emit(true);
  }

  private emit(force: boolean): void {
    if (this.sink === undefined) return;
    const now = performance.now();
    if (!force && now - this.last < 1000 / PROGRESS_EVENTS_PER_SECOND) return;
    this.last = now;
    this.sink({ bytesDone: Math.min(this.done, this.total), bytesTotal: this.total, tensorsDone: this.tensors, tensorsTotal: this.tensorsTotal });
  }
}
