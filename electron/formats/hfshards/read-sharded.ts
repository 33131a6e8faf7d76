// Sharded safetensors: `model.safetensors.index.json` + the files its weight_map names →
// CheckpointModel (format 'safetensors-sharded'). Formats.md section 7.
//
// Order: entries follow weight_map order, as users of HF checkpoints read them in the index
// (sorted by name when Transformers wrote it).
// Cross-checks, and what a user gets when they fail:
//   - a file named by the index is missing → NOT_FOUND: the checkpoint cannot be read as declared;
//   - the index puts a tensor in a file whose header lacks it → INCONSISTENT: same reason;
//   - a file holds a tensor the index does not list → shown (after the indexed ones) with a
//     warning: Transformers loads every tensor of every shard file, so it is part of the
//     checkpoint as loaded, but the index is stale;
//   - a file holds a tensor the index places in another file → that copy is left out, with a
//     warning (keys must be unique; the index decides which copy is the tensor);
//   - metadata.total_size ≠ the sum of tensor bytes → warning (some tools write file sizes);
//   - `*.safetensors` files in the folder the index never names → info.

import type { CheckpointFolder } from '../../io/folder';
import type { CheckpointModel, Diagnostic, FileInfo, TensorEntry } from '../../../shared/model/checkpoint';
import { FormatError } from '../../../shared/errors';
import { parseSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensorInfo } from '../safetensors/header';
import { HEADER_READ_CONCURRENCY, MAX_INDEX_BYTES } from '../safetensors/limits';
import { parseHfIndexJson } from './index-json';
import { mapLimit } from './map-limit';
import { mergeFileMetadata } from './merge-metadata';
import { HF_INDEX_NAME } from './names';
import { tensorEntryFromHeader } from './read-single';

export async function readSafetensorsSharded(folder: CheckpointFolder, indexName: string = HF_INDEX_NAME): Promise<CheckpointModel> {
  const listing = await folder.listFiles();
  const sizes = new Map(listing.map((f) => [f.name, f.size]));
  const src = await folder.open(indexName);
  if (src.size > MAX_INDEX_BYTES) {
    throw new FormatError('LIMIT', `${indexName}: the index is ${src.size} bytes, more than the ${MAX_INDEX_BYTES}-byte limit`, { file: indexName });
  }
  const index = parseHfIndexJson(indexName, await src.read(0, src.size));

  for (const f of index.files) {
    if (!sizes.has(f)) {
      const named = index.weightMap.filter((e) => e.file === f);
      const first = named[0]?.tensor ?? '';
      const more = named.length > 1 ? ` and ${named.length - 1} more` : '';
      throw new FormatError('NOT_FOUND', `${indexName}: weight_map puts tensor ${JSON.stringify(first)}${more} in ${f}, which is not in the folder`, { file: indexName, key: first });
    }
  }

  const headers = await mapLimit(index.files, HEADER_READ_CONCURRENCY, async (f) => parseSafetensorsHeader(await folder.open(f)));
  const byFile = new Map<string, { header: SafetensorsHeader; tensors: Map<string, SafetensorsTensorInfo> }>();
  index.files.forEach((f, i) => {
    const header = headers[i] as SafetensorsHeader;
    byFile.set(f, { header, tensors: new Map(header.tensors.map((t) => [t.name, t])) });
  });

  const entries: TensorEntry[] = [];
  const indexed = new Map<string, string>(); // tensor → file, from the index
  for (const e of index.weightMap) {
    const held = byFile.get(e.file);
    const t = held?.tensors.get(e.tensor);
    if (held === undefined || t === undefined) {
      throw new FormatError('INCONSISTENT', `${indexName}: weight_map puts tensor ${JSON.stringify(e.tensor)} in ${e.file}, but that file has no tensor of that name`, {
        file: indexName,
        key: e.tensor,
      });
    }
    indexed.set(e.tensor, e.file);
    entries.push(tensorEntryFromHeader(e.file, held.header, t));
  }

  const diagnostics: Diagnostic[] = [];
  for (const f of index.files) {
    const held = byFile.get(f) as { header: SafetensorsHeader };
    for (const t of held.header.tensors) {
      const listedIn = indexed.get(t.name);
      if (listedIn === f) continue;
      if (listedIn === undefined) {
        indexed.set(t.name, f);
        entries.push(tensorEntryFromHeader(f, held.header, t));
        diagnostics.push({ severity: 'warning', file: f, key: t.name, message: `${f} holds tensor ${JSON.stringify(t.name)}, which ${indexName} does not list; it is shown, but the index is out of date` });
      } else {
        diagnostics.push({
          severity: 'warning',
          file: f,
          key: t.name,
          message: `${f} holds another copy of tensor ${JSON.stringify(t.name)}, which ${indexName} places in ${listedIn}; that copy is shown and this one ignored`,
        });
      }
    }
  }

  const dataBytes = entries.reduce((s, e) => s + e.nbytes, 0);
  if (index.totalSize !== null && index.totalSize !== dataBytes) {
    diagnostics.push({
      severity: 'warning',
      file: indexName,
      key: 'metadata.total_size',
      message: `${indexName}: metadata.total_size is ${index.totalSize} but the tensors hold ${dataBytes} bytes`,
    });
  }
  const named = new Set(index.files);
  for (const f of listing) {
    if (f.name.endsWith('.safetensors') && !named.has(f.name)) {
      diagnostics.push({ severity: 'info', file: f.name, message: `${f.name} is in the folder but ${indexName} names no tensor in it; it is not part of this checkpoint` });
    }
  }

  const files: FileInfo[] = [{ name: indexName, size: src.size }, ...index.files.map((f) => ({ name: f, size: sizes.get(f) as number }))];
  return {
    format: 'safetensors-sharded',
    root: folder.root,
    worldSize: null,
    entries,
    files,
    diagnostics,
    info: { ...mergeFileMetadata(headers.map((h) => h.metadata)), ...index.extra, ...index.metadata },
  };
}
