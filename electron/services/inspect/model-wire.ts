// The model across postMessage (open-in-worker.ts): its chunk lists packed into typed arrays that
// are moved, not cloned. Structured clone of a 100k-key DCP model spent about 2 s on its 400k
// chunks and their sources (two small objects each); packed, they cross in no time and are
// rebuilt on the other side in a tenth of that. Entries, paths and shapes still go by clone.

import type { CheckpointModel, Chunk, ChunkSource, Entry, TensorEntry } from '../../../shared/model/checkpoint';

/** The model with every tensor's `chunks` left empty, and the chunks in columns, in entry order. */
export interface PackedModel {
  readonly model: CheckpointModel;
  /** Chunks per entry (0 for objects). */
  readonly counts: Int32Array;
  /** Per chunk: its offsets and sizes (indices into `tuples`), source and rank. */
  readonly offsetIds: Int32Array;
  readonly sizeIds: Int32Array;
  readonly tuples: ReadonlyArray<readonly number[]>;
  /** 0: raw, 1: torch-item. */
  readonly kinds: Uint8Array;
  readonly fileIds: Int32Array;
  readonly files: readonly string[];
  readonly starts: Float64Array;
  readonly lengths: Float64Array;
  /** Index into `transformLists` (torch-item only; -1 for raw). */
  readonly transformIds: Int32Array;
  readonly transformLists: ReadonlyArray<readonly string[]>;
  /** -1: null. */
  readonly ranks: Int32Array;
}

/** Numbers for distinct values, by identity (readers share equal tuples and lists). */
class Ids<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<T, number>();
  id(v: T): number {
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.ids.set(v, i);
    }
    return i;
  }
}

const NO_CHUNKS: readonly Chunk[] = [];

export function packModel(model: CheckpointModel): { packed: PackedModel; transfer: ArrayBuffer[] } {
  let total = 0;
  for (const e of model.entries) if (e.kind === 'tensor') total += e.chunks.length;
  const counts = new Int32Array(model.entries.length);
  const offsetIds = new Int32Array(total);
  const sizeIds = new Int32Array(total);
  const kinds = new Uint8Array(total);
  const fileIds = new Int32Array(total);
  const starts = new Float64Array(total);
  const lengths = new Float64Array(total);
  const transformIds = new Int32Array(total);
  const ranks = new Int32Array(total);
  const tuples = new Ids<readonly number[]>();
  const files = new Ids<string>();
  const transformLists = new Ids<readonly string[]>();
  const entries = new Array<Entry>(model.entries.length);
  let k = 0;
  model.entries.forEach((e, i) => {
    if (e.kind !== 'tensor') {
      entries[i] = e;
      return;
    }
    counts[i] = e.chunks.length;
    for (const c of e.chunks) {
      offsetIds[k] = tuples.id(c.offsets);
      sizeIds[k] = tuples.id(c.sizes);
      const s = c.source;
      kinds[k] = s.kind === 'raw' ? 0 : 1;
      fileIds[k] = files.id(s.file);
      starts[k] = s.offset;
      lengths[k] = s.length;
      transformIds[k] = s.kind === 'raw' ? -1 : transformLists.id(s.transforms);
      ranks[k] = c.rank ?? -1;
      k++;
    }
    entries[i] = { ...e, chunks: NO_CHUNKS };
  });
  const packed: PackedModel = {
    model: { ...model, entries },
    counts,
    offsetIds,
    sizeIds,
    tuples: tuples.values,
    kinds,
    fileIds,
    files: files.values,
    starts,
    lengths,
    transformIds,
    transformLists: transformLists.values,
    ranks,
  };
  const transfer = [counts, offsetIds, sizeIds, kinds, fileIds, starts, lengths, transformIds, ranks].map((a) => a.buffer as ArrayBuffer);
  return { packed, transfer };
}

export function unpackModel(p: PackedModel): CheckpointModel {
  let k = 0;
  const entries = p.model.entries.map((e, i): Entry => {
    if (e.kind !== 'tensor') return e;
    const chunks = new Array<Chunk>(p.counts[i] as number);
    for (let j = 0; j < chunks.length; j++, k++) {
      const file = p.files[p.fileIds[k] as number] as string;
      const offset = p.starts[k] as number;
      const length = p.lengths[k] as number;
      const source: ChunkSource =
        p.kinds[k] === 0 ? { kind: 'raw', file, offset, length } : { kind: 'torch-item', file, offset, length, transforms: p.transformLists[p.transformIds[k] as number] as readonly string[] };
      const rank = p.ranks[k] as number;
      chunks[j] = { offsets: p.tuples[p.offsetIds[k] as number] as readonly number[], sizes: p.tuples[p.sizeIds[k] as number] as readonly number[], source, rank: rank < 0 ? null : rank };
    }
    const t: TensorEntry = { ...e, chunks };
    return t;
  });
  return { ...p.model, entries };
}
