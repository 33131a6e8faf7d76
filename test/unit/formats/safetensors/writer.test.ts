import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planSafetensorsFile, type SafetensorsPlanInput } from '../../../../electron/formats/safetensors/writer';
import { MemorySource } from '../../../../electron/io/memory-source';
import { parseSafetensorsHeader } from '../../../../electron/formats/safetensors/header';
import { ALL_DTYPES, DTYPES, type DType } from '../../../../shared/model/dtype';
import { FormatError } from '../../../../shared/errors';
import { FIXTURES, fixtureBytes, parseBytes } from './helpers';

const tensors: SafetensorsPlanInput[] = [
  { name: 'b.weight', dtype: 'bfloat16', shape: [3, 2] },
  { name: 'a.weight', dtype: 'float32', shape: [2, 2] },
  { name: 'a.bias', dtype: 'bfloat16', shape: [3] },
  { name: 'step', dtype: 'int64', shape: [] },
  { name: 'mask', dtype: 'bool', shape: [5] },
];

/** Writes the plan with deterministic data so it can be parsed back. */
function materialize(plan: ReturnType<typeof planSafetensorsFile>): Uint8Array {
  const out = new Uint8Array(plan.fileBytes);
  out.set(plan.header, 0);
  for (let i = plan.header.length; i < out.length; i++) out[i] = (i * 31) & 0xff;
  return out;
}

describe('planSafetensorsFile', () => {
  it('is deterministic: same input, same bytes', () => {
    const a = planSafetensorsFile(tensors, { format: 'pt' });
    const b = planSafetensorsFile([...tensors].reverse(), { format: 'pt' });
    expect(Buffer.from(a.header).equals(Buffer.from(b.header))).toBe(true);
    expect(a.order).toEqual(b.order);
  });

  it('sorts by dtype descending in the crate enum order, then by name, with contiguous offsets', () => {
    const plan = planSafetensorsFile(tensors, { format: 'pt' });
    expect(plan.order.map((o) => [o.name, o.begin, o.end])).toEqual([
      ['step', 0, 8],
      ['a.weight', 8, 24],
      ['a.bias', 24, 30],
      ['b.weight', 30, 42],
      ['mask', 42, 47],
    ]);
    expect(plan.dataBytes).toBe(47);
    expect(plan.fileBytes).toBe(plan.header.length + 47);
  });

  it('orders all dtypes as the crate enum does (U64 I64 F64 C64 F32 U32 I32 BF16 F16 U16 I16 F8_E4M3 F8_E5M2 I8 U8 BOOL)', () => {
    const plan = planSafetensorsFile(
      ALL_DTYPES.map((d) => ({ name: d, dtype: d, shape: [1] })),
      {},
    );
    expect(plan.order.map((o) => DTYPES[o.dtype].safetensors)).toEqual(
      ['U64', 'I64', 'F64', 'C64', 'F32', 'U32', 'I32', 'BF16', 'F16', 'U16', 'I16', 'F8_E4M3', 'F8_E5M2', 'I8', 'U8', 'BOOL'],
    );
  });

  it('sorts names by code point like Rust, not by UTF-16 unit like JS', () => {
    const plan = planSafetensorsFile(
      [
        { name: '\u{1F600}', dtype: 'uint8', shape: [1] },
        { name: '\uFF5E', dtype: 'uint8', shape: [1] },
        { name: 'a', dtype: 'uint8', shape: [1] },
      ],
      {},
    );
    expect(plan.order.map((o) => o.name)).toEqual(['a', '\uFF5E', '\u{1F600}']);
  });

  it('writes __metadata__ first, JSON without spaces, padded with spaces to a multiple of 8', () => {
    const plan = planSafetensorsFile([{ name: 'x', dtype: 'float32', shape: [2] }], { format: 'pt' });
    const n = Number(new DataView(plan.header.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    expect(plan.header.length).toBe(8 + n);
    const text = new TextDecoder().decode(plan.header.subarray(8));
    expect(text).toBe('{"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'.padEnd(n, ' '));
  });

  it('is read back by our reader: names, dtypes, shapes, offsets and metadata', async () => {
    const plan = planSafetensorsFile(tensors, { format: 'pt', note: 'é "quoted"\n' });
    const h = await parseBytes('out.safetensors', materialize(plan));
    expect(h.tensors).toEqual(plan.order);
    expect(h.metadata).toEqual({ format: 'pt', note: 'é "quoted"\n' });
    expect(h.dataStart).toBe(plan.header.length);
  });

  it('writes an empty tensor list as a valid file', async () => {
    const plan = planSafetensorsFile([], { format: 'pt' });
    expect(plan.dataBytes).toBe(0);
    const h = await parseBytes('empty.safetensors', plan.header);
    expect(h.tensors).toEqual([]);
    expect(h.metadata).toEqual({ format: 'pt' });
  });

  it('rejects a tensor named twice', () => {
    expect(() => planSafetensorsFile([tensors[0] as SafetensorsPlanInput, tensors[0] as SafetensorsPlanInput], {})).toThrow('tensor "b.weight" is given twice');
  });

  it('rejects a tensor named __metadata__', () => {
    expect(() => planSafetensorsFile([{ name: '__metadata__', dtype: 'uint8', shape: [1] }], {})).toThrow('"__metadata__" cannot be a tensor name');
  });

  it('rejects a name with a lone surrogate (no UTF-8 form)', () => {
    expect(() => planSafetensorsFile([{ name: 'a\uD800', dtype: 'uint8', shape: [1] }], {})).toThrow(FormatError);
  });

  it('rejects a shape whose byte size overflows 2^53', () => {
    const e = (() => {
      try {
        planSafetensorsFile([{ name: 'w', dtype: 'float64', shape: [2 ** 26, 2 ** 26, 2 ** 26] }], {});
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(FormatError);
    expect((e as FormatError).code).toBe('LIMIT');
  });
});

describe('planSafetensorsFile matches files written by the Python safetensors library byte for byte', () => {
  const shardFiles = [
    ...readdirSync(`${FIXTURES}hf_sharded/checkpoint`).map((f) => `hf_sharded/checkpoint/${f}`),
    ...readdirSync(`${FIXTURES}hf_consolidated/checkpoint/sharded`).map((f) => `hf_consolidated/checkpoint/sharded/${f}`),
  ].filter((f) => f.endsWith('.safetensors'));

  it('finds the six shard-* fixture files', () => {
    expect(shardFiles).toHaveLength(6);
  });

  it.each(shardFiles)('%s', async (rel) => {
    const bytes = fixtureBytes(rel);
    const h = await parseSafetensorsHeader(new MemorySource(rel, bytes));
    const input = [...h.tensors].reverse().map((t) => ({ name: t.name, dtype: t.dtype as DType, shape: t.shape }));
    const plan = planSafetensorsFile(input, h.metadata ?? {});
    expect(Buffer.from(plan.header).equals(Buffer.from(bytes.subarray(0, h.dataStart)))).toBe(true);
    expect(plan.fileBytes).toBe(bytes.length);
    expect(plan.order.map((o) => [o.name, o.begin, o.end])).toEqual(h.tensors.map((t) => [t.name, t.begin, t.end]));
  });
});
