// Streaming statistics over a tensor's bytes, block by block, in float64: counts of NaN / ±inf,
// and min, max, mean, std and a fixed-bin histogram over the finite values.
//
// Why this shape: tensors are read in bounded blocks (readTensorBlocks), so the statistics must
// merge per-block partial results. The mean uses a compensated (Neumaier) running sum, and the
// variance merges per-block two-pass M2 values (Chan et al.'s parallel update), which keeps
// both accurate to ~1e-15 relative on tensors of any length. The histogram cannot know the
// range in advance; it starts from the first block's range and, when a value falls outside,
// doubles its span and merges bins in pairs, so bin edges stay exact unions of earlier bins
// and no value is ever re-read.
//
// Usage:
//   const acc = createStatsAccumulator('bfloat16');
//   for await (const block of readTensorBlocks(folder, entry)) acc.push(block);
//   const stats = acc.result();

import type { DType } from '../../../shared/model/dtype';
import type { TensorStats } from '../../../shared/model/stats';
import { decodeToFloat64, elementCount } from './decode';

export type { TensorStats, Histogram } from '../../../shared/model/stats';

/** Enough resolution for a plot in the details pane; must be even (bins merge in pairs). */
export const DEFAULT_HISTOGRAM_BINS = 64;

/** Initial bin width relative to the value when the first block holds one distinct value. */
const DEGENERATE_SPAN = 2 ** -20;
/** Bins are half-open, so the first range is widened by this factor to hold its maximum. */
const SPAN_MARGIN = 1 + 2 ** -20;

export interface StatsOptions {
  /** Number of histogram bins, even, ≥ 2. */
  readonly bins?: number;
}

export interface StatsAccumulator {
  /** Add a block of little-endian element bytes (a whole number of elements). */
  push(block: Uint8Array): void;
  /** Statistics over everything pushed so far. Can be called more than once. */
  result(): TensorStats;
}

export function createStatsAccumulator(dtype: DType, options: StatsOptions = {}): StatsAccumulator {
  return new Accumulator(dtype, options.bins ?? DEFAULT_HISTOGRAM_BINS);
}

class Accumulator implements StatsAccumulator {
  private count = 0;
  private nan = 0;
  private inf = 0;
  private finite = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private comp = 0; // Neumaier compensation for `sum`
  private runMean = 0; // Chan's running mean and M2, for the variance
  private m2 = 0;
  private scratch = new Float64Array(0);
  private readonly hist: BinnedRange;

  constructor(private readonly dtype: DType, bins: number) {
    if (!Number.isInteger(bins) || bins < 2 || bins % 2 !== 0) throw new RangeError(`histogram bins must be an even integer ≥ 2, got ${bins}`);
    this.hist = new BinnedRange(bins);
  }

  push(block: Uint8Array): void {
    const n = elementCount(this.dtype, block);
    if (n === 0) return;
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    const v = decodeToFloat64(this.dtype, block, this.scratch);
    this.count += n;

    // Pass 1: classes, extremes and the block's compensated sum.
    let bn = 0, bmin = Infinity, bmax = -Infinity, s = 0, c = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i] as number;
      if (x - x !== 0) {
        // x − x is NaN exactly for NaN and ±inf.
        if (x !== x) this.nan++;
        else this.inf++;
        continue;
      }
      bn++;
      if (x < bmin) bmin = x;
      if (x > bmax) bmax = x;
      const t = s + x;
      c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
      s = t;
    }
    if (bn === 0) return;
    this.addToSum(s);
    this.addToSum(c);
    if (bmin < this.min) this.min = bmin;
    if (bmax > this.max) this.max = bmax;

    // Pass 2: the block's M2 around its own mean, then Chan's merge into the running totals.
    const bmean = (s + c) / bn;
    let bm2 = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i] as number;
      if (x - x !== 0) continue;
      const d = x - bmean;
      bm2 += d * d;
    }
    const total = this.finite + bn;
    const delta = bmean - this.runMean;
    this.runMean += (delta * bn) / total;
    this.m2 += bm2 + (delta * delta * this.finite * bn) / total;
    this.finite = total;

    // Pass 3: the histogram, after widening it to cover this block.
    this.hist.cover(bmin, bmax);
    this.hist.addAll(v, n);
  }

  private addToSum(x: number): void {
    const t = this.sum + x;
    this.comp += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  result(): TensorStats {
    const any = this.finite > 0;
    return {
      count: this.count,
      nan: this.nan,
      inf: this.inf,
      finite: this.finite,
      min: any ? this.min : null,
      max: any ? this.max : null,
      mean: any ? (this.sum + this.comp) / this.finite : null,
      std: any ? Math.sqrt(Math.max(0, this.m2) / this.finite) : null,
      histogram: any ? this.hist.snapshot() : null,
    };
  }
}

/**
 * Equal-width half-open bins over [lo, lo + bins·width) that grow by doubling, merging bins in
 * pairs. Only when doubling would overflow (values near ±1.8e308) are values clamped to an end bin.
 */
class BinnedRange {
  private readonly counts: Float64Array;
  private lo = 0;
  private width = 0;
  private started = false;

  constructor(private readonly bins: number) {
    this.counts = new Float64Array(bins);
  }

  cover(min: number, max: number): void {
    if (!this.started) {
      this.started = true;
      this.lo = min;
      const span = max - min;
      this.width = ((span > 0 && Number.isFinite(span) ? span : Math.max(Math.abs(min), 1) * DEGENERATE_SPAN) * SPAN_MARGIN) / this.bins;
      if (!Number.isFinite(this.width) || this.width === 0) this.width = Number.MAX_VALUE / this.bins;
      return;
    }
    // Stop doubling once the span would overflow; values outside are then clamped to the end bins.
    while (max >= this.hi() && Number.isFinite(this.width * 2 * this.bins)) this.grow(true);
    while (min < this.lo && Number.isFinite(this.width * 2 * this.bins)) this.grow(false);
  }

  private hi(): number {
    return this.lo + this.width * this.bins;
  }

  /** Double the span upward (lo fixed) or downward (hi fixed); bins pair up. */
  private grow(upward: boolean): void {
    const half = this.bins / 2;
    const merged = new Float64Array(this.bins);
    for (let i = 0; i < half; i++) merged[(upward ? 0 : half) + i] = (this.counts[2 * i] as number) + (this.counts[2 * i + 1] as number);
    this.counts.set(merged);
    if (!upward) this.lo -= this.width * this.bins;
    this.width *= 2;
  }

  addAll(v: Float64Array, n: number): void {
    const { lo, width, bins, counts } = this;
    const last = bins - 1;
    for (let i = 0; i < n; i++) {
      const x = v[i] as number;
      if (x - x !== 0) continue;
      let b = Math.floor((x - lo) / width);
      if (b > last) b = last;
      else if (b < 0) b = 0;
      counts[b] = (counts[b] as number) + 1;
    }
  }

  snapshot(): { lo: number; hi: number; counts: number[] } {
    return { lo: this.lo, hi: this.hi(), counts: Array.from(this.counts) };
  }
}
