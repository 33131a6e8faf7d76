// Carries out a WritePlan inside a temp folder (io/atomic-dir.ts): the main thread creates each
// output file at its final size with its header, then worker threads write the tensors into
// their byte ranges by position; files are fsynced (flushed in the background while the copy
// runs: writeback.ts; only with --sync), and with --verify read back with the project's
// own reader and hashed. The caller renames the folder into place afterwards.

import { setMaxListeners } from 'node:events';
import { copyFile, open, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { TensorEntry } from '../../../shared/model/checkpoint';
import type { ConvertedFile, ConvertPhase } from '../../../shared/model/convert';
import { FormatError } from '../../../shared/errors';
import { fsyncPath } from '../../io/atomic-dir';
import { WorkerPool } from '../../workers/pool';
import { batchBySize } from '../../workers/batch';
import type { ConvertWorkerApi, WriteFault, WriteJob } from '../../workers/convert-api';
import { openCheckpoint } from '../inspect/open';
import type { PlannedTensor, WritePlan } from './plan';
import { createWriteback } from './writeback';

/**
 * Tensors are handed to workers in groups of about this many bytes: big enough that a message
 * per group costs nothing, small enough that the last group does not leave workers idle long.
 */
export const JOB_TARGET_BYTES = 32 * 1024 * 1024;
/** …and at most this many tensors per group (a 100k-key checkpoint of tiny tensors). */
export const JOB_MAX_TENSORS = 512;

/**
 * V8 young generation per worker, in MB. Workers make little JS garbage (their big buffers live
 * outside the heap), but V8 grows the young generation with the allocation rate, to 16 MB+ per
 * worker; capping it keeps peak RSS flat as the checkpoint grows (measured: 4 workers on 2.1 GiB,
 * 143 MiB with 16 MB vs 127 MiB with 2 MB, same CPU time).
 */
export const WORKER_YOUNG_GEN_MB = 2;

export interface ExecuteFaults {
  /** Worker writes fail as a full disk would (tests). */
  readonly write?: WriteFault;
  /** Runs once the output is written and synced, before verification (tests corrupt bytes here). */
  readonly beforeVerify?: (tmpDir: string) => Promise<void>;
}

export interface ExecuteInput {
  readonly plan: WritePlan;
  /** Folder the source's chunk files live in. */
  readonly srcFolderRoot: string;
  readonly tmpDir: string;
  readonly threads: number;
  readonly verify: boolean;
  /** Flush the output files to disk (background writeback, then fsync each); false unless --sync. */
  readonly sync: boolean;
  readonly signal: AbortSignal;
  readonly report: (phase: ConvertPhase, bytesDone: number, bytesTotal: number, tensorsDone: number, force?: boolean) => void;
  readonly faults?: ExecuteFaults;
}

export interface ExecuteResult {
  readonly files: readonly ConvertedFile[];
  readonly verified: boolean;
}

interface Group {
  readonly job: WriteJob;
  readonly tensors: readonly PlannedTensor[];
}

const nbytesOf = (t: { readonly nbytes: number }): number => t.nbytes;

function groupJobs(input: ExecuteInput): Group[] {
  return input.plan.files.flatMap((file) =>
    batchBySize(file.tensors, nbytesOf, JOB_TARGET_BYTES, JOB_MAX_TENSORS).map((tensors) => ({
      tensors,
      job: {
        folderRoot: input.srcFolderRoot,
        outFile: path.join(input.tmpDir, file.name),
        tensors: tensors.map((t) => ({ source: t.source, dtype: t.dtype, permuteHeads: t.permuteHeads, fileOffset: t.fileOffset, nbytes: t.nbytes })),
        hash: input.verify,
        ...(input.faults?.write ? { fault: input.faults.write } : {}),
      },
    })),
  );
}

/** Runs every call; on the first failure cancels the rest, waits for them, and throws it. */
async function runAll<T>(calls: Array<(signal: AbortSignal) => Promise<T>>, outer: AbortSignal): Promise<T[]> {
  const inner = new AbortController();
  setMaxListeners(0, inner.signal); // one listener per queued call, removed as each settles
  const onAbort = (): void => inner.abort();
  outer.addEventListener('abort', onAbort, { once: true });
  try {
    const settled = await Promise.allSettled(
      calls.map((c) =>
        c(inner.signal).catch((e: unknown) => {
          inner.abort();
          throw e;
        }),
      ),
    );
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    if (failures.length > 0) {
      // A real error beats the cancellations it caused.
      throw failures.find((e) => !(e instanceof FormatError && e.code === 'CANCELLED')) ?? failures[0];
    }
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  } finally {
    outer.removeEventListener('abort', onAbort);
  }
}

async function createOutputFiles(input: ExecuteInput): Promise<ConvertedFile[]> {
  const out: ConvertedFile[] = [];
  for (const f of input.plan.files) {
    const fh = await open(path.join(input.tmpDir, f.name), 'wx');
    try {
      await fh.write(f.header, 0, f.header.length, 0);
      await fh.truncate(f.fileBytes);
    } finally {
      await fh.close();
    }
    out.push({ name: f.name, bytes: f.fileBytes, tensors: f.tensors.length });
  }
  if (input.plan.index !== null) {
    const bytes = Buffer.from(input.plan.index.text, 'utf8');
    await writeFile(path.join(input.tmpDir, input.plan.index.name), bytes, { flag: 'wx' });
    out.push({ name: input.plan.index.name, bytes: bytes.length, tensors: 0 });
  }
  for (const [name, from] of Object.entries(input.plan.extraFiles)) {
    const to = path.join(input.tmpDir, name);
    await copyFile(from, to);
    out.push({ name, bytes: (await stat(to)).size, tensors: 0 });
  }
  return out;
}

export async function executePlan(input: ExecuteInput): Promise<ExecuteResult> {
  const { plan, signal, report } = input;
  const files = await createOutputFiles(input);
  const groups = groupJobs(input);
  const pool = new WorkerPool<ConvertWorkerApi>({
    module: 'convert.worker',
    size: Math.max(1, Math.min(input.threads, groups.length)),
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GEN_MB },
  });
  try {
    let bytes = 0;
    let tensors = 0;
    report('write', 0, plan.totalSize, 0, true);
    // Without --sync: no background flushes and no final fsync; the kernel writes the pages back later.
    const writeback = input.sync ? createWriteback() : null;
    const results = await runAll(
      groups.map((g) => async (s: AbortSignal) => {
        let reported = 0;
        const r = await pool.call('write', g.job, {
          signal: s,
          onProgress: (n) => {
            reported += n;
            bytes += n;
            writeback?.note(g.job.outFile, n);
            report('write', bytes, plan.totalSize, tensors);
          },
        });
        bytes += r.bytes - reported;
        writeback?.note(g.job.outFile, r.bytes - reported);
        tensors += g.tensors.length;
        report('write', bytes, plan.totalSize, tensors);
        return r;
      }),
      signal,
    );
    report('write', plan.totalSize, plan.totalSize, plan.tensorCount, true);

    if (writeback !== null) {
      report('sync', 0, plan.totalSize, plan.tensorCount, true);
      await writeback.drain();
      await Promise.all(files.map((f) => fsyncPath(path.join(input.tmpDir, f.name))));
    }

    if (!input.verify) return { files, verified: false };
    if (signal.aborted) throw new FormatError('CANCELLED', 'cancelled');
    await input.faults?.beforeVerify?.(input.tmpDir);
    const intended = new Map<string, string>();
    groups.forEach((g, i) => g.tensors.forEach((t, j) => intended.set(t.name, results[i]!.hashes[j]!)));
    await verifyOutput(input, pool, intended);
    return { files, verified: true };
  } finally {
    await pool.close();
  }
}

/** Reads the temp folder back with the project's own reader and compares every tensor's sha256. */
async function verifyOutput(input: ExecuteInput, pool: WorkerPool<ConvertWorkerApi>, intended: ReadonlyMap<string, string>): Promise<void> {
  const { plan, report } = input;
  const fail = (message: string, file?: string, key?: string): FormatError =>
    new FormatError('VERIFY_FAILED', `verification failed: ${message}; nothing was kept`, { ...(file ? { file } : {}), ...(key ? { key } : {}) });
  let written;
  try {
    written = await openCheckpoint(input.tmpDir);
  } catch (e) {
    throw fail(`the output does not read back: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const fileOf = new Map<string, string>();
    for (const f of plan.files) for (const t of f.tensors) fileOf.set(t.name, f.name);
    const byName = new Map(written.model.entries.map((e) => [e.key, e]));
    const entries: TensorEntry[] = [];
    for (const f of plan.files) {
      for (const t of f.tensors) {
        const e = byName.get(t.name);
        if (e === undefined || e.kind !== 'tensor') throw fail(`tensor "${t.name}" is missing from the output`, f.name, t.name);
        if (e.dtype !== t.dtype || e.shape.join() !== t.shape.join()) {
          throw fail(`tensor "${t.name}" reads back as ${e.dtype} [${e.shape.join(', ')}], not ${t.dtype} [${t.shape.join(', ')}]`, f.name, t.name);
        }
        entries.push(e);
      }
    }
    if (written.model.entries.length !== entries.length) throw fail(`the output holds ${written.model.entries.length} entries, ${entries.length} were written`);

    const jobs = batchBySize(entries, nbytesOf, JOB_TARGET_BYTES, JOB_MAX_TENSORS);

    let done = 0;
    let tensors = 0;
    report('verify', 0, plan.totalSize, 0, true);
    const hashes = await runAll(
      jobs.map((job) => async (s: AbortSignal) => {
        const r = await pool.call('hash', { folderRoot: written.folder.root, entries: job }, {
          signal: s,
          onProgress: (n) => {
            done += n;
            report('verify', done, plan.totalSize, tensors);
          },
        });
        tensors += job.length;
        return r.hashes;
      }),
      input.signal,
    );
    const bad: string[] = [];
    jobs.forEach((job, i) =>
      job.forEach((e, j) => {
        if (hashes[i]![j] !== intended.get(e.key)) bad.push(e.key);
      }),
    );
    if (bad.length > 0) {
      const first = bad[0]!;
      const more = bad.length > 1 ? ` (and ${bad.length - 1} more)` : '';
      throw fail(`tensor "${first}" in ${fileOf.get(first)} reads back with sha256 ${hashes.flat()[entries.findIndex((e) => e.key === first)]}, but ${intended.get(first)} was written${more}`, fileOf.get(first), first);
    }
    report('verify', plan.totalSize, plan.totalSize, plan.tensorCount, true);
  } finally {
    await written.close();
  }
}
