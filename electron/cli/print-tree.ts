// The terminal view of `inspect`: keys grouped as the checkpoint nests them, with totals.

import type { Writable } from 'node:stream';
import type { CheckpointListing, ListedEntry, PathElement } from '../../shared/model/checkpoint';
import { buildTree, formatBytes, formatCount, type TreeNode } from '../../shared/model/tree';
import { FORMAT_NAMES } from '../services/inspect/detect';

const MAX_NAME = 64;

/** A row's columns but its name; leaves that say the same share one (see tensorCells). */
interface Cells {
  readonly dtype: string;
  readonly shape: string;
  readonly size: string;
  readonly extra: string;
}

interface Row {
  readonly name: string;
  readonly cells: Cells;
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
      if (child.entry !== null && child.children.length === 0) rows.push({ name: label, cells: leafCells(child.entry, hashes, cells) });
      else {
        const extra = [child.tensors ? `${child.tensors} tensor${child.tensors === 1 ? '' : 's'}` : '', child.objects ? `${child.objects} object${child.objects === 1 ? '' : 's'}` : '']
          .filter(Boolean)
          .join(', ');
        rows.push({ name: label, cells: { dtype: '', shape: '', size: formatBytes(child.bytes), extra } });
        walk(child, depth + 1);
      }
    }
  };
  walk(tree, 0);
  let wn = 0;
  let wd = 0;
  let ws = 0;
  let wz = 0;
  for (const { name, cells: c } of rows) {
    wn = Math.max(wn, name.length);
    wd = Math.max(wd, c.dtype.length);
    ws = Math.max(ws, c.shape.length);
    wz = Math.max(wz, c.size.length);
  }
  wn = Math.min(wn, MAX_NAME);
  // What follows the name, padded, once per distinct cells (shared by a model's repeated layers).
  const tails = new Map<Cells, string>();
  const tailOf = (c: Cells): string => {
    let t = tails.get(c);
    if (t === undefined) tails.set(c, (t = `  ${c.dtype.padEnd(wd)}  ${c.shape.padEnd(ws)}  ${c.size.padStart(wz)}  ${c.extra}`));
    return t;
  };
  // Rows go out in batches: one write per row costs more than formatting them (100k-key trees).
  let batch: string[] = [];
  for (const r of rows) {
    const name = r.name.length > wn ? `${r.name.slice(0, wn - 1)}…` : r.name;
    const tail = tailOf(r.cells);
    const line = name.padEnd(wn) + tail;
    batch.push(tail.endsWith(' ') ? line.trimEnd() : line);
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

/**
 * Cells by shape array, dtype and chunk count: a model's layers repeat a few of them, and DCP's
 * reader shares equal shape arrays, so 100k rows format a handful (without hashes).
 */
type CellCache = Map<readonly number[], Map<string, Map<number, Cells>>>;

function tensorCells(e: Extract<ListedEntry, { kind: 'tensor' }>, h: string | undefined, cache: CellCache): Cells {
  const n = e.chunkCount;
  const make = (): Cells => ({ dtype: e.dtype, shape: `[${e.shape.join(', ')}]`, size: formatBytes(e.nbytes), extra: `${n} chunk${n === 1 ? '' : 's'}${h ? `  sha256 ${h}` : ''}` });
  if (h !== undefined) return make();
  let byDtype = cache.get(e.shape);
  if (byDtype === undefined) cache.set(e.shape, (byDtype = new Map()));
  let byCount = byDtype.get(e.dtype);
  if (byCount === undefined) byDtype.set(e.dtype, (byCount = new Map()));
  let c = byCount.get(n);
  if (c === undefined) byCount.set(n, (c = make()));
  return c;
}

function leafCells(e: ListedEntry, hashes: ReadonlyMap<string, string> | null, cells: CellCache): Cells {
  if (e.kind === 'tensor') return tensorCells(e, hashes?.get(e.key), cells);
  if (e.pythonType === 'unsafe') return { dtype: 'UNSAFE', shape: '', size: '', extra: `pickle calls ${e.global ?? '?'} (not run)` };
  return { dtype: e.pythonType, shape: '', size: '', extra: `= ${truncate(e.repr ?? '', 80)}` };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
