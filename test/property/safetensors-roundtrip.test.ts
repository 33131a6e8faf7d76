// Write → read round trip: any tensors and metadata the planner accepts come back unchanged from
// the strict reader, with each tensor's bytes exactly where the plan put them.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSafetensorsFile } from '../../electron/formats/safetensors/writer';
import { parseSafetensorsHeader } from '../../electron/formats/safetensors/header';
import { MemorySource } from '../../electron/io/memory-source';
import { ALL_DTYPES } from '../../shared/model/dtype';

const name = fc.string({ unit: 'binary', minLength: 0, maxLength: 12 }).filter((s) => s !== '__metadata__');
const tensor = fc.record({
  dtype: fc.constantFrom(...ALL_DTYPES),
  shape: fc.array(fc.nat(5), { maxLength: 4 }),
});
const input = fc.record({
  tensors: fc.uniqueArray(fc.tuple(name, tensor), { selector: ([n]) => n, maxLength: 12 }),
  metadata: fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 16 }), { maxKeys: 4 }),
  seed: fc.integer(),
});

describe('safetensors write → read', () => {
  it('round-trips names, dtypes, shapes, metadata and data bytes', async () => {
    await fc.assert(
      fc.asyncProperty(input, async ({ tensors, metadata, seed }) => {
        const plan = planSafetensorsFile(
          tensors.map(([n, t]) => ({ name: n, ...t })),
          metadata,
        );
        const file = new Uint8Array(plan.fileBytes);
        file.set(plan.header);
        let x = seed | 1;
        for (let i = plan.header.length; i < file.length; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          file[i] = x & 0xff;
        }
        expect(plan.header.length % 8).toBe(0);
        const h = await parseSafetensorsHeader(new MemorySource('p.safetensors', file));
        expect(h.tensors).toEqual(plan.order);
        expect(h.metadata).toEqual(metadata);
        expect(h.dataStart).toBe(plan.header.length);
        const again = planSafetensorsFile(
          h.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
          h.metadata ?? {},
        );
        expect(Buffer.from(again.header).equals(Buffer.from(plan.header))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
