// Which checkpoint entries become output tensors, and under which names. Pure.
//
// Order of the rules, each reported in `skipped` with its reason:
//  1. non-tensor items (safetensors holds tensors only), and with --model-only, everything under
//     a training-state root (optimizer, lr_scheduler, train_state, dataloader, …);
//  2. --include (keep if any pattern matches the source key) then --exclude;
//  3. with --model-only, a `model.` prefix that every model tensor shares is stripped (computed
//     before include/exclude, so those never change the output names);
//  4. a preset maps the name (null: not a weight of that model).

import type { CheckpointModel, Entry, TensorEntry } from '../../../shared/model/checkpoint';
import type { SkippedItem } from '../../../shared/model/convert';
import type { Preset } from '../presets';

/**
 * Top-level names of training state, as torchtitan, torch.distributed.checkpoint examples,
 * accelerate and Lightning save them, plus TransformerEngine's per-module `_extra_state`.
 */
export const TRAINING_STATE_ROOTS: ReadonlySet<string> = new Set([
  'optimizer', 'optimizers', 'optim', 'optimizer_state', 'optim_state', 'optimizer_states',
  'lr_scheduler', 'lr_schedulers', 'scheduler', 'schedulers',
  'train_state', 'trainer_state', 'training_state',
  'dataloader', 'dataloaders', 'data_loader',
  'rng_state', 'rng_states', 'extra_state', '_extra_state',
]);

const MODEL_PREFIX = 'model.';

export interface SelectOptions {
  readonly modelOnly: boolean;
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  readonly preset: Preset | null;
}

export interface SelectedTensor {
  readonly entry: TensorEntry;
  /** Output name. */
  readonly name: string;
  /** RoPE head permutation from the preset, or null. */
  readonly permuteHeads: number | null;
}

export interface Selection {
  readonly selected: readonly SelectedTensor[];
  readonly skipped: readonly SkippedItem[];
}

/** The entry's top-level name: its first path element, or the key's first dotted part. */
function rootName(e: Entry): string {
  if (e.path.length > 1) return String(e.path[0]);
  return e.key.split('.')[0] ?? e.key;
}

function isTrainingState(e: Entry): boolean {
  const last = e.path.length > 0 ? String(e.path[e.path.length - 1]) : e.key;
  return TRAINING_STATE_ROOTS.has(rootName(e)) || last === '_extra_state' || e.key.endsWith('._extra_state');
}

export function selectTensors(model: CheckpointModel, opts: SelectOptions): Selection {
  const skipped: SkippedItem[] = [];
  const kept: TensorEntry[] = [];
  const modelOnly = opts.modelOnly || opts.preset !== null;
  for (const e of model.entries) {
    if (modelOnly && isTrainingState(e)) {
      skipped.push(e.kind === 'object' ? { key: e.key, reason: 'training-state', pythonType: e.pythonType } : { key: e.key, reason: 'training-state' });
    } else if (e.kind === 'object') {
      skipped.push({ key: e.key, reason: 'non-tensor', pythonType: e.pythonType });
    } else {
      kept.push(e);
    }
  }

  const strip = modelOnly && kept.length > 0 && kept.every((e) => e.key.startsWith(MODEL_PREFIX) && e.key.length > MODEL_PREFIX.length);

  const selected: SelectedTensor[] = [];
  for (const entry of kept) {
    if (opts.include.length > 0 && !opts.include.some((re) => re.test(entry.key))) {
      skipped.push({ key: entry.key, reason: 'not-included' });
      continue;
    }
    if (opts.exclude.some((re) => re.test(entry.key))) {
      skipped.push({ key: entry.key, reason: 'excluded' });
      continue;
    }
    const name = strip ? entry.key.slice(MODEL_PREFIX.length) : entry.key;
    if (opts.preset === null) {
      selected.push({ entry, name, permuteHeads: null });
      continue;
    }
    const m = opts.preset.map(name);
    if (m === null) {
      skipped.push({ key: entry.key, reason: 'preset' });
      continue;
    }
    selected.push({ entry, name: m.target, permuteHeads: m.permute?.heads ?? null });
  }
  return { selected, skipped };
}
