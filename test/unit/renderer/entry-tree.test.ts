// The key tree rebuilt from the summary's columns: grouped by planner_data paths (never by
// splitting on dots), list indexes as [i], totals per subtree, search and visible rows.

import { describe, expect, it } from 'vitest';
import type { EntryTable } from '../../../shared/ipc/contract';
import type { PathElement } from '../../../shared/model/checkpoint';
import { ancestorsOf, buildEntryTree, EXPAND_ALL_BELOW_ENTRIES, initialExpansion, ROOT } from '../../../renderer/lib/entry-tree';
import { countMatches, flattenTree, parseQuery } from '../../../renderer/lib/flatten-tree';

function table(rows: [string, PathElement[], 't' | 'o' | 'u', string, number[], number][]): EntryTable {
  return {
    keys: rows.map((r) => r[0]),
    paths: rows.map((r) => r[1]),
    kinds: rows.map((r) => r[2]),
    types: rows.map((r) => r[3]),
    shapes: rows.map((r) => r[4]),
    nbytes: rows.map((r) => r[5]),
    chunkCounts: rows.map((r) => (r[2] === 't' ? 1 : 0)),
  };
}

// fsdp_train's shapes: model keys at the top level (one path element holding dots), optimizer
// state four levels deep, a list index in param_groups.
const T = table([
  ['layers.0.attention.wq.weight', ['layers.0.attention.wq.weight'], 't', 'float32', [16, 16], 1024],
  ['optimizer.state.layers.0.attention.wq.weight.exp_avg', ['optimizer', 'state', 'layers.0.attention.wq.weight', 'exp_avg'], 't', 'float32', [16, 16], 1024],
  ['optimizer.state.layers.0.attention.wq.weight.step', ['optimizer', 'state', 'layers.0.attention.wq.weight', 'step'], 't', 'float32', [], 4],
  ['optimizer.param_groups.0.lr', ['optimizer', 'param_groups', 0, 'lr'], 'o', 'float', [], 0],
  ['evil', ['evil'], 'u', 'unsafe', [], 0],
]);

describe('buildEntryTree', () => {
  const tree = buildEntryTree(T);
  const label = (id: number): string => tree.nodes[id]!.label;
  const childLabels = (id: number): string[] => tree.nodes[id]!.children.map(label);

  it('groups by path elements, keeping dotted names whole and list indexes as [i]', () => {
    expect(childLabels(ROOT)).toEqual(['layers.0.attention.wq.weight', 'optimizer', 'evil']);
    const opt = tree.nodes[ROOT]!.children[1]!;
    expect(childLabels(opt)).toEqual(['state', 'param_groups']);
    const groups = tree.nodes[opt]!.children[1]!;
    expect(childLabels(groups)).toEqual(['[0]']);
    expect(tree.nodes[tree.nodes[groups]!.children[0]!]!.isListIndex).toBe(true);
  });

  it('keeps totals per subtree', () => {
    const root = tree.nodes[ROOT]!;
    expect([root.tensors, root.objects, root.bytes, root.elements]).toEqual([3, 2, 2052, 513]);
    const opt = tree.nodes[root.children[1]!]!;
    expect([opt.tensors, opt.objects, opt.bytes]).toEqual([2, 1, 1028]);
  });

  it('maps keys to entries and entries to nodes', () => {
    const e = tree.entryOfKey.get('optimizer.param_groups.0.lr')!;
    expect(e).toBe(3);
    const node = tree.nodeOfEntry[e]!;
    expect(ancestorsOf(tree, node).map(label)).toEqual(['optimizer', 'param_groups', '[0]']);
  });

  it('opens everything for a small checkpoint, the top level only for a big one', () => {
    expect(initialExpansion(tree).size).toBe(tree.nodes.filter((n) => n.id !== ROOT && n.children.length > 0).length);
    const n = EXPAND_ALL_BELOW_ENTRIES + 1;
    const big = buildEntryTree(table(Array.from({ length: n }, (_, i) => [`g.${i}.w`, ['g', `${i}`, 'w'], 't', 'float32', [1], 4] as [string, PathElement[], 't', string, number[], number])));
    expect([...initialExpansion(big)].map((id) => big.nodes[id]!.label)).toEqual(['g']);
  });
});

describe('flattenTree', () => {
  const tree = buildEntryTree(T);
  const labels = (ids: number[]): string[] => ids.map((id) => tree.nodes[id]!.label);

  it('shows children of expanded nodes only', () => {
    expect(labels(flattenTree(tree, new Set(), []))).toEqual(['layers.0.attention.wq.weight', 'optimizer', 'evil']);
    const opt = tree.nodes[ROOT]!.children[1]!;
    expect(labels(flattenTree(tree, new Set([opt]), []))).toEqual(['layers.0.attention.wq.weight', 'optimizer', 'state', 'param_groups', 'evil']);
  });

  it('with a search, shows every match with its ancestors open, whatever was expanded', () => {
    const words = parseQuery('  WQ   exp ');
    expect(words).toEqual(['wq', 'exp']);
    expect(labels(flattenTree(tree, new Set(), words))).toEqual(['optimizer', 'state', 'layers.0.attention.wq.weight', 'exp_avg']);
    expect(countMatches(tree, words)).toBe(1);
    // dtypes and Python types are searchable too
    expect(countMatches(tree, ['unsafe'])).toBe(1);
    expect(countMatches(tree, ['float32'])).toBe(3);
    expect(flattenTree(tree, new Set(), ['nothing-like-this'])).toEqual([]);
  });

  it('handles 100,000 keys: a closed tree lists only its top level, a search only the path to a match', () => {
    const n = 100_000;
    const big = buildEntryTree(
      table(Array.from({ length: n }, (_, i) => [`model.layers.${i % 100}.w${i}`, ['model', `layers.${i % 100}`, `w${i}`], 't', 'bfloat16', [4096], 8192] as [string, PathElement[], 't', string, number[], number])),
    );
    expect(big.nodes[ROOT]!.tensors).toBe(n);
    // Closed: only the top level is visited.
    expect(flattenTree(big, new Set(), [])).toHaveLength(1);
    expect(flattenTree(big, new Set(), ['w99999'])).toHaveLength(3);
  });
});
