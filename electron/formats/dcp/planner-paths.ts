// planner_data read in step with state_dict: torch writes both dicts in the same key order, so
// the path of the key at state_dict position p is kept at index p of an array. A 100k-key file
// then makes no Map (and hashes no key) for it; the reader takes paths by position (at()).
// It is a ReadonlyMap like the pickle machine's, iterating in the same (the file's) order.

import type { PathElement } from '../../../shared/model/checkpoint';

export class PositionalPaths implements ReadonlyMap<string, readonly PathElement[]> {
  private count = 0;

  /** `stateKeys`: the state_dict keys in order; `paths[p]`: the path of stateKeys[p], if planner_data has one. */
  constructor(
    private readonly stateKeys: readonly string[],
    private readonly paths: ReadonlyArray<readonly PathElement[] | undefined>,
  ) {
    for (const p of paths) if (p !== undefined) this.count++;
  }

  /** The path of the key at state_dict position p. */
  at(p: number): readonly PathElement[] | undefined {
    return this.paths[p];
  }

  get size(): number {
    return this.count;
  }

  get(key: string): readonly PathElement[] | undefined {
    const p = this.stateKeys.indexOf(key); // tools and tests only: the reader uses at()
    return p < 0 ? undefined : this.paths[p];
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  *entries(): MapIterator<[string, readonly PathElement[]]> {
    for (let p = 0; p < this.paths.length; p++) {
      const path = this.paths[p];
      if (path !== undefined) yield [this.stateKeys[p] as string, path];
    }
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<readonly PathElement[]> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(f: (value: readonly PathElement[], key: string, map: ReadonlyMap<string, readonly PathElement[]>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, readonly PathElement[]]> {
    return this.entries();
  }
}
