// The checkpoint's nesting, from each entry's path (DCP planner_data), with totals per subtree.
// Never built by splitting keys on dots: a path element may itself contain dots.

import type { ListedEntry, PathElement } from './checkpoint';
import { numel } from './shape';

export interface TreeNode {
  readonly name: PathElement;
  readonly children: TreeNode[];
  /** The leaf's entry, if this node is a key. */
  entry: ListedEntry | null;
  /** Totals over the subtree. */
  tensors: number;
  objects: number;
  bytes: number;
  elements: number;
}

export function buildTree(entries: readonly ListedEntry[]): TreeNode {
  const root: TreeNode = { name: '', children: [], entry: null, tensors: 0, objects: 0, bytes: 0, elements: 0 };
  // Children by path element: a Map tells 1 from '1' (SameValueZero), with no id string to build.
  const index = new Map<TreeNode, Map<PathElement, TreeNode>>();
  for (const e of entries) {
    const path = e.path.length > 0 ? e.path : [e.key];
    let node = root;
    const trail: TreeNode[] = [root];
    for (let i = 0; i < path.length; i++) {
      const el = path[i]!;
      let kids = index.get(node);
      if (kids === undefined) {
        kids = new Map();
        index.set(node, kids);
      }
      let child = kids.get(el);
      if (child === undefined) {
        child = { name: el, children: [], entry: null, tensors: 0, objects: 0, bytes: 0, elements: 0 };
        kids.set(el, child);
        node.children.push(child);
      }
      node = child;
      trail.push(node);
    }
    node.entry = e;
    const bytes = e.kind === 'tensor' ? e.nbytes : 0;
    const elems = e.kind === 'tensor' ? numel(e.shape) ?? 0 : 0;
    for (const t of trail) {
      if (e.kind === 'tensor') t.tensors++;
      else t.objects++;
      t.bytes += bytes;
      t.elements += elems;
    }
  }
  return root;
}

/** `1.5 KiB`-style sizes, binary units as the field's tools print them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}

/** 8.03B / 70.6M / 12.3K / 999 parameters. */
export function formatCount(n: number): string {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}
