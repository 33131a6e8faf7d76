// Test helpers for the HF layouts: build shard files in memory, and assemble a tensor from its
// raw chunks (formats.md section 5) so hashes can be compared with expected.json.

import { planSafetensorsFile } from '../../../../electron/formats/safetensors/writer';
import type { CheckpointFolder } from '../../../../electron/io/folder';
import type { TensorEntry } from '../../../../shared/model/checkpoint';
import { DTYPES, type DType } from '../../../../shared/model/dtype';
import { contiguousStrides } from '../../../../shared/model/shape';

export interface TestTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Byte value to fill the tensor with (default: its index in the plan). */
  readonly fill?: number;
}

/** A complete safetensors file as the Python library would write it. */
export function buildFile(tensors: readonly TestTensor[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const plan = planSafetensorsFile(tensors, metadata);
  const out = new Uint8Array(plan.fileBytes);
  out.set(plan.header, 0);
  plan.order.forEach((o, i) => {
    const fill = tensors.find((t) => t.name === o.name)?.fill ?? i;
    out.fill(fill, plan.header.length + o.begin, plan.header.length + o.end);
  });
  return out;
}

/** DCP_SHARDING_INFO text, with Python json.dumps spacing as torch writes it. */
export function shardingInfo(offsets: Readonly<Record<string, readonly number[]>>): string {
  return `{${Object.entries(offsets)
    .map(([k, v]) => `${JSON.stringify(k)}: {"saved_offsets": [${v.join(', ')}]}`)
    .join(', ')}}`;
}

/** The full tensor's C-order bytes, scattered from its raw chunks. */
export async function assembleTensor(folder: CheckpointFolder, entry: TensorEntry): Promise<Uint8Array> {
  const item = DTYPES[entry.dtype].itemsize;
  const out = new Uint8Array(entry.nbytes);
  const gStrides = contiguousStrides(entry.shape);
  for (const c of entry.chunks) {
    if (c.source.kind !== 'raw') throw new Error('test assembler reads raw chunks only');
    const src = await (await folder.open(c.source.file)).read(c.source.offset, c.source.length);
    const n = c.sizes.length;
    if (n === 0) {
      out.set(src, 0);
      continue;
    }
    const rowLen = (c.sizes[n - 1] as number) * item;
    const rows = c.sizes.slice(0, -1).reduce((a, b) => a * b, 1);
    if (rowLen === 0 || rows === 0) continue;
    const idx = new Array<number>(n - 1).fill(0);
    for (let r = 0; r < rows; r++) {
      let g = c.offsets[n - 1] as number;
      for (let d = 0; d < n - 1; d++) g += ((idx[d] as number) + (c.offsets[d] as number)) * (gStrides[d] as number);
      out.set(src.subarray(r * rowLen, (r + 1) * rowLen), g * item);
      for (let d = n - 2; d >= 0; d--) {
        idx[d] = (idx[d] as number) + 1;
        if ((idx[d] as number) < (c.sizes[d] as number)) break;
        idx[d] = 0;
      }
    }
  }
  return out;
}
