// `model.safetensors.index.json`: `{"metadata": {"total_size": N, …}, "weight_map": {tensor: file}}`
// (formats.md section 7; written by Transformers' save_pretrained, huggingface_hub and torch's
// consolidate_safetensors_files).
//
// Parsed strictly: a tensor named twice is refused (JSON.parse would keep the last and hide the
// first), every weight_map value must be a bare file name inside the folder (a crafted index must
// not reach `../` or `/etc`), the number of distinct files is capped. Extra `metadata` keys and
// extra top-level keys (some tools add `dtype`) are kept, as JSON text when not strings.
// Cross-checks against the folder and the files' headers are the reader's (read-sharded.ts).

import { FormatError } from '../../../shared/errors';
import { assertBareFileName } from '../paths';
import { MAX_INDEX_FILES, MAX_JSON_DEPTH } from '../safetensors/limits';
import {
  type JsonObject,
  type JsonValue,
  JsonNumber,
  StrictJsonError,
  describeJsonValue,
  isJsonObject,
  jsonValueText,
  parseStrictJson,
} from '../safetensors/strict-json';

export interface HfIndexEntry {
  readonly tensor: string;
  readonly file: string;
}

export interface HfIndex {
  /** weight_map in the order the file lists it. */
  readonly weightMap: readonly HfIndexEntry[];
  /** Distinct file names, in order of first mention. */
  readonly files: readonly string[];
  /** metadata.total_size when it is a non-negative integer, else null. */
  readonly totalSize: number | null;
  /** metadata entries; non-string values as compact JSON text (`30024`, `{"a":1}`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Top-level keys other than metadata and weight_map, as compact JSON text. */
  readonly extra: Readonly<Record<string, string>>;
}

/** Parses index JSON bytes. `file` names the index in messages. Throws FormatError. */
export function parseHfIndexJson(file: string, bytes: Uint8Array): HfIndex {
  const root = parseRoot(file, bytes);
  const wm = root.get('weight_map');
  if (!isJsonObject(wm)) {
    throw new FormatError('CORRUPT', `${file}: "weight_map" must be an object of tensor name → file name, but it is ${describeJsonValue(wm)}`, { file, key: 'weight_map' });
  }
  const weightMap: HfIndexEntry[] = [];
  const files: string[] = [];
  const seenFiles = new Set<string>();
  for (const [tensor, v] of wm) {
    if (typeof v !== 'string') {
      throw new FormatError('CORRUPT', `${file}: weight_map entry for tensor ${JSON.stringify(tensor)} is ${describeJsonValue(v)}, not a file name`, { file, key: tensor });
    }
    try {
      assertBareFileName(v);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      throw new FormatError(e.code, `${file}: weight_map entry for tensor ${JSON.stringify(tensor)}: ${e.message}`, { file, key: tensor });
    }
    if (!seenFiles.has(v)) {
      if (files.length >= MAX_INDEX_FILES) {
        throw new FormatError('LIMIT', `${file}: weight_map names more than ${MAX_INDEX_FILES} distinct files`, { file, key: tensor });
      }
      seenFiles.add(v);
      files.push(v);
    }
    weightMap.push({ tensor, file: v });
  }

  const metaV = root.get('metadata');
  if (metaV !== undefined && metaV !== null && !isJsonObject(metaV)) {
    throw new FormatError('CORRUPT', `${file}: "metadata" must be an object, but it is ${describeJsonValue(metaV)}`, { file, key: 'metadata' });
  }
  const meta: JsonObject = isJsonObject(metaV) ? metaV : new Map();
  const metadata = textRecord(meta);
  const ts = meta.get('total_size');
  const totalSize = ts instanceof JsonNumber && typeof ts.asIndex() === 'number' ? (ts.asIndex() as number) : null;

  const rest: JsonObject = new Map([...root].filter(([k]) => k !== 'metadata' && k !== 'weight_map'));
  return { weightMap, files, totalSize, metadata, extra: textRecord(rest) };
}

function parseRoot(file: string, bytes: Uint8Array): JsonObject {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new FormatError('CORRUPT', `${file}: the index is not valid UTF-8 text`, { file });
  }
  let root: JsonValue;
  try {
    root = parseStrictJson(text, MAX_JSON_DEPTH);
  } catch (e) {
    if (!(e instanceof StrictJsonError)) throw e;
    const at = new TextEncoder().encode(text.slice(0, e.position)).length;
    if (e.failure === 'duplicate-key') {
      const inside = e.path.join('.');
      const what = inside === 'weight_map' ? `tensor ${JSON.stringify(e.key)} appears twice in weight_map` : `key ${JSON.stringify(e.key)} appears twice${inside ? ` inside "${inside}"` : ''}`;
      throw new FormatError('CORRUPT', `${file}: ${what} (second at byte ${at})`, { file, key: e.key ?? '', offset: at });
    }
    if (e.failure === 'too-deep') throw new FormatError('LIMIT', `${file}: ${e.message} (at byte ${at})`, { file, offset: at });
    throw new FormatError('CORRUPT', `${file}: not valid JSON: ${e.message} at byte ${at}`, { file, offset: at });
  }
  if (!isJsonObject(root)) throw new FormatError('CORRUPT', `${file}: the index must be a JSON object, but it is ${describeJsonValue(root)}`, { file });
  return root;
}

function textRecord(obj: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of obj) {
    Object.defineProperty(out, k, { value: typeof v === 'string' ? v : jsonValueText(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
