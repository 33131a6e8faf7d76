// How figures read: numbers, sizes in Hugging Face's syntax, durations, paths, preview layout,
// progress rates and the plotted histogram range.

import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatPercent, formatValue, parseSize, shortPath } from '../../../renderer/lib/format';
import { columnsThatFit, valuesPerRow } from '../../../renderer/lib/values-rows';
import { plotBins } from '../../../renderer/lib/histogram-bins';
import { rateOf } from '../../../shared/ipc/progress';

describe('format', () => {
  it('prints numbers to six significant digits, and the values JSON cannot carry', () => {
    expect(formatNumber(-0.25050732493400574)).toBe('-0.250507');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(-0)).toBe('-0');
    expect(formatNumber(1.5e-7)).toBe('1.5000e-7');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('nan');
    expect(formatValue('-inf')).toBe('-inf');
    expect(formatValue('9007199254740993')).toBe('9007199254740993');
  });

  it('reads shard sizes as Hugging Face writes them', () => {
    expect(parseSize('5GB')).toBe(5e9);
    expect(parseSize('500 MB')).toBe(5e8);
    expect(parseSize('2GiB')).toBe(2 * 2 ** 30);
    expect(parseSize('1024')).toBe(1024);
    for (const bad of ['', 'GB', '5 parsecs', '-1GB', '0']) expect(parseSize(bad)).toBeNull();
  });

  it('prints durations, percentages and short paths', () => {
    expect(formatDuration(0.74)).toBe('0.7s');
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h 02m');
    expect(formatDuration(null)).toBe('—');
    expect(formatPercent(1, 100_000)).toBe('<0.01%');
    expect(formatPercent(256, 256)).toBe('100.0%');
    expect(shortPath('/data/runs/llama-8b/step-1000/checkpoint/')).toBe('step-1000/checkpoint');
    expect(shortPath('C:\\ckpt\\model')).toBe('ckpt/model');
  });

  it('lays out first values along the last dimension where it fits', () => {
    expect(valuesPerRow(6)).toBe(6);
    expect(valuesPerRow(16, 8)).toBe(8);
    expect(valuesPerRow(4096, 9)).toBe(8); // a divisor that keeps ¾ of the columns
    expect(valuesPerRow(16, 6)).toBe(6); // 4 would waste a third of the pane
    expect(valuesPerRow(7919, 8)).toBe(8);
    // "-0.000601255" is 12 characters: 98 px a column
    expect(columnsThatFit(654, 12)).toBe(6);
    expect(columnsThatFit(300, 12)).toBe(2);
    expect(columnsThatFit(10_000)).toBe(10);
  });
});

describe('progress rate', () => {
  it('gives throughput and time left once there is enough to measure', () => {
    expect(rateOf({ done: 10, total: 100, elapsedMs: 100 })).toEqual({ perSecond: null, etaSeconds: null, fraction: 0.1 });
    expect(rateOf({ done: 50, total: 100, elapsedMs: 1000 })).toEqual({ perSecond: 50, etaSeconds: 1, fraction: 0.5 });
    expect(rateOf({ done: 50, total: 0, elapsedMs: 1000 }).fraction).toBeNull();
  });
});

describe('plotted histogram', () => {
  it('keeps the bins from the first to the last non-empty one', () => {
    const b = plotBins({ lo: 0, hi: 8, counts: [0, 2, 0, 3, 0, 0, 0, 0] });
    expect(b).toEqual({ xs: [1.5, 2.5, 3.5], counts: [2, 0, 3], lo: 1, hi: 4 });
  });
});
