// The checkpoint model as the renderer sees it: one compact summary at open (totals, dtypes and
// every key as columns), and one entry's details on demand. Byte references stay on this side
// except the chunk table of the one tensor being looked at.

import * as path from 'node:path';
import type { CheckpointModel, Entry } from '../../shared/model/checkpoint';
import type { DType } from '../../shared/model/dtype';
import { numel } from '../../shared/model/shape';
import type { CheckpointSummary, DTypeTotal, EntryDetail, EntryTable } from '../../shared/ipc/contract';

/** Diagnostics beyond this are summarised: a broken 100k-key file must not flood the renderer. */
export const MAX_DIAGNOSTICS_SENT = 500;

export function summarize(id: string, model: CheckpointModel): CheckpointSummary {
  const n = model.entries.length;
  const table: { -readonly [K in keyof EntryTable]: EntryTable[K][number][] } = {
    keys: new Array(n),
    paths: new Array(n),
    kinds: new Array(n),
    types: new Array(n),
    shapes: new Array(n),
    nbytes: new Array(n),
    chunkCounts: new Array(n),
  };
  const byDtype = new Map<DType, { tensors: number; elements: number; bytes: number }>();
  let tensors = 0;
  let objects = 0;
  let unsafe = 0;
  let elements = 0;
  let bytes = 0;
  model.entries.forEach((e, i) => {
    table.keys[i] = e.key;
    table.paths[i] = e.path.length > 0 ? e.path : [e.key];
    if (e.kind === 'tensor') {
      tensors++;
      const count = numel(e.shape) ?? 0;
      elements += count;
      bytes += e.nbytes;
      const t = byDtype.get(e.dtype) ?? { tensors: 0, elements: 0, bytes: 0 };
      t.tensors++;
      t.elements += count;
      t.bytes += e.nbytes;
      byDtype.set(e.dtype, t);
      table.kinds[i] = 't';
      table.types[i] = e.dtype;
      table.shapes[i] = e.shape;
      table.nbytes[i] = e.nbytes;
      table.chunkCounts[i] = e.chunks.length;
    } else {
      objects++;
      const isUnsafe = e.pythonType === 'unsafe' || e.global !== undefined;
      if (isUnsafe) unsafe++;
      table.kinds[i] = isUnsafe ? 'u' : 'o';
      table.types[i] = e.pythonType;
      table.shapes[i] = [];
      table.nbytes[i] = 0;
      table.chunkCounts[i] = 0;
    }
  });
  const dtypes: DTypeTotal[] = [...byDtype.entries()]
    .map(([dtype, t]) => ({ dtype, ...t }))
    .sort((a, b) => b.bytes - a.bytes || a.dtype.localeCompare(b.dtype));
  const diagnostics =
    model.diagnostics.length <= MAX_DIAGNOSTICS_SENT
      ? model.diagnostics
      : [
          ...model.diagnostics.slice(0, MAX_DIAGNOSTICS_SENT),
          { severity: 'info' as const, message: `${model.diagnostics.length - MAX_DIAGNOSTICS_SENT} more diagnostics not shown` },
        ];
  return {
    id,
    root: model.root,
    name: path.basename(model.root) || model.root,
    format: model.format,
    worldSize: model.worldSize,
    info: model.info,
    files: model.files,
    diagnostics,
    totals: { tensors, objects, unsafe, elements, bytes, fileBytes: model.files.reduce((s, f) => s + f.size, 0) },
    dtypes,
    entries: table,
  };
}

export function entryDetail(e: Entry): EntryDetail {
  const p = e.path.length > 0 ? e.path : [e.key];
  if (e.kind === 'tensor') {
    return {
      kind: 'tensor',
      key: e.key,
      path: p,
      dtype: e.dtype,
      shape: e.shape,
      elements: numel(e.shape) ?? 0,
      nbytes: e.nbytes,
      chunks: e.chunks.map((c) => ({
        offsets: c.offsets,
        sizes: c.sizes,
        file: c.source.file,
        offset: c.source.offset,
        length: c.source.length,
        rank: c.rank,
        container: c.source.kind,
        transforms: c.source.kind === 'torch-item' ? c.source.transforms : [],
      })),
    };
  }
  return {
    kind: 'object',
    key: e.key,
    path: p,
    pythonType: e.pythonType,
    repr: e.repr ?? null,
    unsafeGlobal: e.global ?? null,
    file: e.source?.file ?? null,
    offset: e.source?.offset ?? null,
  };
}
