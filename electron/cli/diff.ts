// `shardscope diff A B [options]`: compare two checkpoints of any layouts, tensor by tensor.
// Exit codes as diff(1): 0 identical (within tolerance), 1 different, 2 error.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { type CliContext, EXIT_BAD_INPUT, EXIT_DIFFERENT, EXIT_OK } from './context';
import { withSigintAbort } from './interrupt';
import type { DiffOptions } from '../../shared/model/diff';
import { createProgressReporter, parseProgressMode, type ProgressReporter } from './progress';
import { describeError, toAppError } from '../../shared/errors';

interface DiffCliOptions {
  atol?: number;
  rtol?: number;
  dtypeInsensitive?: boolean;
  preset?: string;
  config?: string;
  modelOnly?: boolean;
  json?: boolean;
  threads?: number;
  progress?: string;
  quiet?: boolean;
}

export function registerDiff(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description('compare two checkpoints (DCP, safetensors, DCP per-rank HF shards, in any mix), tensor by tensor')
    .argument('<a>', 'the first checkpoint (a folder or a safetensors file)')
    .argument('<b>', 'the second checkpoint; with --preset, the Hugging Face side')
    .option('--atol <x>', 'absolute tolerance: equal when |a-b| <= atol + rtol*|b| (numpy.isclose, NaN equals NaN); default: bitwise', nonNegative)
    .option('--rtol <x>', 'relative tolerance (relative to B); a missing --atol or --rtol is 0', nonNegative)
    .option('--dtype-insensitive', 'cast both sides to float32 before comparing; a dtype difference alone is not a change')
    .option('--preset <name>', "map A's keys (and the q/k RoPE permutation) as `convert --preset` does, e.g. torchtitan-llama")
    .option('--config <file>', "the Hugging Face config.json the preset needs (head counts)")
    .option('--model-only', 'compare model tensors only: drop optimizer, lr_scheduler, train_state, dataloader and non-tensor items, strip a shared "model." prefix')
    .option('--json', 'print {"identical", "only_a", "only_b", "changed", "same", …} as JSON')
    .option('--threads <n>', 'worker threads (0: none); default: one per core, at most 4', wholeNumber)
    .addOption(new Option('--progress <mode>', 'progress on stderr: a bar (on a terminal), JSON lines, or none').choices(['bar', 'json', 'none']).default('bar'))
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nBitwise (default): elements are equal when their bits are equal or both are NaN (so -0 and +0 differ).\n' +
        'Figures: max/mean |a-b| and max |a-b|/|b| over positions where both are finite (b != 0 for the relative one);\n' +
        'cosine over finite positions; NaN/Inf counted per side.\n' +
        'Exit status: 0 identical, 1 different, 2 error.',
    )
    .action(async (a: string, b: string, opts: DiffCliOptions) => {
      ctx.exitCode = await runDiff(ctx, a, b, opts);
    });
}

export async function runDiff(ctx: CliContext, a: string, b: string, opts: DiffCliOptions): Promise<number> {
  return withSigintAbort(async (signal) => {
    let progress: ProgressReporter = { update: () => undefined, finish: () => undefined };
    try {
      progress = createProgressReporter(ctx, parseProgressMode(opts.progress, opts.quiet === true), 'diff');
      const options: DiffOptions = {
        ...(opts.atol !== undefined ? { atol: opts.atol } : {}),
        ...(opts.rtol !== undefined ? { rtol: opts.rtol } : {}),
        ...(opts.dtypeInsensitive ? { dtypeInsensitive: true } : {}),
        ...(opts.modelOnly ? { modelOnly: true } : {}),
        ...(opts.preset !== undefined ? { preset: opts.preset } : {}),
        ...(opts.config !== undefined ? { config: opts.config } : {}),
        ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      };
      // Loaded here, not at the top: other commands should not pay for diff's modules.
      const { diffCheckpoints } = await import('../services/diff/diff-checkpoints');
      const { formatText, toJson } = await import('../services/diff/report');
      const report = await diffCheckpoints(a, b, options, {
        signal,
        onProgress: (p) =>
          progress.update({ phase: 'compare', done: p.bytesDone, total: p.bytesTotal, extra: { tensorsDone: p.tensorsDone, tensorsTotal: p.tensorsTotal } }),
      });
      progress.finish({ identical: report.identical, changed: report.changed.length, onlyA: report.onlyA.length, onlyB: report.onlyB.length, same: report.same });
      ctx.stdout.write(opts.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : formatText(report));
      return report.identical ? EXIT_OK : EXIT_DIFFERENT;
    } catch (e) {
      progress.finish();
      ctx.stderr.write(`shardscope: ${describeError(toAppError(e))}\n`);
      return EXIT_BAD_INPUT;
    }
  });
}

// ---------------------------------------------------------------- option parsers

function nonNegative(v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${v}"`);
  return x;
}

function wholeNumber(v: string): number {
  const x = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(x)) throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${v}"`);
  return x;
}

