// `model.safetensors.index.json` exactly as Transformers' `save_pretrained` writes it
// (src/transformers/modeling_utils.py): `json.dumps(index, indent=2, sort_keys=True) + "\n"`
// over `{"metadata": {..., "total_size": N}, "weight_map": {tensor: file}}`. sort_keys sorts
// every object by code point, ensure_ascii escapes non-ASCII, and Python's indent=2 puts
// `", "` → `",\n"` and `": "` between key and value; an empty object prints as `{}`.
// huggingface_hub's own helpers use the same layout; torch's consolidation writes it without
// sort_keys and without the final newline (the hf_consolidated fixture), which loaders accept
// just the same.

import { FormatError } from '../../../shared/errors';
import { compareCodePoints, pythonJsonString } from './json-text';

/** Extra `metadata` entries: strings or integers (Python renders other numbers differently). */
export type IndexMetadataValue = string | number;

export function buildIndexJson(
  totalSize: number,
  weightMap: Readonly<Record<string, string>>,
  extraMetadata: Readonly<Record<string, IndexMetadataValue>> = {},
): string {
  const metadata: Array<[string, IndexMetadataValue]> = Object.entries(extraMetadata).filter(([k]) => k !== 'total_size');
  metadata.push(['total_size', totalSize]);
  const meta = sortedObject(
    metadata.map(([k, v]) => [k, renderScalar(k, v)]),
    2,
  );
  const weights = sortedObject(
    Object.entries(weightMap).map(([k, v]) => [k, pythonJsonString(v)]),
    2,
  );
  return `{\n  "metadata": ${meta},\n  "weight_map": ${weights}\n}\n`;
}

function renderScalar(key: string, v: IndexMetadataValue): string {
  if (typeof v === 'string') return pythonJsonString(v);
  if (!Number.isSafeInteger(v)) {
    throw new FormatError('BAD_REQUEST', `index metadata ${JSON.stringify(key)} = ${v}: only strings and integers up to 2^53 are written`, { key });
  }
  return String(v);
}

/** A Python `json.dumps(..., indent=2, sort_keys=True)` object at nesting level `level`. */
function sortedObject(entries: Array<[string, string]>, level: number): string {
  if (entries.length === 0) return '{}';
  entries.sort((a, b) => compareCodePoints(a[0], b[0]));
  const pad = ' '.repeat(level * 2);
  const lines = entries.map(([k, v]) => `${pad}${pythonJsonString(k)}: ${v}`);
  return `{\n${lines.join(',\n')}\n${' '.repeat((level - 1) * 2)}}`;
}
