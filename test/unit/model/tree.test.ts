// buildTree takes paths as planner_data nests them; its fast build (siblings matched against the
// last one) must give exactly what a map of children gives, whatever order paths come in.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTree, type TreeNode } from '../../../shared/model/tree';
import type { ListedEntry, PathElement } from '../../../shared/model/checkpoint';

/** The reference: children by a Map of path elements (1 and '1' apart), as buildTree always did. */
function reference(entries: readonly ListedEntry[]): TreeNode {
  const root: TreeNode = { name: '', children: [], entry: null, tensors: 0, objects: 0, bytes: 0, elements: 0 };
  const index = new Map<TreeNode, Map<PathElement, TreeNode>>();
  for (const e of entries) {
    const path = e.path.length > 0 ? e.path : [e.key];
    let node = root;
    const trail = [root];
    for (const el of path) {
      const kids = index.get(node) ?? new Map<PathElement, TreeNode>();
      index.set(node, kids);
      let child = kids.get(el);
      if (child === undefined) {
        child = { name: el, children: [], entry: null, tensors: 0, objects: 0, bytes: 0, elements: 0 };
        kids.set(el, child);
        (node.children as TreeNode[]).push(child);
      }
      node = child;
      trail.push(node);
    }
    node.entry = e;
    for (const t of trail) {
      if (e.kind === 'tensor') t.tensors++;
      else t.objects++;
      t.bytes += e.kind === 'tensor' ? e.nbytes : 0;
      t.elements += e.kind === 'tensor' ? e.shape.reduce((a, b) => a * b, 1) : 0;
    }
  }
  return root;
}

const plain = (n: TreeNode): unknown => ({ name: n.name, entry: n.entry?.key ?? null, totals: [n.tensors, n.objects, n.bytes, n.elements], children: n.children.map(plain) });

const tensor = (key: string, path: PathElement[], n: number): ListedEntry => ({ kind: 'tensor', key, path, dtype: 'float32', shape: [n], nbytes: 4 * n, chunkCount: 1 });
const object = (key: string, path: PathElement[]): ListedEntry => ({ kind: 'object', key, path, pythonType: 'int', repr: '1' });

describe('buildTree', () => {
  it('nests as a map of children would, for paths in any order (interleaved, repeated, 1 beside "1")', () => {
    const element = fc.oneof(fc.constantFrom<PathElement>('model', 'optimizer', 'state', 'w', 'b', '1', 1, 0, '0'), fc.string({ maxLength: 3 }), fc.nat({ max: 3 }));
    const entry = fc.record({ path: fc.array(element, { maxLength: 4 }), n: fc.nat({ max: 5 }), tensor: fc.boolean() });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (specs) => {
        const entries = specs.map((s, i) => (s.tensor ? tensor(`k${i}`, s.path, s.n) : object(`k${i}`, s.path)));
        expect(plain(buildTree(entries))).toEqual(plain(reference(entries)));
      }),
      { numRuns: 500 },
    );
  });

  it('finds a repeated sibling among many (the sorted-hash check), and keeps 1 apart from "1"', () => {
    const many = Array.from({ length: 1000 }, (_, i) => tensor(`k${i}`, [`layers.${i}`], 1));
    const repeated = [...many, tensor('again', ['layers.7'], 2)];
    expect(plain(buildTree(repeated))).toEqual(plain(reference(repeated)));
    expect(buildTree(repeated).children.length).toBe(1000);
    const mixed = [...many, tensor('num', [7], 1), tensor('str', ['7'], 1)];
    expect(buildTree(mixed).children.length).toBe(1002);
  });
});
