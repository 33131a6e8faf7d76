// The convert service: any checkpoint layout Shardscope reads → a Hugging Face safetensors
// folder, atomically. The CLI (`shardscope convert`) and the desktop app call this.
//   check options and paths → clean stale temp folders → open the source → plan (pure) →
//   check free space → write into a temp folder (execute.ts) → rename into place.
// Cancel (AbortSignal), any error or a full disk remove the temp folder and leave no DST.

import { realpath, stat, statfs } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { ConvertOptions, ConvertPhase, ConvertProgress, ConvertSummary } from '../../../shared/model/convert';
import { FormatError, toAppError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/model/tree';
import { cleanStaleTempDirs, createAtomicDir, pathExists } from '../../io/atomic-dir';
import { openCheckpoint } from '../inspect/open';
import { loadPreset } from '../presets';
import { CAST_TARGETS } from './cast';
import { executePlan, type ExecuteFaults } from './execute';
import { planConversion, type PlanOptions, type WritePlan } from './plan';
import { createThrottle } from './progress-throttle';
import { DEFAULT_MAX_SHARD_SIZE, parseShardSize } from './shard-plan';

/** More threads than this only add memory: the work is bound by the disk long before. */
export const MAX_THREADS = 64;

export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface ConvertHooks {
  readonly signal?: AbortSignal;
  /** About 10 calls a second, plus one at each phase change. */
  readonly onProgress?: (p: ConvertProgress) => void;
  /** Fault injection for tests; never set by the app or the CLI. */
  readonly faults?: ExecuteFaults;
}

function badRequest(message: string): FormatError {
  return new FormatError('BAD_REQUEST', message);
}

function compilePatterns(flag: string, patterns: readonly string[] | undefined): RegExp[] {
  return (patterns ?? []).map((p) => {
    try {
      return new RegExp(p);
    } catch (e) {
      throw badRequest(`${flag} ${JSON.stringify(p)}: not a valid regular expression (${(e as Error).message})`);
    }
  });
}

async function resolveOptions(o: ConvertOptions): Promise<{ plan: PlanOptions; threads: number }> {
  if (o.dtype != null && !CAST_TARGETS.includes(o.dtype)) {
    throw badRequest(`--dtype ${JSON.stringify(o.dtype)}: cast targets are ${CAST_TARGETS.join(', ')}`);
  }
  const threads = o.threads ?? defaultThreads();
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw badRequest(`--threads ${String(o.threads)}: give a whole number from 1 to ${MAX_THREADS}`);
  }
  if (o.preset != null && (o.preset.configPath ?? '') === '') {
    throw badRequest(`--preset ${o.preset.name} needs --config PATH (the model's Hugging Face config.json)`);
  }
  const plan: PlanOptions = {
    modelOnly: o.modelOnly === true,
    include: compilePatterns('--include', o.include),
    exclude: compilePatterns('--exclude', o.exclude),
    preset: o.preset != null ? await loadPreset(o.preset.name, o.preset.configPath) : null,
    dtype: o.dtype ?? null,
    maxShardSize: parseShardSize(o.maxShardSize ?? DEFAULT_MAX_SHARD_SIZE),
  };
  return { plan, threads };
}

/** Refuses a destination that is, contains or lies inside the source: it must never be touched. */
async function checkPaths(src: string, dst: string, force: boolean): Promise<void> {
  let srcReal: string;
  let srcIsDir: boolean;
  try {
    srcReal = await realpath(src);
    srcIsDir = (await stat(srcReal)).isDirectory();
  } catch {
    throw new FormatError('NOT_FOUND', `${src}: no such file or folder`, { file: src });
  }
  let dstReal: string;
  try {
    dstReal = await realpath(dst);
  } catch {
    // Not there yet: resolve the nearest existing parent so symlinked parents compare right.
    let base = path.dirname(dst);
    let rest = path.basename(dst);
    for (;;) {
      try {
        dstReal = path.join(await realpath(base), rest);
        break;
      } catch {
        if (path.dirname(base) === base) {
          dstReal = dst;
          break;
        }
        rest = path.join(path.basename(base), rest);
        base = path.dirname(base);
      }
    }
  }
  const inside = (child: string, parent: string): boolean => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
  if (dstReal === srcReal || inside(srcReal, dstReal) || (srcIsDir && inside(dstReal, srcReal))) {
    throw badRequest(`${dst}: the destination must be a new folder outside the source ${src} (the source is never modified)`);
  }
  if (!force && (await pathExists(dstReal))) {
    throw new FormatError('EXISTS', `${dst} already exists; pass --force to replace it once the new output is complete`, { file: dst });
  }
}

function outputBytes(plan: WritePlan): number {
  return plan.files.reduce((n, f) => n + f.fileBytes, 0) + (plan.index ? Buffer.byteLength(plan.index.text) : 0);
}

async function freeBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

function diskFull(dst: string, needed: number, free: number | null): FormatError {
  const avail = free !== null ? `, and ${formatBytes(free)} are free` : '';
  return new FormatError('DISK_FULL', `the disk is full: the output needs ${formatBytes(needed)} (${needed} bytes)${avail}; nothing was written to ${dst}`, { file: dst });
}

export async function convertCheckpoint(src: string, dst: string, options: ConvertOptions, hooks: ConvertHooks = {}): Promise<ConvertSummary> {
  const started = Date.now();
  const signal = hooks.signal ?? new AbortController().signal;
  const cancelled = (): FormatError => new FormatError('CANCELLED', 'cancelled; nothing was written');
  if (signal.aborted) throw cancelled();

  const srcAbs = path.resolve(src);
  const dstAbs = path.resolve(dst);
  const { plan: planOpts, threads } = await resolveOptions(options);
  await checkPaths(srcAbs, dstAbs, options.force === true);
  await cleanStaleTempDirs(path.dirname(dstAbs));

  let plan: WritePlan | undefined;
  const due = createThrottle();
  const report = (phase: ConvertPhase, bytesDone: number, bytesTotal: number, tensorsDone: number, force = false): void => {
    if (hooks.onProgress === undefined || !(due() || force)) return;
    hooks.onProgress({ phase, bytesDone, bytesTotal, tensorsDone, tensorsTotal: plan?.tensorCount ?? 0, elapsedMs: Date.now() - started });
  };
  report('plan', 0, 0, 0, true);

  const source = await openCheckpoint(srcAbs);
  try {
    plan = planConversion(source.model, planOpts);
    const needed = outputBytes(plan);
    const free = await freeBytes(path.dirname(dstAbs));
    if (free !== null && free < needed) throw diskFull(dst, needed, free);
    if (signal.aborted) throw cancelled();

    const out = await createAtomicDir(dstAbs);
    try {
      const result = await executePlan({
        plan,
        srcFolderRoot: source.folder.root,
        tmpDir: out.tmp,
        threads,
        verify: options.verify === true,
        sync: options.sync === true,
        signal,
        report,
        ...(hooks.faults ? { faults: hooks.faults } : {}),
      });
      if (signal.aborted) throw cancelled();
      report('commit', plan.totalSize, plan.totalSize, plan.tensorCount, true);
      await out.commit(options.force === true, { sync: options.sync === true });
      return {
        src: srcAbs,
        dst: dstAbs,
        files: result.files,
        tensors: plan.tensorCount,
        dataBytes: plan.totalSize,
        bytesWritten: result.files.reduce((n, f) => n + f.bytes, 0),
        renamed: plan.renamed,
        cast: plan.cast,
        skipped: plan.skipped,
        verified: result.verified,
        threads,
        elapsedMs: Date.now() - started,
      };
    } catch (e) {
      await out.discard();
      const app = toAppError(e);
      if (app.code === 'DISK_FULL') throw diskFull(dst, needed, await freeBytes(path.dirname(dstAbs)));
      if (app.code === 'CANCELLED') throw cancelled();
      if ((e as { code?: string }).code === 'EEXIST') throw new FormatError('EXISTS', `${dst} appeared while converting; pass --force to replace it`, { file: dst });
      throw e;
    }
  } finally {
    await source.close();
  }
}
