import { describe, expect, it } from 'vitest';
import { StorageIndex, storageKey } from '../../../../electron/formats/dcp/storage-index';

const info = (offset: number) => ({ kind: 'torch-item' as const, file: '__0_0.distcp', offset, length: 1, transforms: [] as string[] });

describe('StorageIndex', () => {
  it('files entries by state_dict position in any order, and finds them by fqn or position', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const index = new StorageIndex(keys);
    // Rank-major, skipping keys, jumping back, a key not in the state_dict, a bytes item.
    const adds: Array<[string, number[] | null]> = [['a', [0]], ['c', [0]], ['g', [0]], ['a', [4]], ['e', [4]], ['zz', [0]], ['b', null], ['a', [8]]];
    adds.forEach(([fqn, off], n) => expect(index.add(fqn, off, info(n))).toBe(true));
    expect(index.size).toBe(adds.length);
    adds.forEach(([fqn, off], n) => expect(index.find(fqn, off)).toBe(n));
    expect(index.findAt(0, [4])).toBe(3);
    expect(index.findAt(1, null)).toBe(6);
    expect([index.find('a', [12]), index.find('b', []), index.find('nope', [0]), index.findAt(3, [0])]).toEqual([-1, -1, -1, -1]);
    expect(index.add('a', [4], info(99))).toBe(false);
    expect(index.add('zz', [0], info(99))).toBe(false);
    expect([...index.toMap().keys()]).toEqual(adds.map(([fqn, off]) => storageKey(fqn, off)));
  });

  it('tells null offsets (bytes items) from empty ones (0-d chunks)', () => {
    const index = new StorageIndex(['s']);
    expect(index.add('s', null, info(0))).toBe(true);
    expect(index.add('s', [], info(1))).toBe(true);
    expect([index.find('s', null), index.find('s', [])]).toEqual([0, 1]);
  });

  it('switches a large group to a map and still finds every chunk', () => {
    const index = new StorageIndex(['w']);
    for (let i = 0; i < 100; i++) expect(index.add('w', [i, 0], info(i))).toBe(true);
    for (let i = 99; i >= 0; i--) expect(index.findAt(0, [i, 0])).toBe(i);
    expect(index.add('w', [50, 0], info(0))).toBe(false);
    expect(index.find('w', [100, 0])).toBe(-1);
  });
});
