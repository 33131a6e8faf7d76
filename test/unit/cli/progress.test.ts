import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createProgressReporter, parseProgressMode } from '../../../electron/cli/progress';
import type { CliContext } from '../../../electron/cli/context';

function ctx(isTTY: boolean): { ctx: CliContext; out: () => string } {
  let text = '';
  const stderr = Object.assign(new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) }), { isTTY, columns: 100 });
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  return { ctx: { stdout, stderr, exitCode: 0 }, out: () => text };
}

describe('progress reporter', () => {
  it('draws a bar (30 wide on a 100-column terminal) with bytes, MB/s and ETA, and clears it at the end', () => {
    let t = 0;
    const { ctx: c, out } = ctx(true);
    const p = createProgressReporter(c, 'bar', 'convert', () => t);
    p.update({ phase: 'write', done: 0, total: 4e9 });
    t = 2000;
    p.update({ phase: 'write', done: 1e9, total: 4e9 });
    const lines = out().split('\r').filter((s) => s !== '');
    expect(lines.at(-1)).toBe(`convert write   [${'#'.repeat(8)}${'-'.repeat(22)}] 954 MiB / 3.73 GiB  500 MB/s  ETA 0:06\x1b[K`);
    p.finish();
    expect(out().endsWith('\r\x1b[K')).toBe(true);
  });

  it('draws nothing when stderr is not a terminal', () => {
    const { ctx: c, out } = ctx(false);
    const p = createProgressReporter(c, 'bar', 'convert');
    p.update({ phase: 'write', done: 1, total: 2 });
    p.finish();
    expect(out()).toBe('');
  });

  it('json: one object per line, throttled to ~10/s except phase changes and completion', () => {
    let t = 0;
    const { ctx: c, out } = ctx(false);
    const p = createProgressReporter(c, 'json', 'diff', () => t);
    p.update({ phase: 'read', done: 0, total: 100, unit: 'items', extra: { files: 2 } });
    t = 10;
    p.update({ phase: 'read', done: 10, total: 100, unit: 'items' }); // throttled
    t = 20;
    p.update({ phase: 'read', done: 100, total: 100, unit: 'items' }); // complete: shown
    t = 30;
    p.update({ phase: 'compare', done: 1, total: 5 }); // new phase: shown
    p.finish({ identical: true });
    const lines = out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.event, l.phase, l.done])).toEqual([
      ['progress', 'read', 0],
      ['progress', 'read', 100],
      ['progress', 'compare', 1],
      ['done', undefined, undefined],
    ]);
    expect(lines[0]).toMatchObject({ label: 'diff', unit: 'items', files: 2, total: 100 });
    expect(lines[3]).toEqual({ event: 'done', label: 'diff', identical: true });
  });

  it('--quiet wins; unknown modes are refused', () => {
    expect(parseProgressMode('json', true)).toBe('none');
    expect(parseProgressMode(undefined, false)).toBe('bar');
    expect(() => parseProgressMode('fancy', false)).toThrow('--progress "fancy": use bar, json or none');
  });
});
