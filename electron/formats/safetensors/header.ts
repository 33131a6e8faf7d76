// safetensors header reader. Spec: https://github.com/huggingface/safetensors (README "Format")
// and the reference implementation `read_metadata` in safetensors/src/tensor.rs.
//
// Layout: u64 LE N, then N bytes of UTF-8 JSON, then the data buffer. Only the 8 + N header
// bytes are read; tensor data stays on disk and is referenced by [dataStart + begin, + length).
//
// Variants: padded headers (trailing spaces, as the library writes them) and leading JSON
// whitespace (accepted by the crate since #686, "writers may pad the header"); files without
// `__metadata__` or with `"__metadata__": null`; unknown per-tensor fields (the crate ignores
// them, so do we). Refused, with the crate's reason: see errors.ts.
// Known gaps: sub-byte and exotic float dtypes (F4, F6_*, F8_E8M0, *FNUZ) are refused as
// UNSUPPORTED rather than shown.

import type { ByteSource } from '../../io/byte-source';
import { type DType, dtypeFromSafetensors } from '../../../shared/model/dtype';
import { SafetensorsError, quoteName } from './errors';
import { MAX_DIMS, MAX_HEADER_BYTES, MAX_JSON_DEPTH, MAX_TENSORS_PER_FILE } from './limits';
import {
  type JsonObject,
  type JsonValue,
  JsonNumber,
  StrictJsonError,
  describeJsonValue,
  isJsonObject,
  isJsonWhitespace,
  parseStrictJson,
} from './strict-json';
import { validateSafetensorsLayout } from './validate';

export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Offsets into the data buffer, which starts at `dataStart`; `end` is exclusive. */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** N, the JSON length written in the first 8 bytes (padding included). */
  readonly headerLength: number;
  /** 8 + N: where the data buffer starts in the file. */
  readonly dataStart: number;
  /** In the order the header lists them. */
  readonly tensors: readonly SafetensorsTensorInfo[];
  /** `__metadata__`, or null when absent or `null`. */
  readonly metadata: Readonly<Record<string, string>> | null;
}

/** Length prefix size: a u64. */
const N_LEN = 8;

/** dtypes the crate's `Dtype` enum defines that Shardscope does not model. */
const CRATE_ONLY_DTYPES = new Set(['F4', 'F6_E2M3', 'F6_E3M2', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ']);

/** Reads and validates the header of a safetensors file (8 + N bytes, never the data). */
export async function parseSafetensorsHeader(src: ByteSource): Promise<SafetensorsHeader> {
  const file = src.name;
  if (src.size < N_LEN) {
    throw new SafetensorsError('HEADER_TOO_SMALL', file, `the file has ${src.size} bytes, fewer than the 8-byte header length prefix`, { offset: 0 });
  }
  const prefix = await src.read(0, N_LEN);
  const n = new DataView(prefix.buffer, prefix.byteOffset, N_LEN).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError('HEADER_TOO_LARGE', file, `the header length prefix says ${n} bytes, more than the ${MAX_HEADER_BYTES}-byte limit`, { offset: 0 });
  }
  const headerLength = Number(n);
  if (N_LEN + headerLength > src.size) {
    throw new SafetensorsError(
      'INVALID_HEADER_LENGTH',
      file,
      `the header length prefix says ${headerLength} bytes, but the file has only ${src.size - N_LEN} bytes after the prefix`,
      { offset: 0 },
    );
  }
  const json = await src.read(N_LEN, headerLength);
  return decodeSafetensorsHeader(file, json, src.size);
}

/**
 * The pure part: header JSON bytes (without the prefix) + the file size → a validated header.
 * Exposed for callers that already hold the bytes (fuzzing, writers checking themselves).
 */
export function decodeSafetensorsHeader(file: string, json: Uint8Array, fileSize: number): SafetensorsHeader {
  const headerLength = json.length;
  const dataStart = N_LEN + headerLength;
  let text: string;
  try {
    // ignoreBOM keeps a U+FEFF in the text, so it is refused below like serde refuses it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(json);
  } catch {
    const at = N_LEN + firstBadUtf8(json);
    throw new SafetensorsError('INVALID_HEADER_UTF8', file, `the ${headerLength}-byte header is not valid UTF-8 (bad byte sequence at byte ${at})`, { offset: at });
  }
  let i = 0;
  while (i < text.length && isJsonWhitespace(text.charCodeAt(i))) i++;
  if (i === text.length) throw new SafetensorsError('INVALID_HEADER_JSON', file, `the ${headerLength}-byte header is empty or only whitespace`, { offset: N_LEN });
  if (text.charCodeAt(i) !== 0x7b) {
    throw new SafetensorsError('INVALID_HEADER_START', file, `the header must be a JSON object starting with '{', but it starts with ${JSON.stringify(text.slice(i, i + 16))}`, {
      offset: N_LEN + utf8Length(text.slice(0, i)),
    });
  }
  let root: JsonValue;
  try {
    root = parseStrictJson(text, MAX_JSON_DEPTH);
  } catch (e) {
    throw jsonError(file, text, e);
  }
  const { tensors, metadata } = readSchema(file, root as JsonObject);
  validateSafetensorsLayout(file, tensors, dataStart, fileSize);
  return { headerLength, dataStart, tensors, metadata };
}

function readSchema(file: string, root: JsonObject): { tensors: SafetensorsTensorInfo[]; metadata: Record<string, string> | null } {
  const tensors: SafetensorsTensorInfo[] = [];
  let metadata: Record<string, string> | null = null;
  for (const [name, value] of root) {
    if (name === '__metadata__') {
      metadata = readMetadata(file, value);
      continue;
    }
    if (tensors.length >= MAX_TENSORS_PER_FILE) {
      throw new SafetensorsError('TOO_MANY', file, `the header declares more than ${MAX_TENSORS_PER_FILE} tensors`);
    }
    tensors.push(readTensor(file, name, value));
  }
  return { tensors, metadata };
}

function readMetadata(file: string, value: JsonValue): Record<string, string> | null {
  if (value === null) return null; // serde: Option<HashMap> accepts null
  if (!isJsonObject(value)) {
    throw new SafetensorsError('INVALID_METADATA', file, `__metadata__ must be an object of strings, but it is ${describeJsonValue(value)}`, { key: '__metadata__' });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of value) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        'INVALID_METADATA',
        file,
        `__metadata__ value for ${quoteName(k)} is ${describeJsonValue(v)}; safetensors metadata values must be strings`,
        { key: `__metadata__.${k}` },
      );
    }
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function readTensor(file: string, name: string, value: JsonValue): SafetensorsTensorInfo {
  const bad = (detail: string): never => {
    throw new SafetensorsError('INVALID_HEADER_SCHEMA', file, `tensor ${quoteName(name)} ${detail}`, { key: name });
  };
  if (!isJsonObject(value)) return bad(`must be an object with dtype, shape and data_offsets, but it is ${describeJsonValue(value)}`);
  const code = value.get('dtype');
  const shapeV = value.get('shape');
  const offsetsV = value.get('data_offsets');
  if (typeof code !== 'string') return bad(`has dtype ${describeJsonValue(code)}; expected a dtype name such as "F32"`);
  const dtype = dtypeFromSafetensors(code);
  if (dtype === undefined) {
    if (CRATE_ONLY_DTYPES.has(code)) {
      throw new SafetensorsError('UNSUPPORTED_DTYPE', file, `tensor ${quoteName(name)} has dtype ${code}, which Shardscope does not read yet`, { key: name });
    }
    throw new SafetensorsError('UNKNOWN_DTYPE', file, `tensor ${quoteName(name)} has unknown dtype ${JSON.stringify(code)}`, { key: name });
  }
  if (!Array.isArray(shapeV)) return bad(`has shape ${describeJsonValue(shapeV)}; expected an array of sizes`);
  if (shapeV.length > MAX_DIMS) {
    throw new SafetensorsError('TOO_MANY', file, `tensor ${quoteName(name)} has ${shapeV.length} dimensions, more than the limit of ${MAX_DIMS}`, { key: name });
  }
  const shape = shapeV.map((d, i) => readIndex(file, name, `shape[${i}]`, d));
  if (!Array.isArray(offsetsV) || offsetsV.length !== 2) {
    return bad(`has data_offsets ${Array.isArray(offsetsV) ? `with ${offsetsV.length} numbers` : describeJsonValue(offsetsV)}; expected [begin, end]`);
  }
  const begin = readIndex(file, name, 'data_offsets[0]', offsetsV[0]);
  const end = readIndex(file, name, 'data_offsets[1]', offsetsV[1]);
  return { name, dtype, shape, begin, end };
}

function readIndex(file: string, name: string, field: string, v: JsonValue | undefined): number {
  if (!(v instanceof JsonNumber)) {
    throw new SafetensorsError('INVALID_HEADER_SCHEMA', file, `tensor ${quoteName(name)} has ${field} = ${describeJsonValue(v)}; expected a non-negative integer`, { key: name });
  }
  const n = v.asIndex();
  if (n === 'too-large') {
    throw new SafetensorsError('NUMBER_TOO_LARGE', file, `tensor ${quoteName(name)} has ${field} = ${v.text}, above 2^53 - 1 (9007199254740991)`, { key: name });
  }
  if (typeof n !== 'number') {
    throw new SafetensorsError('INVALID_HEADER_SCHEMA', file, `tensor ${quoteName(name)} has ${field} = ${v.text}; expected a non-negative integer`, { key: name });
  }
  return n;
}

function jsonError(file: string, text: string, e: unknown): SafetensorsError {
  if (!(e instanceof StrictJsonError)) throw e;
  const offset = N_LEN + utf8Length(text.slice(0, e.position));
  if (e.failure === 'duplicate-key') {
    const where = e.path.length === 0 ? `tensor name ${quoteName(e.key ?? '')} appears twice in the header` : `key ${quoteName(e.key ?? '')} appears twice inside ${quoteName(e.path.join('.'))}`;
    return new SafetensorsError('DUPLICATE_NAME', file, `${where} (second at byte ${offset})`, { key: e.path[0] ?? e.key ?? '', offset });
  }
  if (e.failure === 'too-deep') return new SafetensorsError('TOO_MANY', file, `header ${e.message} (at byte ${offset})`, { offset });
  return new SafetensorsError('INVALID_HEADER_JSON', file, `the header is not valid JSON: ${e.message} at byte ${offset}`, { offset });
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Index of the first byte that breaks UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF); for messages only. */
function firstBadUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    const c1 = b[i + 1] as number;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= n; k++) {
      const ck = b[i + k] as number;
      if (ck < 0x80 || ck > 0xbf) return i;
    }
    i += n + 1;
  }
  return b.length;
}
