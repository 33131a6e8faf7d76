// Progress on stderr for long CLI verbs (convert, diff):
//   bar  — one self-redrawing line with bytes done, MB/s and ETA, only when stderr is a terminal;
//   json — one JSON object per line, for programs: {"event":"progress",…} then {"event":"done",…};
//   none — nothing (also what --quiet means).
// Redraws and JSON lines are throttled to about 10 a second; a phase change always shows.

import type { CliContext } from './context';
import { FormatError } from '../../shared/errors';
import { createThrottle } from '../services/convert/progress-throttle';
import { formatBytes } from '../../shared/model/tree';

export type ProgressMode = 'bar' | 'json' | 'none';

export interface ProgressUpdate {
  /** What is going on: 'write', 'verify', 'compare', … */
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  /** Default 'bytes': rates are shown in MB/s. */
  readonly unit?: 'bytes' | 'items';
  /** Extra numbers for the JSON line (e.g. tensorsDone). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

export interface ProgressReporter {
  update(u: ProgressUpdate): void;
  /** Clears the bar; in json mode prints {"event":"done", …summary}. */
  finish(summary?: Readonly<Record<string, unknown>>): void;
}

export function parseProgressMode(value: string | undefined, quiet: boolean): ProgressMode {
  if (quiet) return 'none';
  const v = value ?? 'bar';
  if (v === 'bar' || v === 'json' || v === 'none') return v;
  throw new FormatError('BAD_REQUEST', `--progress ${JSON.stringify(v)}: use bar, json or none`);
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** MB/s, decimal megabytes as disk tools print them. */
function formatRate(bytesPerSec: number): string {
  return `${(bytesPerSec / 1e6).toFixed(bytesPerSec < 1e7 ? 1 : 0)} MB/s`;
}

export function createProgressReporter(ctx: CliContext, mode: ProgressMode, label: string, now: () => number = Date.now): ProgressReporter {
  const out = ctx.stderr;
  if (mode === 'none' || (mode === 'bar' && out.isTTY !== true)) return { update: () => undefined, finish: () => undefined };

  const due = createThrottle(undefined, now);
  let phase = '';
  let phaseStart = now();
  let drawn = false;

  /** True when `u` starts a new phase, whose rate is then measured from now. */
  const enterPhase = (u: ProgressUpdate): boolean => {
    if (u.phase === phase) return false;
    phase = u.phase;
    phaseStart = now();
    return true;
  };
  const rateOf = (u: ProgressUpdate): number => {
    const secs = (now() - phaseStart) / 1000;
    return secs > 0 ? u.done / secs : 0;
  };

  if (mode === 'json') {
    return {
      update(u) {
        const changed = enterPhase(u);
        if (!(due() || changed || u.done === u.total)) return;
        const rate = rateOf(u);
        const line = {
          event: 'progress',
          label,
          phase: u.phase,
          done: u.done,
          total: u.total,
          unit: u.unit ?? 'bytes',
          rate: Math.round(rate),
          eta_s: rate > 0 ? Math.round(((u.total - u.done) / rate) * 10) / 10 : null,
          ...u.extra,
        };
        out.write(`${JSON.stringify(line)}\n`);
      },
      finish(summary) {
        out.write(`${JSON.stringify({ event: 'done', label, ...summary })}\n`);
      },
    };
  }

  return {
    update(u) {
      const changed = enterPhase(u);
      if (!(due() || changed)) return;
      const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 60));
      const frac = u.total > 0 ? Math.min(1, u.done / u.total) : 0;
      const filled = Math.round(frac * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
      const rate = rateOf(u);
      const amount = (u.unit ?? 'bytes') === 'bytes' ? `${formatBytes(u.done)} / ${formatBytes(u.total)}  ${formatRate(rate)}` : `${u.done} / ${u.total}`;
      const eta = rate > 0 ? formatEta((u.total - u.done) / rate) : '--:--';
      out.write(`\r${label} ${u.phase.padEnd(7)} ${bar} ${amount}  ETA ${eta}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) out.write('\r\x1b[K');
    },
  };
}
