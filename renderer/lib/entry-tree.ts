// The checkpoint's nesting, rebuilt in the renderer from the summary's key columns: nodes in one
// array (ids are indexes), each with totals over its subtree. Built once per opened checkpoint;
// the tree view then only walks ids. Grouped by planner_data paths, never by splitting keys on
// dots (formats.md §2.4: a path element may itself contain dots).

import type { EntryTable } from '../../shared/ipc/contract';
import type { PathElement } from '../../shared/model/checkpoint';

export interface TreeNode {
  readonly id: number;
  /** -1 for the root. */
  readonly parent: number;
  readonly depth: number;
  /** The path element: a dict key, or a list index shown as [i]. */
  readonly label: string;
  readonly isListIndex: boolean;
  readonly children: number[];
  /** Index into the EntryTable, or -1 for a group. A node can be both a key and a group. */
  entry: number;
  tensors: number;
  objects: number;
  bytes: number;
  elements: number;
}

export interface EntryTree {
  readonly nodes: readonly TreeNode[];
  /** Node id of each entry (index = entry number). */
  readonly nodeOfEntry: Int32Array;
  /** Lower-cased `key dtype` per entry, for search. */
  readonly haystack: readonly string[];
  /** Entry number of each key. */
  readonly entryOfKey: ReadonlyMap<string, number>;
}

export const ROOT = 0;

function elementsOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function buildEntryTree(t: EntryTable): EntryTree {
  const nodes: TreeNode[] = [
    { id: 0, parent: -1, depth: -1, label: '', isListIndex: false, children: [], entry: -1, tensors: 0, objects: 0, bytes: 0, elements: 0 },
  ];
  // Children by path element. A Map tells 0 from '0', so a list index and a dict key never merge.
  const childIndex = new Map<number, Map<PathElement, number>>();
  const n = t.keys.length;
  const nodeOfEntry = new Int32Array(n);
  const haystack: string[] = new Array(n);
  const entryOfKey = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = t.keys[i] as string;
    const path: readonly PathElement[] = (t.paths[i] as readonly PathElement[] | undefined)?.length ? (t.paths[i] as readonly PathElement[]) : [key];
    const isTensor = t.kinds[i] === 't';
    const bytes = isTensor ? (t.nbytes[i] as number) : 0;
    const elements = isTensor ? elementsOf(t.shapes[i] as readonly number[]) : 0;
    let node = nodes[ROOT] as TreeNode;
    bump(node, isTensor, bytes, elements);
    for (const el of path) {
      let kids = childIndex.get(node.id);
      if (kids === undefined) {
        kids = new Map();
        childIndex.set(node.id, kids);
      }
      let childId = kids.get(el);
      if (childId === undefined) {
        childId = nodes.length;
        nodes.push({
          id: childId,
          parent: node.id,
          depth: node.depth + 1,
          label: typeof el === 'number' ? `[${el}]` : el,
          isListIndex: typeof el === 'number',
          children: [],
          entry: -1,
          tensors: 0,
          objects: 0,
          bytes: 0,
          elements: 0,
        });
        kids.set(el, childId);
        node.children.push(childId);
      }
      node = nodes[childId] as TreeNode;
      bump(node, isTensor, bytes, elements);
    }
    node.entry = i;
    nodeOfEntry[i] = node.id;
    haystack[i] = `${key} ${t.types[i] ?? ''}`.toLowerCase();
    entryOfKey.set(key, i);
  }
  return { nodes, nodeOfEntry, haystack, entryOfKey };
}

function bump(node: TreeNode, isTensor: boolean, bytes: number, elements: number): void {
  if (isTensor) node.tensors++;
  else node.objects++;
  node.bytes += bytes;
  node.elements += elements;
}

/** Node ids from the root's child down to `id`. */
export function ancestorsOf(tree: EntryTree, id: number): number[] {
  const out: number[] = [];
  for (let p = tree.nodes[id]?.parent ?? -1; p > ROOT; p = tree.nodes[p]?.parent ?? -1) out.push(p);
  return out.reverse();
}

/** Leaves below this count open fully at first; bigger checkpoints open their top level only. */
export const EXPAND_ALL_BELOW_ENTRIES = 300;

export function initialExpansion(tree: EntryTree): Set<number> {
  const open = new Set<number>();
  const total = (tree.nodes[ROOT]?.tensors ?? 0) + (tree.nodes[ROOT]?.objects ?? 0);
  for (const node of tree.nodes) {
    if (node.id === ROOT || node.children.length === 0) continue;
    if (total <= EXPAND_ALL_BELOW_ENTRIES || node.depth === 0) open.add(node.id);
  }
  return open;
}
