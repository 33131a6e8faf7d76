// Plans a safetensors file the way the reference crate's `prepare()` + `serialize_to_file` write
// it (huggingface/safetensors, safetensors/src/tensor.rs), so our output is byte-identical to
// files written by the Python library for the same tensors and metadata:
//   - tensors sorted by dtype, descending in the crate's `Dtype` enum order (DTYPES.writeRank),
//     then by name (Rust `String` order = code points); offsets assigned contiguously from 0;
//   - JSON from serde_json::to_string: `__metadata__` first, then tensors in that order, fields
//     `dtype, shape, data_offsets`, no spaces;
//   - JSON padded with spaces (0x20) to a multiple of 8, so the data buffer is 8-aligned;
//   - header over MAX_HEADER_BYTES refused (the crate's HeaderTooLarge at serialization).
// The crate writes `__metadata__` keys in HashMap order (random); we write them in the order the
// caller's object lists them, which keeps output deterministic.
// The plan is pure: the caller streams tensor bytes in `order` after `header`.

import { DTYPES, type DType } from '../../../shared/model/dtype';
import { byteSize, formatShape } from '../../../shared/model/shape';
import { FormatError } from '../../../shared/errors';
import { MAX_DIMS, MAX_HEADER_BYTES } from './limits';
import { compareCodePoints, serdeJsonString } from './json-text';

export interface SafetensorsPlanInput {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export interface SafetensorsPlannedTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Offsets into the data buffer (file offset = header.length + begin). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsFilePlan {
  /** 8-byte LE length + JSON padded with spaces to a multiple of 8. */
  readonly header: Uint8Array;
  /** Write order: the tensors' bytes go after the header in exactly this order. */
  readonly order: readonly SafetensorsPlannedTensor[];
  readonly dataBytes: number;
  readonly fileBytes: number;
}

const N_LEN = 8;
/** The crate aligns the data buffer to its u64 length prefix size. */
const HEADER_ALIGN = 8;

export function planSafetensorsFile(
  tensors: readonly SafetensorsPlanInput[],
  metadata: Readonly<Record<string, string>>,
): SafetensorsFilePlan {
  const seen = new Set<string>();
  const sized = tensors.map((t) => {
    checkName(t.name, seen);
    if (t.shape.length > MAX_DIMS) {
      throw new FormatError('LIMIT', `tensor ${JSON.stringify(t.name)} has ${t.shape.length} dimensions, more than the limit of ${MAX_DIMS}`, { key: t.name });
    }
    const nbytes = byteSize(t.shape, DTYPES[t.dtype].itemsize);
    if (nbytes === null) {
      throw new FormatError('LIMIT', `tensor ${JSON.stringify(t.name)} with shape ${formatShape(t.shape)} is larger than 2^53 bytes or has an invalid size`, { key: t.name });
    }
    return { t, nbytes };
  });
  sized.sort((a, b) => DTYPES[b.t.dtype].writeRank - DTYPES[a.t.dtype].writeRank || compareCodePoints(a.t.name, b.t.name));

  const order: SafetensorsPlannedTensor[] = [];
  let offset = 0;
  for (const { t, nbytes } of sized) {
    order.push({ name: t.name, dtype: t.dtype, shape: [...t.shape], begin: offset, end: offset + nbytes });
    offset += nbytes;
    if (!Number.isSafeInteger(offset)) throw new FormatError('LIMIT', `the tensors add up to more than 2^53 bytes`, { key: t.name });
  }

  const parts: string[] = [];
  const meta = Object.entries(metadata).map(([k, v]) => {
    checkWellFormed(k, 'a __metadata__ key');
    checkWellFormed(v, `__metadata__ value for ${JSON.stringify(k)}`);
    return `${serdeJsonString(k)}:${serdeJsonString(v)}`;
  });
  parts.push(`"__metadata__":{${meta.join(',')}}`);
  for (const o of order) {
    const info = `{"dtype":"${DTYPES[o.dtype].safetensors}","shape":[${o.shape.join(',')}],"data_offsets":[${o.begin},${o.end}]}`;
    parts.push(`${serdeJsonString(o.name)}:${info}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / HEADER_ALIGN) * HEADER_ALIGN;
  if (n > MAX_HEADER_BYTES) {
    throw new FormatError('LIMIT', `the safetensors header would be ${n} bytes, more than the ${MAX_HEADER_BYTES}-byte limit readers accept; split the tensors over more files`);
  }
  const header = new Uint8Array(N_LEN + n).fill(0x20, N_LEN + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(n), true);
  header.set(json, N_LEN);
  return { header, order, dataBytes: offset, fileBytes: header.length + offset };
}

function checkName(name: string, seen: Set<string>): void {
  checkWellFormed(name, 'a tensor name');
  if (name === '__metadata__') {
    throw new FormatError('BAD_REQUEST', `"__metadata__" cannot be a tensor name: safetensors reserves it for the metadata map`, { key: name });
  }
  if (seen.has(name)) throw new FormatError('INCONSISTENT', `tensor ${JSON.stringify(name)} is given twice`, { key: name });
  seen.add(name);
}

// With the `u` flag a surrogate class only matches a surrogate that is not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Lone UTF-16 surrogates have no UTF-8 form; the file would not be valid UTF-8 JSON. */
function checkWellFormed(s: string, what: string): void {
  if (LONE_SURROGATE.test(s)) throw new FormatError('BAD_REQUEST', `${what} (${JSON.stringify(s)}) contains a lone UTF-16 surrogate, which UTF-8 cannot encode`);
}
