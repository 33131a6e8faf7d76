// The rows the tree view shows: the visible node ids in display order, for the virtualized list.
// Without a search, a node is visible when all its ancestors are expanded. With a search, every
// entry whose key (or dtype / Python type) holds all the typed words shows, with its ancestors
// open, whatever was expanded by hand.

import { ROOT, type EntryTree } from './entry-tree';

/** Lower-cased words; an empty query is no filter. */
export function parseQuery(q: string): string[] {
  return q.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
}

export function matches(haystack: string, words: readonly string[]): boolean {
  for (const w of words) if (!haystack.includes(w)) return false;
  return true;
}

export function flattenTree(tree: EntryTree, expanded: ReadonlySet<number>, words: readonly string[]): number[] {
  const out: number[] = [];
  if (words.length === 0) {
    const walk = (id: number): void => {
      for (const c of tree.nodes[id]?.children ?? []) {
        out.push(c);
        if (expanded.has(c)) walk(c);
      }
    };
    walk(ROOT);
    return out;
  }
  // Mark every node on the way to a match, then walk the marked ones in order.
  const keep = new Uint8Array(tree.nodes.length);
  tree.haystack.forEach((h, entry) => {
    if (!matches(h, words)) return;
    for (let id = tree.nodeOfEntry[entry] as number; id > ROOT && keep[id] === 0; id = tree.nodes[id]?.parent ?? ROOT) keep[id] = 1;
  });
  const walk = (id: number): void => {
    for (const c of tree.nodes[id]?.children ?? []) {
      if (keep[c] === 0) continue;
      out.push(c);
      walk(c);
    }
  };
  walk(ROOT);
  return out;
}

/** Number of entries matching the words (for the "N of M" line). */
export function countMatches(tree: EntryTree, words: readonly string[]): number {
  if (words.length === 0) return tree.haystack.length;
  let n = 0;
  for (const h of tree.haystack) if (matches(h, words)) n++;
  return n;
}
