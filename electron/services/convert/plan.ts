// The WritePlan: everything `convert` will write, decided before a byte is written, from the
// checkpoint model and the options alone (pure and deterministic: the same model and options
// give the same plan, hence byte-identical files).
//   selection and names (select.ts) → output dtype (cast.ts) → files (shard-plan.ts, Hugging
//   Face's greedy split) → per file the safetensors header and each tensor's byte range
//   (formats/safetensors/writer.ts, the crate's dtype-then-name order) → the index when sharded.

import type { CheckpointModel, TensorEntry } from '../../../shared/model/checkpoint';
import type { CastTarget, SkippedItem } from '../../../shared/model/convert';
import { DTYPES, type DType } from '../../../shared/model/dtype';
import { byteSize, formatShape } from '../../../shared/model/shape';
import { FormatError } from '../../../shared/errors';
import { planSafetensorsFile } from '../../formats/safetensors/writer';
import { buildIndexJson } from '../../formats/safetensors/index-writer';
import type { Preset } from '../presets';
import { castTargetFor } from './cast';
import { permuteGeometry } from './permute';
import { selectTensors } from './select';
import { assignShards, INDEX_FILE_NAME } from './shard-plan';

export interface PlanOptions {
  readonly modelOnly: boolean;
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  readonly preset: Preset | null;
  readonly dtype: CastTarget | null;
  readonly maxShardSize: number;
}

/** Every safetensors header carries this; Transformers checks `format`. */
export const OUTPUT_METADATA: Readonly<Record<string, string>> = { format: 'pt' };

export interface PlannedTensor {
  readonly source: TensorEntry;
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Output bytes. */
  readonly nbytes: number;
  readonly permuteHeads: number | null;
  /** Absolute byte position of the tensor's data in its file. */
  readonly fileOffset: number;
}

export interface PlannedFile {
  readonly name: string;
  /** Bytes [0, header.length) of the file: length prefix + padded JSON. */
  readonly header: Uint8Array;
  readonly fileBytes: number;
  /** In file order. */
  readonly tensors: readonly PlannedTensor[];
}

export interface WritePlan {
  readonly files: readonly PlannedFile[];
  /** model.safetensors.index.json text when there is more than one file. */
  readonly index: { readonly name: string; readonly text: string } | null;
  /** Sum of tensor data bytes (total_size). */
  readonly totalSize: number;
  readonly tensorCount: number;
  readonly skipped: readonly SkippedItem[];
  readonly renamed: number;
  readonly cast: number;
  /** Extra files to copy: output name → source path. */
  readonly extraFiles: Readonly<Record<string, string>>;
}

interface Item {
  readonly source: TensorEntry;
  readonly name: string;
  readonly dtype: DType;
  readonly nbytes: number;
  readonly permuteHeads: number | null;
}

export function planConversion(model: CheckpointModel, opts: PlanOptions): WritePlan {
  const { selected, skipped } = selectTensors(model, opts);
  if (selected.length === 0) {
    const why = skipped.length > 0 ? `all ${skipped.length} entries were skipped (${summarizeReasons(skipped)})` : 'it holds no entries';
    throw new FormatError('BAD_REQUEST', `${model.root}: nothing to convert: ${why}`, { file: model.root });
  }

  const byName = new Map<string, TensorEntry>();
  const items: Item[] = selected.map((s) => {
    const other = byName.get(s.name);
    if (other !== undefined) {
      throw new FormatError('INCONSISTENT', `tensors "${other.key}" and "${s.entry.key}" would both be written as "${s.name}"`, { key: s.entry.key });
    }
    byName.set(s.name, s.entry);
    if (s.permuteHeads !== null) permuteGeometry(s.entry.key, s.entry.shape, s.permuteHeads);
    const dtype = castTargetFor(s.entry.dtype, opts.dtype);
    const nbytes = byteSize(s.entry.shape, DTYPES[dtype].itemsize);
    if (nbytes === null) {
      throw new FormatError('LIMIT', `tensor "${s.entry.key}" ${formatShape(s.entry.shape)} is too large to address`, { key: s.entry.key });
    }
    return { source: s.entry, name: s.name, dtype, nbytes, permuteHeads: s.permuteHeads };
  });

  const shards = assignShards(items, (i) => i.nbytes, opts.maxShardSize);
  const files: PlannedFile[] = shards.files.map(({ name, items: inFile }) => {
    const byOutName = new Map(inFile.map((i) => [i.name, i]));
    const fp = planSafetensorsFile(
      inFile.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.source.shape })),
      OUTPUT_METADATA,
    );
    const dataStart = fp.fileBytes - fp.dataBytes;
    const tensors = fp.order.map((o): PlannedTensor => {
      const i = byOutName.get(o.name)!;
      return { source: i.source, name: i.name, dtype: i.dtype, shape: i.source.shape, nbytes: i.nbytes, permuteHeads: i.permuteHeads, fileOffset: dataStart + o.begin };
    });
    return { name, header: fp.header, fileBytes: fp.fileBytes, tensors };
  });

  let index: WritePlan['index'] = null;
  if (files.length > 1) {
    const weightMap: Record<string, string> = {};
    for (const f of files) for (const t of f.tensors) weightMap[t.name] = f.name;
    index = { name: INDEX_FILE_NAME, text: buildIndexJson(shards.totalSize, weightMap) };
  }

  return {
    files,
    index,
    totalSize: shards.totalSize,
    tensorCount: items.length,
    skipped,
    renamed: items.filter((i) => i.name !== i.source.key).length,
    cast: items.filter((i) => i.dtype !== i.source.dtype).length,
    extraFiles: opts.preset?.files ?? {},
  };
}

function summarizeReasons(skipped: readonly SkippedItem[]): string {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).join(', ');
}
