// Read a checkpoint's tensors whole (fixtures are small) and write tensors back as one safetensors
// file with the project's writer plan, so tests can build modified copies of real fixtures.
import { writeFileSync } from 'node:fs';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { readTensorBlocks } from '../../electron/services/tensor-data/assemble';
import { planSafetensorsFile } from '../../electron/formats/safetensors/writer';
import type { DType } from '../../shared/model/dtype';

export interface TensorData {
  dtype: DType;
  shape: number[];
  bytes: Uint8Array;
}

/** key → full C-contiguous bytes, for every tensor of the checkpoint, in its own order. */
export async function readAllTensors(target: string): Promise<Map<string, TensorData>> {
  const ck = await openCheckpoint(target);
  try {
    const out = new Map<string, TensorData>();
    for (const e of ck.model.entries) {
      if (e.kind !== 'tensor') continue;
      const bytes = new Uint8Array(e.nbytes);
      let o = 0;
      for await (const block of readTensorBlocks(ck.folder, e)) {
        bytes.set(block, o);
        o += block.length;
      }
      out.set(e.key, { dtype: e.dtype, shape: [...e.shape], bytes });
    }
    return out;
  } finally {
    await ck.close();
  }
}

/** Writes `tensors` as one safetensors file (crate order and padding, `format: pt`). */
export function writeSafetensors(file: string, tensors: ReadonlyMap<string, TensorData>): void {
  const plan = planSafetensorsFile(
    [...tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape })),
    { format: 'pt' },
  );
  const out = new Uint8Array(plan.fileBytes);
  out.set(plan.header, 0);
  for (const o of plan.order) out.set(tensors.get(o.name)!.bytes, plan.header.length + o.begin);
  writeFileSync(file, out);
}

/** float32 bytes → bfloat16 bytes, round to nearest even (as torch's .to(torch.bfloat16)). */
export function f32ToBf16(bytes: Uint8Array): Uint8Array {
  const src = new Uint32Array(bytes.slice().buffer);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    if ((x & 0x7fffffff) > 0x7f800000) out[i] = (x >>> 16) | 0x40; // NaN stays NaN
    else out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return new Uint8Array(out.buffer);
}

export function f32View(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}
