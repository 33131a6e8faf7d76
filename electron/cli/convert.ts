// `shardscope convert SRC DST [options]`: any layout `inspect` reads → Hugging Face safetensors
// (model.safetensors, or model-0000k-of-0000N.safetensors + model.safetensors.index.json).
// Exit codes: 0 written; 1 --verify found a difference (nothing kept); 2 bad input, usage,
// an existing DST without --force, a full disk, or cancelled (Ctrl-C).

import { type Command, Option } from 'commander';
import { type CliContext, EXIT_BAD_INPUT, EXIT_DIFFERENT, EXIT_OK } from './context';
import { withSigintAbort } from './interrupt';
import { createProgressReporter, parseProgressMode, type ProgressReporter } from './progress';
import { presetNames } from '../services/presets';
import { FormatError, describeError, toAppError } from '../../shared/errors';
import type { CastTarget, ConvertOptions, ConvertSummary, SkipReason } from '../../shared/model/convert';
import { formatBytes } from '../../shared/model/tree';

interface ConvertFlags {
  maxShardSize: string;
  dtype?: string;
  modelOnly?: boolean;
  include: string[];
  exclude: string[];
  preset?: string;
  config?: string;
  verify?: boolean;
  force?: boolean;
  /** true with --sync; false with --no-sync (the default, kept for scripts written for 0.x). */
  sync?: boolean;
  threads?: string;
  progress?: string;
  quiet?: boolean;
}

/** The names people type for float dtypes, torch's first. */
const DTYPE_ALIASES: Readonly<Record<string, CastTarget>> = {
  bfloat16: 'bfloat16', bf16: 'bfloat16',
  float16: 'float16', fp16: 'float16', f16: 'float16', half: 'float16',
  float32: 'float32', fp32: 'float32', f32: 'float32', float: 'float32',
  float64: 'float64', fp64: 'float64', f64: 'float64', double: 'float64',
};

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerConvert(program: Command, ctx: CliContext): void {
  program
    .command('convert')
    .description('write a checkpoint (DCP, per-rank HF shards or safetensors) as Hugging Face safetensors, streaming and atomically')
    .argument('<src>', 'the checkpoint: a DCP folder, per-rank HF shards, a safetensors file or sharded folder')
    .argument('<dst>', 'a new folder for the output (written beside it, then renamed into place)')
    .option('--max-shard-size <size>', 'largest output file, Hugging Face syntax (5GB, 500MB, 1GiB)', '5GB')
    .option('--dtype <dtype>', 'cast floating tensors: bf16, fp16, fp32, fp64 (torch rounding)')
    .option('--model-only', 'drop optimizer, lr_scheduler, train_state, dataloader and non-tensor items; strip a shared "model." prefix')
    .option('--include <regex>', 'keep only tensors whose source key matches (repeatable)', collect, [])
    .option('--exclude <regex>', 'drop tensors whose source key matches (repeatable)', collect, [])
    .addOption(new Option('--preset <name>', 'rename keys for a Hugging Face model class (implies --model-only)').choices(presetNames()))
    .option('--config <config.json>', "the model's Hugging Face config.json (with --preset); copied into DST")
    .option('--verify', "read the output back and compare every tensor's sha256 with what was written")
    .option('--force', 'replace an existing DST, once the new output is complete')
    .option('--threads <n>', 'worker threads (default: min(4, cores))')
    .option('--sync', 'flush the output to disk (fsync) before the rename, as DCP\'s writer does, so that a power loss cannot leave zero-filled files; without it, as cp and save_file, the output is still atomic if the process dies')
    .addOption(new Option('--no-sync', 'the default: leave flushing to the kernel').hideHelp())
    .addOption(new Option('--progress <mode>', 'progress on stderr').choices(['bar', 'json', 'none']).default('bar'))
    .option('--quiet', 'print nothing but errors')
    .action(async (src: string, dst: string, flags: ConvertFlags) => {
      ctx.exitCode = await runConvert(ctx, src, dst, flags);
    });
}

function toOptions(f: ConvertFlags): ConvertOptions {
  let dtype: CastTarget | null = null;
  if (f.dtype !== undefined) {
    const d = DTYPE_ALIASES[f.dtype.toLowerCase()];
    if (d === undefined) throw new FormatError('BAD_REQUEST', `--dtype ${JSON.stringify(f.dtype)}: use bf16, fp16, fp32 or fp64 (or torch's names)`);
    dtype = d;
  }
  let threads: number | undefined;
  if (f.threads !== undefined) {
    threads = /^\d+$/.test(f.threads) ? Number(f.threads) : NaN;
    if (!Number.isSafeInteger(threads)) throw new FormatError('BAD_REQUEST', `--threads ${JSON.stringify(f.threads)}: give a whole number`);
  }
  if (f.config !== undefined && f.preset === undefined) throw new FormatError('BAD_REQUEST', '--config is only used with --preset');
  return {
    maxShardSize: f.maxShardSize,
    dtype,
    modelOnly: f.modelOnly === true,
    include: f.include,
    exclude: f.exclude,
    preset: f.preset !== undefined ? { name: f.preset, configPath: f.config ?? '' } : null,
    verify: f.verify === true,
    force: f.force === true,
    sync: f.sync === true,
    ...(threads !== undefined ? { threads } : {}),
  };
}

export async function runConvert(ctx: CliContext, src: string, dst: string, flags: ConvertFlags): Promise<number> {
  return withSigintAbort(async (signal) => {
    let progress: ProgressReporter = { update: () => undefined, finish: () => undefined };
    try {
      const mode = parseProgressMode(flags.progress, flags.quiet === true);
      progress = createProgressReporter(ctx, mode, 'convert');
      // Loaded here, not at the top: `shardscope inspect` should not pay for convert's modules.
      const { convertCheckpoint } = await import('../services/convert/convert-checkpoint');
      const summary = await convertCheckpoint(src, dst, toOptions(flags), {
        signal,
        onProgress: (p) =>
          progress.update({ phase: p.phase, done: p.bytesDone, total: p.bytesTotal, extra: { tensorsDone: p.tensorsDone, tensorsTotal: p.tensorsTotal } }),
      });
      progress.finish({ ...summary });
      if (flags.quiet !== true) ctx.stdout.write(describeSummary(summary));
      return EXIT_OK;
    } catch (e) {
      progress.finish();
      const err = toAppError(e);
      ctx.stderr.write(`shardscope: ${describeError(err)}\n`);
      return err.code === 'VERIFY_FAILED' ? EXIT_DIFFERENT : EXIT_BAD_INPUT;
    }
  });
}

const REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  'non-tensor': 'non-tensor items (safetensors holds tensors only)',
  'training-state': 'training-state items (--model-only)',
  'not-included': 'tensors not matched by --include',
  excluded: 'tensors matched by --exclude',
  preset: 'tensors the preset does not map',
};

/** Names shown per skip reason before "…". */
const SKIPPED_SHOWN = 5;

export function describeSummary(s: ConvertSummary): string {
  const secs = s.elapsedMs / 1000;
  const mbps = secs > 0 ? s.dataBytes / 1e6 / secs : 0;
  const rate = `${mbps >= 100 ? mbps.toFixed(0) : mbps.toPrecision(2)} MB/s`;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    `wrote ${s.dst}: ${plural(s.files.length, 'file')}, ${plural(s.tensors, 'tensor')}, ${formatBytes(s.bytesWritten)} in ${secs.toFixed(2)} s (${rate}, ${plural(s.threads, 'thread')})`,
  ];
  const nameWidth = Math.max(...s.files.map((f) => f.name.length));
  for (const f of s.files) lines.push(`  ${f.name.padEnd(nameWidth)}  ${formatBytes(f.bytes).padStart(10)}${f.tensors > 0 ? `  ${plural(f.tensors, 'tensor')}` : ''}`);
  if (s.renamed > 0) lines.push(`renamed ${plural(s.renamed, 'tensor')}`);
  if (s.cast > 0) lines.push(`cast ${plural(s.cast, 'tensor')}`);
  const byReason = new Map<SkipReason, string[]>();
  for (const k of s.skipped) byReason.set(k.reason, [...(byReason.get(k.reason) ?? []), k.pythonType ? `${k.key} (${k.pythonType})` : k.key]);
  for (const [reason, keys] of byReason) {
    const shown = keys.slice(0, SKIPPED_SHOWN).join(', ');
    lines.push(`skipped ${keys.length} ${REASON_TEXT[reason]}: ${shown}${keys.length > SKIPPED_SHOWN ? ', …' : ''}`);
  }
  if (s.verified) lines.push(`verified: all ${s.tensors} tensors read back with the sha256 that was written`);
  return `${lines.join('\n')}\n`;
}
