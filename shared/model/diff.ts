// The result of comparing two checkpoints (`shardscope diff`, the app's compare view), as plain
// data: it survives structured clone and JSON. Built by electron/services/diff/.
//
// Equality rules (also printed by the CLI's help):
// - Bitwise (default): two elements are equal when their bit patterns are equal, or when both
//   are NaN (any payload). So -0.0 and +0.0 differ, and a tensor is "same" exactly when its bytes
//   are equal up to NaN payloads.
// - Tolerance (--atol / --rtol; a missing one is 0): numpy.isclose with equal_nan=True:
//   equal when both are NaN, or a == b (this covers infinities of the same sign), or both are
//   finite and |a − b| <= atol + rtol·|b|. B is the reference side, as numpy's second argument.
// - --dtype-insensitive: both sides are cast to float32 first (round to nearest even), then one of
//   the rules above applies; a dtype difference alone is then not a change.
//
// Figures, over the whole tensor (after the cast, when there is one):
// - nDifferent: elements that are not equal under the active rule.
// - maxAbsDiff, meanAbsDiff: of |a − b| over positions where both values are finite (mean
//   divides by the number of such positions); NaN/Inf positions show in the counts instead.
// - maxRelDiff: max of |a − b| / |b| over positions where both are finite and b ≠ 0 (the rtol a
//   tolerance comparison would need when atol = 0); positions with b = 0 show in maxAbsDiff.
// - cosine: Σab / sqrt(Σa²·Σb²) over positions where both are finite, computed in float64;
//   null when either sum of squares is 0 or overflows.
// - nanA/infA/nanB/infB: NaN and ±Inf counts on each side.

import type { DType } from './dtype';
import type { CheckpointFormat } from './checkpoint';

export interface DiffOptions {
  /** Absolute tolerance. Either tolerance switches the comparison from bitwise to numpy.isclose. */
  readonly atol?: number;
  /** Relative tolerance (relative to B). */
  readonly rtol?: number;
  /** Compare values after casting both sides to float32; dtype differences alone don't count. */
  readonly dtypeInsensitive?: boolean;
  /** Keep model tensors only (as `convert --model-only`) on both sides, then compare. */
  readonly modelOnly?: boolean;
  /** A key mapping applied to A (e.g. 'torchtitan-llama'), with the HF config it needs. */
  readonly preset?: string;
  readonly config?: string;
  /** Worker threads; 0 compares in the calling thread. Default: up to 4, one per core. */
  readonly threads?: number;
}

export type DiffChangeKind =
  | 'dtype'    // same key, different dtype (values are still compared when the shapes match)
  | 'shape'    // same key, different shape: values are not compared
  | 'values'   // same dtype (or --dtype-insensitive) and shape, some elements differ
  | 'kind'     // a tensor on one side, a non-tensor item on the other
  | 'object';  // non-tensor items whose Python type or repr differ

export interface ValueFigures {
  readonly numel: number;
  readonly nDifferent: number;
  readonly maxAbsDiff: number;
  readonly meanAbsDiff: number;
  readonly maxRelDiff: number;
  readonly cosine: number | null;
  readonly nanA: number;
  readonly infA: number;
  readonly nanB: number;
  readonly infB: number;
}

export interface DiffChange {
  /** The compared key (B's name; A's after --model-only stripping or preset mapping). */
  readonly key: string;
  /** A's own key, when a preset or --model-only renamed it. */
  readonly keyA?: string;
  readonly change: DiffChangeKind;
  readonly dtypeA?: DType;
  readonly dtypeB?: DType;
  readonly shapeA?: readonly number[];
  readonly shapeB?: readonly number[];
  /** For 'object' and 'kind': what each side holds (repr, or `tensor float32 [2, 3]`). */
  readonly reprA?: string;
  readonly reprB?: string;
  /** Present when values were compared ('values', and 'dtype' with equal shapes). */
  readonly figures?: ValueFigures;
}

export interface DiffSide {
  readonly path: string;
  readonly format: CheckpointFormat;
  /** Entries compared from this side (after --model-only and the preset). */
  readonly entries: number;
}

export interface DiffReport {
  readonly a: DiffSide;
  readonly b: DiffSide;
  /** No key only on one side and no change. */
  readonly identical: boolean;
  /** Sorted. A's keys after renaming (A's own key shown in `changed[].keyA` when it differs). */
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  /** Most different first: kind, shape, dtype, object changes, then values by share of differing elements. */
  readonly changed: readonly DiffChange[];
  /** Keys present on both sides and equal under the rule. */
  readonly same: number;
  /**
   * Sorted keys counted in `same` whose bytes are not identical: equal only within the tolerance,
   * after the float32 cast, or up to NaN payloads. Every other `same` tensor is bitwise equal.
   * (Optional only so that hand-built reports in tests need not list it; the service always sets it.)
   */
  readonly sameNotBitwise?: readonly string[];
  /** A's keys the preset maps to nothing (not compared, not counted as differences). */
  readonly skippedA: readonly string[];
  readonly rule: DiffRule;
  /** Tensor bytes read from both sides. */
  readonly bytesRead: number;
}

export interface DiffRule {
  /** null: bitwise. */
  readonly tolerance: { readonly atol: number; readonly rtol: number } | null;
  readonly dtypeInsensitive: boolean;
  readonly modelOnly: boolean;
  readonly preset: string | null;
}

export interface DiffProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
}
