import { describe, expect, it } from 'vitest';
import { batchTasks, equalItem, planItems } from '../../../../electron/services/diff/work';
import type { ValuePair } from '../../../../electron/services/diff/match';
import type { TensorEntry } from '../../../../shared/model/checkpoint';
import type { DType } from '../../../../shared/model/dtype';

function tensor(key: string, shape: number[], dtype: DType = 'float32'): TensorEntry {
  const n = shape.reduce((a, b) => a * b, 1);
  return { kind: 'tensor', key, path: [key], dtype, shape, nbytes: n * (dtype === 'float32' ? 4 : 2), chunks: [] };
}
const pair = (a: TensorEntry, b: TensorEntry = a, permuteHeads: number | null = null): ValuePair => ({ key: a.key, keyA: a.key, a, b, permuteHeads, dtypeChange: false });
const RULE = { tolerance: null, castToFloat32: false };

describe('planItems', () => {
  it('keeps small tensors whole and skips empty ones', () => {
    const items = planItems([pair(tensor('s', [4, 4])), pair(tensor('e', [0, 4])), pair(tensor('x', []))], 1024);
    expect(items.map((i) => [i.pair, i.rows, i.bytes])).toEqual([
      [0, null, 128],
      [2, null, 8],
    ]);
  });

  it('splits a large tensor into row ranges that cover it exactly, sized by the larger side', () => {
    const a = tensor('big', [10, 16], 'bfloat16'); // 320 bytes
    const b = tensor('big', [10, 16], 'float32'); // 640 bytes: rows of 64 bytes
    const items = planItems([pair(a, b)], 200);
    expect(items.map((i) => i.rows)).toEqual([[0, 3], [3, 6], [6, 9], [9, 10]]);
    expect(items.reduce((s, i) => s + i.bytes, 0)).toBe(960);
  });

  it('aligns row ranges to whole heads when the RoPE permutation applies', () => {
    const q = tensor('q', [16, 4]); // 4 heads of 4 rows, 16 bytes a row
    const items = planItems([pair(q, q, 4)], 40); // 2 rows would fit; a head needs 4
    expect(items.map((i) => i.rows)).toEqual([[0, 4], [4, 8], [8, 12], [12, 16]]);
    expect(equalItem(items[1]!)).toMatchObject({ mode: 'equal', rows: [4, 8], permuteHeads: null, bytes: 64 });
  });
});

describe('batchTasks', () => {
  it('groups items up to the byte budget and the item limit, in order', () => {
    const items = planItems([10, 10, 10, 30, 5].map((n, i) => pair(tensor(`t${i}`, [n]))), 1 << 20);
    const tasks = batchTasks(items, RULE, 4096, 80, 2);
    expect(tasks.map((t) => t.items.map((i) => i.pair))).toEqual([[0], [1], [2], [3], [4]]);
    expect(batchTasks(items, RULE, 4096, 1000, 3).map((t) => t.items.length)).toEqual([3, 2]);
    expect(tasks.every((t) => t.blockBytes === 4096 && t.rule === RULE)).toBe(true);
  });
});
