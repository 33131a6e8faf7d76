// The diff report's two outward forms: the JSON document (`--json`, snake_case, figures as
// numbers) and the terminal summary (most different first). Pure functions of the DiffReport.

import type { DiffChange, DiffChangeKind, DiffReport, DiffRule } from '../../../shared/model/diff';
import { formatShape } from '../../../shared/model/shape';

/** Structural changes first (they block any value comparison), then by how much differs. */
const CHANGE_RANK: Readonly<Record<DiffChangeKind, number>> = { kind: 0, shape: 1, dtype: 2, object: 3, values: 4 };

export function sortChanges(changes: readonly DiffChange[]): DiffChange[] {
  const share = (c: DiffChange): number => (c.figures && c.figures.numel > 0 ? c.figures.nDifferent / c.figures.numel : 0);
  return [...changes].sort(
    (x, y) =>
      CHANGE_RANK[x.change] - CHANGE_RANK[y.change] ||
      share(y) - share(x) ||
      (y.figures?.maxAbsDiff ?? 0) - (x.figures?.maxAbsDiff ?? 0) ||
      (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
  );
}

// ---------------------------------------------------------------- JSON

export interface DiffJson {
  identical: boolean;
  only_a: string[];
  only_b: string[];
  changed: Array<Record<string, unknown>>;
  same: number;
  same_not_bitwise: string[];
  skipped_a: string[];
  a: { path: string; format: string; entries: number };
  b: { path: string; format: string; entries: number };
  rule: { tolerance: { atol: number; rtol: number } | null; dtype_insensitive: boolean; model_only: boolean; preset: string | null };
  bytes_read: number;
}

export function toJson(r: DiffReport): DiffJson {
  return {
    identical: r.identical,
    only_a: [...r.onlyA],
    only_b: [...r.onlyB],
    changed: r.changed.map(changeJson),
    same: r.same,
    same_not_bitwise: [...(r.sameNotBitwise ?? [])],
    skipped_a: [...r.skippedA],
    a: { ...r.a },
    b: { ...r.b },
    rule: {
      tolerance: r.rule.tolerance ? { ...r.rule.tolerance } : null,
      dtype_insensitive: r.rule.dtypeInsensitive,
      model_only: r.rule.modelOnly,
      preset: r.rule.preset,
    },
    bytes_read: r.bytesRead,
  };
}

function changeJson(c: DiffChange): Record<string, unknown> {
  const o: Record<string, unknown> = { key: c.key, change: c.change };
  if (c.keyA !== undefined) o.key_a = c.keyA;
  if (c.dtypeA !== undefined) o.dtype_a = c.dtypeA;
  if (c.dtypeB !== undefined) o.dtype_b = c.dtypeB;
  if (c.shapeA !== undefined) o.shape_a = [...c.shapeA];
  if (c.shapeB !== undefined) o.shape_b = [...c.shapeB];
  if (c.reprA !== undefined) o.repr_a = c.reprA;
  if (c.reprB !== undefined) o.repr_b = c.reprB;
  const f = c.figures;
  if (f !== undefined) {
    Object.assign(o, {
      numel: f.numel,
      n_different: f.nDifferent,
      max_abs_diff: f.maxAbsDiff,
      mean_abs_diff: f.meanAbsDiff,
      max_rel_diff: f.maxRelDiff,
      cosine: f.cosine,
      nan_a: f.nanA,
      inf_a: f.infA,
      nan_b: f.nanB,
      inf_b: f.infB,
    });
  }
  return o;
}

// ---------------------------------------------------------------- terminal

/** One-sided key lists longer than this are cut in the terminal summary (--json has them all). */
export const MAX_LISTED_KEYS = 50;

export function describeRule(rule: DiffRule): string {
  const parts = [rule.tolerance ? `numpy.isclose (atol=${rule.tolerance.atol}, rtol=${rule.tolerance.rtol}, NaN equals NaN)` : 'bitwise (NaN equals NaN)'];
  if (rule.dtypeInsensitive) parts.push('after casting both sides to float32');
  if (rule.modelOnly) parts.push('model tensors only');
  if (rule.preset !== null) parts.push(`A mapped by preset ${rule.preset}`);
  return parts.join('; ');
}

export function formatText(r: DiffReport): string {
  const out: string[] = [];
  out.push(`A  ${r.a.path}  (${r.a.format}, ${r.a.entries} entries)`);
  out.push(`B  ${r.b.path}  (${r.b.format}, ${r.b.entries} entries)`);
  out.push(`compared ${describeRule(r.rule)}`);
  listKeys(out, 'Only in A', r.onlyA);
  listKeys(out, 'Only in B', r.onlyB);
  if (r.skippedA.length > 0) listKeys(out, `Not mapped by preset ${r.rule.preset ?? ''} (not compared)`, r.skippedA);

  if (r.changed.length > 0) {
    out.push('', `Changed (${r.changed.length}), most different first:`);
    const rows: string[][] = [['KEY', 'CHANGE', 'DIFFERENT', 'MAX |A-B|', 'MEAN |A-B|', 'MAX REL', 'COSINE', 'NaN A/B', 'Inf A/B']];
    const notes: string[] = [];
    for (const c of r.changed) {
      const key = c.keyA !== undefined ? `${c.key} (A: ${c.keyA})` : c.key;
      const f = c.figures;
      if (f !== undefined) {
        rows.push([
          key,
          c.change === 'dtype' ? `dtype ${c.dtypeA}→${c.dtypeB}` : c.change,
          `${f.nDifferent}/${f.numel}`,
          num(f.maxAbsDiff),
          num(f.meanAbsDiff),
          num(f.maxRelDiff),
          f.cosine === null ? '-' : f.cosine.toFixed(6),
          `${f.nanA}/${f.nanB}`,
          `${f.infA}/${f.infB}`,
        ]);
      } else if (c.change === 'shape' || c.change === 'dtype') {
        notes.push(`  ${key}  ${c.change}: ${c.dtypeA} ${formatShape(c.shapeA ?? [])} → ${c.dtypeB} ${formatShape(c.shapeB ?? [])}`);
      } else {
        notes.push(`  ${key}  ${c.change}: ${c.reprA ?? ''} → ${c.reprB ?? ''}`);
      }
    }
    out.push(...notes);
    if (rows.length > 1) out.push(...table(rows).map((l) => `  ${l}`));
  }

  out.push('');
  const loose = r.sameNotBitwise?.length ?? 0;
  out.push(`Same: ${r.same}${loose > 0 ? ` (${loose} of them not bitwise: equal only under the rule above)` : ''}`);
  if (r.identical) {
    out.push(`Identical: ${r.same} entries compared, ${mib(r.bytesRead)} read.`);
  } else {
    const parts = [`${r.changed.length} changed`, `${r.onlyA.length} only in A`, `${r.onlyB.length} only in B`];
    out.push(`Different: ${parts.join(', ')}.`);
  }
  return `${out.join('\n')}\n`;
}

function listKeys(out: string[], title: string, keys: readonly string[]): void {
  if (keys.length === 0) return;
  out.push('', `${title} (${keys.length}):`);
  for (const k of keys.slice(0, MAX_LISTED_KEYS)) out.push(`  ${k}`);
  if (keys.length > MAX_LISTED_KEYS) out.push(`  … and ${keys.length - MAX_LISTED_KEYS} more (--json lists them all)`);
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
}

function num(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}
