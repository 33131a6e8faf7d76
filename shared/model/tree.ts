// The checkpoint's nesting, from each entry's path (DCP planner_data), with totals per subtree.
// Never built by splitting keys on dots: a path element may itself contain dots.

import type { ListedEntry, PathElement } from './checkpoint';
import { numel } from './shape';
import { mayHaveEqualPair } from './repeats';

export interface TreeNode {
  readonly name: PathElement;
  /** In path order; leaves share one empty list (see addChild). */
  children: readonly TreeNode[];
  /** The leaf's entry, if this node is a key. */
  entry: ListedEntry | null;
  /** Totals over the subtree. */
  tensors: number;
  objects: number;
  bytes: number;
  elements: number;
}

export function buildTree(entries: readonly ListedEntry[]): TreeNode {
  return buildByRuns(entries) ?? buildByMaps(entries);
}

/** The children of every leaf: 100k keys make no 100k empty lists. */
const NO_CHILDREN: readonly TreeNode[] = Object.freeze([]);

const newNode = (name: PathElement): TreeNode => ({ name, children: NO_CHILDREN, entry: null, tensors: 0, objects: 0, bytes: 0, elements: 0 });

function addChild(node: TreeNode, child: TreeNode): void {
  if (node.children === NO_CHILDREN) node.children = [child];
  else (node.children as TreeNode[]).push(child);
}

function count(trail: readonly TreeNode[], e: ListedEntry): void {
  const bytes = e.kind === 'tensor' ? e.nbytes : 0;
  const elems = e.kind === 'tensor' ? numel(e.shape) ?? 0 : 0;
  for (const t of trail) {
    if (e.kind === 'tensor') t.tensors++;
    else t.objects++;
    t.bytes += bytes;
    t.elements += elems;
  }
}

/**
 * The tree when a path element, once left, never comes back under the same parent (planner
 * paths list a subtree's keys together): each element is matched against the last child only,
 * with no map of 100k children to build. Null when some node ends up with two equal children;
 * buildByMaps then builds it.
 */
function buildByRuns(entries: readonly ListedEntry[]): TreeNode | null {
  const root = newNode('');
  const trail: TreeNode[] = [];
  for (const e of entries) {
    const path = e.path.length > 0 ? e.path : [e.key];
    let node = root;
    trail.length = 0;
    trail.push(root);
    for (let i = 0; i < path.length; i++) {
      const el = path[i]!;
      const kids = node.children;
      let child = kids[kids.length - 1];
      if (child === undefined || child.name !== el) {
        child = newNode(el);
        addChild(node, child);
      }
      node = child;
      trail.push(node);
    }
    node.entry = e;
    count(trail, e);
  }
  return hasEqualSiblings(root) ? null : root;
}

/** Children by path element: a Map tells 1 from '1' (SameValueZero). */
function buildByMaps(entries: readonly ListedEntry[]): TreeNode {
  const root = newNode('');
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
        child = newNode(el);
        kids.set(el, child);
        addChild(node, child);
      }
      node = child;
      trail.push(node);
    }
    node.entry = e;
    count(trail, e);
  }
  return root;
}

/** FNV-1a of a path element (31 bits); numbers and strings hash apart. */
function elementHash(el: PathElement): number {
  let h = typeof el === 'number' ? 0x2545f491 : 0x811c9dc5;
  const s = String(el);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 1;
}

/** Whether any node has two children with the same name (then buildByMaps builds the tree). */
function hasEqualSiblings(root: TreeNode): boolean {
  const stack: TreeNode[] = [root];
  while (stack.length > 0) {
    const kids = (stack.pop() as TreeNode).children;
    if (mayHaveEqualPair(kids.length, (i) => elementHash(kids[i]!.name), (i, j) => kids[i]!.name === kids[j]!.name)) return true;
    for (const k of kids) if (k.children.length > 0) stack.push(k);
  }
  return false;
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
