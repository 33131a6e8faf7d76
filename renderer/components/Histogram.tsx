// The histogram of a tensor's finite values, drawn with uPlot (bars). Colors come from the theme's
// CSS variables, and the plot is rebuilt when the OS switches between light and dark.

import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Histogram as HistogramData } from '../../shared/model/stats';
import { formatNumber } from '../lib/format';
import { plotBins } from '../lib/histogram-bins';

const HEIGHT = 150;

function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

function useColorScheme(): string {
  const [scheme, setScheme] = useState(() => (window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = (): void => setScheme(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return scheme;
}

export function Histogram({ data }: { data: HistogramData }) {
  const ref = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const bins = plotBins(data);
    const accent = cssVar(el, '--accent', '#3b5bdb');
    const text = cssVar(el, '--muted', '#6b7280');
    const grid = cssVar(el, '--grid', 'rgba(0,0,0,0.08)');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px ui-monospace, monospace' };
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: false, range: [bins.lo, bins.hi] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] } },
        axes: [
          { ...axis, values: (_u, ticks) => ticks.map((t) => formatNumber(t)) },
          { ...axis, size: 54, values: (_u, ticks) => ticks.map((t) => (t >= 1e4 ? t.toExponential(0) : String(t))) },
        ],
        series: [
          {},
          {
            label: 'count',
            stroke: accent,
            fill: accent,
            width: 0,
            paths: uPlot.paths.bars!({ size: [1, Infinity], gap: 0, align: 0 }),
            points: { show: false },
          },
        ],
      },
      [bins.xs, bins.counts],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, scheme]);
  return <div className="histogram" ref={ref} aria-label="Histogram of finite values" role="img" />;
}
