// `DCP_SHARDING_INFO`: the `__metadata__` string torch's HuggingFaceStorageWriter puts in every
// per-rank shard file (torch/distributed/checkpoint/hf_storage.py, _hf_utils.py). It is JSON
// inside a JSON string (safetensors metadata values must be strings), Python json.dumps
// spacing: `{"fqn": {"saved_offsets": [o0, o1, …]}, …}` — where this rank's chunk of each
// tensor sits in the global tensor. Keys are in the writer's state-dict order, which we keep.
// Unknown fields next to `saved_offsets` are ignored (a newer writer may add some).

import { FormatError } from '../../../shared/errors';
import { MAX_DIMS, MAX_JSON_DEPTH } from '../safetensors/limits';
import { JsonNumber, StrictJsonError, describeJsonValue, isJsonObject, parseStrictJson, type JsonValue } from '../safetensors/strict-json';

export const DCP_SHARDING_INFO_KEY = 'DCP_SHARDING_INFO';

/** fqn → saved_offsets, in the order the writer listed them. Throws FormatError('CORRUPT'|'LIMIT'). */
export function parseDcpShardingInfo(file: string, text: string): Map<string, number[]> {
  const bad = (detail: string, key?: string): never => {
    throw new FormatError('CORRUPT', `${file}: ${DCP_SHARDING_INFO_KEY} ${detail}`, { file, ...(key !== undefined ? { key } : {}) });
  };
  let root: JsonValue;
  try {
    root = parseStrictJson(text, MAX_JSON_DEPTH);
  } catch (e) {
    if (!(e instanceof StrictJsonError)) throw e;
    if (e.failure === 'duplicate-key') return bad(`names ${JSON.stringify(e.key)} twice`, e.key);
    return bad(`is not valid JSON: ${e.message} at character ${e.position}`);
  }
  if (!isJsonObject(root)) return bad(`must be a JSON object of tensor name → {"saved_offsets": [...]}, but it is ${describeJsonValue(root)}`);
  const out = new Map<string, number[]>();
  for (const [fqn, entry] of root) {
    if (!isJsonObject(entry)) return bad(`entry for ${JSON.stringify(fqn)} is ${describeJsonValue(entry)}, not an object`, fqn);
    const offs = entry.get('saved_offsets');
    if (!Array.isArray(offs)) return bad(`entry for ${JSON.stringify(fqn)} has saved_offsets ${describeJsonValue(offs)}, not an array`, fqn);
    if (offs.length > MAX_DIMS) {
      throw new FormatError('LIMIT', `${file}: ${DCP_SHARDING_INFO_KEY} entry for ${JSON.stringify(fqn)} has ${offs.length} offsets, more than the limit of ${MAX_DIMS} dimensions`, { file, key: fqn });
    }
    out.set(
      fqn,
      offs.map((o, i) => {
        const n = o instanceof JsonNumber ? o.asIndex() : null;
        if (typeof n === 'number') return n;
        if (n === 'too-large') {
          throw new FormatError('LIMIT', `${file}: ${DCP_SHARDING_INFO_KEY} entry for ${JSON.stringify(fqn)} has saved_offsets[${i}] = ${(o as JsonNumber).text}, above 2^53 - 1`, { file, key: fqn });
        }
        return bad(`entry for ${JSON.stringify(fqn)} has saved_offsets[${i}] = ${describeJsonValue(o)}; expected a non-negative integer`, fqn);
      }),
    );
  }
  return out;
}
