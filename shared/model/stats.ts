// Summary statistics of one tensor's values, as plain data (crosses IPC to the stats view).
// Computed by electron/services/tensor-data/stats.ts, in float64, streaming over blocks.

/** Equal-width bins over [lo, hi); every finite value falls in one of them (hi > max). */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  /** counts[i] = values in [lo + i·w, lo + (i+1)·w), w = (hi − lo) / counts.length. The range grows by doubling as values arrive, so it may reach up to about twice past the data. */
  readonly counts: readonly number[];
}

export interface TensorStats {
  /** Elements seen. */
  readonly count: number;
  readonly nan: number;
  /** +inf and −inf together. */
  readonly inf: number;
  readonly finite: number;
  /** Over the finite values; null when there are none. */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Population standard deviation (ddof = 0, as numpy's default), over the finite values. */
  readonly std: number | null;
  /** Null when there are no finite values. */
  readonly histogram: Histogram | null;
}
