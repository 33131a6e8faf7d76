// The histogram as plotted: the accumulator's bins grow by doubling (tensor-data/stats.ts), so
// its range can reach past the data; plot only the bins from the first to the last non-empty one.

import type { Histogram } from '../../shared/model/stats';

export interface PlotBins {
  /** Bin centers. */
  readonly xs: number[];
  readonly counts: number[];
  readonly lo: number;
  readonly hi: number;
}

export function plotBins(h: Histogram): PlotBins {
  const n = h.counts.length;
  const width = n > 0 ? (h.hi - h.lo) / n : 0;
  let first = h.counts.findIndex((c) => c > 0);
  let last = n - 1;
  while (last > 0 && (h.counts[last] ?? 0) === 0) last--;
  if (first < 0) first = 0;
  const xs: number[] = [];
  const counts: number[] = [];
  for (let i = first; i <= last; i++) {
    xs.push(h.lo + (i + 0.5) * width);
    counts.push(h.counts[i] ?? 0);
  }
  return { xs, counts, lo: h.lo + first * width, hi: h.lo + (last + 1) * width };
}
