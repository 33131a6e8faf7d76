// `shardscope inspect PATH [--json] [--hash]`

import type { Command } from 'commander';
import { type CliContext, EXIT_BAD_INPUT } from './context';
import { withSigintAbort } from './interrupt';
import { listCheckpoint, locateError, openCheckpoint } from '../services/inspect/open';
import { type CheckpointListing, listingOf } from '../../shared/model/checkpoint';
import { describeError, toAppError } from '../../shared/errors';
import { printTree } from './print-tree';
import { writeInspectJson } from './inspect-json';

export function registerInspect(program: Command, ctx: CliContext): void {
  program
    .command('inspect')
    .description('show the keys, dtypes, shapes, sizes and sharding of a checkpoint')
    .argument('<path>', 'a DCP folder, a safetensors file, or a sharded safetensors folder')
    .option('--json', 'print {"format", "entries": {key: entry}} as JSON')
    .option('--hash', 'add each tensor\'s sha256 (of its full C-contiguous bytes), streamed')
    .action(async (target: string, opts: { json?: boolean; hash?: boolean }) => {
      ctx.exitCode = await runInspect(ctx, target, { json: opts.json === true, hash: opts.hash === true });
    });
}

export interface InspectOptions {
  readonly json: boolean;
  readonly hash: boolean;
}

export async function runInspect(ctx: CliContext, target: string, opts: InspectOptions): Promise<number> {
  return withSigintAbort(async (signal) => {
    try {
      // Without --hash, the listing: checked as fully, but no chunk sources are built.
      const { listing, hashes } = opts.hash ? await withHashes(target, signal) : { listing: await listCheckpoint(target), hashes: null };
      if (opts.json) writeInspectJson(ctx.stdout, listing, hashes);
      else printTree(ctx.stdout, listing, hashes);
      for (const d of listing.diagnostics) {
        if (d.severity !== 'info') ctx.stderr.write(`shardscope: ${d.severity}: ${describeError({ code: 'CORRUPT', ...d })}\n`);
      }
      return 0;
    } catch (e) {
      ctx.stderr.write(`shardscope: ${describeError(toAppError(e))}\n`);
      return EXIT_BAD_INPUT;
    }
  });
}

/** The full model, its listing, and every tensor's sha256. */
async function withHashes(target: string, signal: AbortSignal): Promise<{ listing: CheckpointListing; hashes: ReadonlyMap<string, string> }> {
  const ck = await openCheckpoint(target);
  try {
    const { hashAllTensors } = await import('../services/inspect/hash-all');
    const hashes = await hashAllTensors(ck.model, ck.folder, signal).catch((e: unknown) => {
      throw locateError(e, ck.folder.root);
    });
    return { listing: listingOf(ck.model), hashes };
  } finally {
    await ck.close();
  }
}
