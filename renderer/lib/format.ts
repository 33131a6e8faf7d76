// How numbers, sizes, shapes and durations read in the app: compact, unit-bearing, monospace-
// friendly. Byte and count formats are the CLI's (shared/model/tree.ts) so both fronts agree.

import { formatBytes, formatCount } from '../../shared/model/tree';
import type { PreviewValue } from '../../shared/ipc/contract';

export { formatBytes, formatCount };

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Six significant digits, exponent form for very large or small magnitudes. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(4).replace('e+', 'e');
  return String(Number(x.toPrecision(6)));
}

export function formatValue(v: PreviewValue): string {
  return typeof v === 'number' ? formatNumber(v) : v;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '—';
  const p = (100 * part) / whole;
  if (p === 0) return '0%';
  if (p < 0.01) return '<0.01%';
  return `${p >= 10 ? p.toFixed(1) : p.toFixed(2)}%`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '—' : `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function timeAgo(epochMs: number, now: number = Date.now()): string {
  const s = Math.max(0, (now - epochMs) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86400);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** Hugging Face's size syntax (`5GB` = 5·10⁹, `1GiB` = 2³⁰) or plain bytes; null if unreadable. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return null;
  const unit = (m[2] ?? '').toLowerCase() || 'b';
  const mult = SIZE_UNITS[unit];
  if (mult === undefined) return null;
  const n = Math.floor(Number(m[1]) * mult);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The last two parts of a path (`fsdp_train/checkpoint`): a run's folder names are often generic. */
export function shortPath(p: string): string {
  const parts = p.split(/[\\/]/).filter((x) => x.length > 0);
  return parts.slice(-2).join('/') || p;
}

export const FORMAT_NAMES: Readonly<Record<string, string>> = {
  dcp: 'PyTorch DCP',
  safetensors: 'safetensors',
  'safetensors-sharded': 'sharded safetensors',
  'dcp-hf-shards': 'DCP per-rank safetensors',
};
