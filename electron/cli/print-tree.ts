// The terminal view of `inspect`: keys grouped as the checkpoint nests them, with totals.

import type { Writable } from 'node:stream';
import type { CheckpointListing, ListedEntry, PathElement } from '../../shared/model/checkpoint';
import { buildTree, formatBytes, formatCount, type TreeNode } from '../../shared/model/tree';
import { FORMAT_NAMES } from '../services/inspect/detect';

const MAX_NAME = 64;

interface Row {
  name: string;
  dtype: string;
  shape: string;
  size: string;
  extra: string;
}

export function printTree(out: Writable, model: CheckpointListing, hashes: ReadonlyMap<string, string> | null): void {
  const tree = buildTree(model.entries);
  const dtypes = new Map<string, number>();
  for (const e of model.entries) if (e.kind === 'tensor') dtypes.set(e.dtype, (dtypes.get(e.dtype) ?? 0) + e.nbytes);
  const facts = [
    model.worldSize !== null ? `world size ${model.worldSize}` : null,
    `${model.files.length} file${model.files.length === 1 ? '' : 's'}`,
    `${tree.tensors} tensors`,
    `${formatCount(tree.elements)} elements`,
    formatBytes(tree.bytes),
    tree.objects > 0 ? `${tree.objects} objects` : null,
  ].filter((x) => x !== null);
  out.write(`${FORMAT_NAMES[model.format]}: ${model.root}\n  ${facts.join(' · ')}\n`);
  if (dtypes.size > 0) out.write(`  dtypes: ${[...dtypes].map(([d, b]) => `${d} ${formatBytes(b)}`).join(', ')}\n`);
  out.write('\n');

  const rows: Row[] = [];
  const cells: CellCache = new Map();
  const walk = (node: TreeNode, depth: number): void => {
    for (const child of node.children) {
      const label = `${'  '.repeat(depth)}${nameOf(child.name)}`;
      if (child.entry !== null && child.children.length === 0) rows.push(leafRow(label, child.entry, hashes, cells));
      else {
        rows.push({
          name: label,
          dtype: '',
          shape: '',
          size: formatBytes(child.bytes),
          extra: [child.tensors ? `${child.tensors} tensor${child.tensors === 1 ? '' : 's'}` : '', child.objects ? `${child.objects} object${child.objects === 1 ? '' : 's'}` : '']
            .filter(Boolean)
            .join(', '),
        });
        walk(child, depth + 1);
      }
    }
  };
  walk(tree, 0);
  const w = (k: keyof Row, cap = Infinity): number => Math.min(cap, rows.reduce((m, r) => Math.max(m, r[k].length), 0)); // no spread: >~125k rows overflow the stack
  const wn = w('name', MAX_NAME);
  const wd = w('dtype');
  const ws = w('shape');
  const wz = w('size');
  // Rows go out in batches: one write per row costs more than formatting them (100k-key trees).
  let batch: string[] = [];
  for (const r of rows) {
    const name = r.name.length > wn ? `${r.name.slice(0, wn - 1)}…` : r.name;
    batch.push(`${name.padEnd(wn)}  ${r.dtype.padEnd(wd)}  ${r.shape.padEnd(ws)}  ${r.size.padStart(wz)}  ${r.extra}`.trimEnd());
    if (batch.length === 4096) {
      out.write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  out.write(`\ntotal: ${tree.tensors} tensors, ${formatCount(tree.elements)} elements, ${formatBytes(tree.bytes)}${tree.objects ? `, ${tree.objects} non-tensor items` : ''}\n`);
}

function nameOf(el: PathElement): string {
  return typeof el === 'number' ? `[${el}]` : el;
}

/** A tensor row's columns but its name. */
type TensorCells = Omit<Row, 'name'>;

/**
 * Cells by shape array, dtype and chunk count: a model's layers repeat a few of them, and DCP's
 * reader shares equal shape arrays, so 100k rows format a handful (without hashes).
 */
type CellCache = Map<readonly number[], Map<string, Map<number, TensorCells>>>;

function tensorCells(e: Extract<ListedEntry, { kind: 'tensor' }>, h: string | undefined, cache: CellCache): TensorCells {
  const n = e.chunkCount;
  const make = (): TensorCells => ({ dtype: e.dtype, shape: `[${e.shape.join(', ')}]`, size: formatBytes(e.nbytes), extra: `${n} chunk${n === 1 ? '' : 's'}${h ? `  sha256 ${h}` : ''}` });
  if (h !== undefined) return make();
  let byDtype = cache.get(e.shape);
  if (byDtype === undefined) cache.set(e.shape, (byDtype = new Map()));
  let byCount = byDtype.get(e.dtype);
  if (byCount === undefined) byDtype.set(e.dtype, (byCount = new Map()));
  let c = byCount.get(n);
  if (c === undefined) byCount.set(n, (c = make()));
  return c;
}

function leafRow(name: string, e: ListedEntry, hashes: ReadonlyMap<string, string> | null, cells: CellCache): Row {
  if (e.kind === 'tensor') return { name, ...tensorCells(e, hashes?.get(e.key), cells) };
  if (e.pythonType === 'unsafe') return { name, dtype: 'UNSAFE', shape: '', size: '', extra: `pickle calls ${e.global ?? '?'} (not run)` };
  return { name, dtype: e.pythonType, shape: '', size: '', extra: `= ${truncate(e.repr ?? '', 80)}` };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
