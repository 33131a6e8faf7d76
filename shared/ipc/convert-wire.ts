// What the convert dialog sends and what comes back. The request carries the choices the dialog
// offers (the ones users of this field reach for); the Node side maps them onto the convert
// service's own ConvertOptions, so the service can grow options without changing the wire.

import type { CastTarget, ConvertSummary } from '../model/convert';

/** The cast targets convert accepts (shared/model/convert.ts CastTarget). */
export const CAST_TARGETS = ['bfloat16', 'float16', 'float32', 'float64'] as const satisfies readonly CastTarget[];

export const CONVERT_PRESETS = ['torchtitan-llama'] as const;
export type ConvertPreset = (typeof CONVERT_PRESETS)[number];

export interface ConvertRequest {
  /** The new folder to create (it must not exist unless `replaceExisting`). */
  readonly destination: string;
  /** Keep the model's weights only (drop optimizer, schedulers, non-tensor items). */
  readonly modelOnly: boolean;
  /** Cast floating tensors to this dtype; null keeps each tensor's own. */
  readonly dtype: CastTarget | null;
  /** Largest shard in bytes; null for the default (5 GB, as Hugging Face writes). */
  readonly maxShardBytes: number | null;
  /** Rename keys for a model family; needs `configPath` (the HF config.json). */
  readonly preset: ConvertPreset | null;
  readonly configPath: string | null;
  /** Read the output back and compare every tensor's sha256 with the source's. */
  readonly verify: boolean;
  readonly replaceExisting: boolean;
}

export type ConvertOutcome = ConvertSummary;
