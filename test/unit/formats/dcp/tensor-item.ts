// Builds torch.save-like tensor items inside tests (data.pkl via _rebuild_tensor_v2/_v3 with a
// persistent storage id, byteorder, data/0), for the variants no fixture exercises.
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import type { CheckpointFolder } from '../../../../electron/io/folder';
import type { ChunkSource } from '../../../../shared/model/checkpoint';
import { g, reduce, tuple, type W, writePickle } from '../pickle/pickle-writer';
import { buildZip } from '../torchzip/zip-builder';

export type TorchItem = Extract<ChunkSource, { kind: 'torch-item' }>;

export interface ItemSpec {
  rebuild?: 'v2' | 'v3';
  storageClass?: string;
  dtype?: string;
  numel: number;
  offset?: number;
  size: number[];
  stride: number[];
  storage: Uint8Array;
  byteorder?: 'little' | 'big';
  pickle?: W;
  /** Bytes appended after STOP (the machine ignores them): to size data.pkl exactly. */
  picklePad?: number;
  /** Records written after the standard ones (last in the zip: earlier offsets don't move). */
  extraRecords?: Array<[string, Uint8Array]>;
}

export function tensorItem(s: ItemSpec): Uint8Array {
  const storageCls = s.rebuild === 'v3' ? g('torch.storage', 'UntypedStorage') : g('torch', s.storageClass ?? 'FloatStorage');
  const pid: W = { t: 'persid', pid: tuple('storage', storageCls, '0', 'cpu', s.numel) };
  const args: W[] = [pid, s.offset ?? 0, tuple(...s.size), tuple(...s.stride), false, reduce(g('collections', 'OrderedDict'))];
  if (s.rebuild === 'v3') args.push(g('torch', s.dtype ?? 'float8_e4m3fn'));
  const body = writePickle(s.pickle ?? reduce(g('torch._utils', s.rebuild === 'v3' ? '_rebuild_tensor_v3' : '_rebuild_tensor_v2'), ...args), { protocol: 2 });
  const pkl = new Uint8Array(body.length + (s.picklePad ?? 0));
  pkl.set(body);
  const enc = new TextEncoder();
  return buildZip([
    ['archive/data.pkl', pkl],
    ['archive/byteorder', enc.encode(s.byteorder ?? 'little')],
    ['archive/data/0', s.storage],
    ['archive/version', enc.encode('3\n')],
    ...(s.extraRecords ?? []),
  ]);
}

export const PAD = 100; // items sit after other bytes in their file
export function folderWith(item: Uint8Array): { folder: CheckpointFolder; source: TorchItem } {
  const file = new Uint8Array(PAD + item.length);
  file.set(item, PAD);
  return { folder: new MemoryFolder(new Map([['__0_0.distcp', file]])), source: { kind: 'torch-item', file: '__0_0.distcp', offset: PAD, length: item.length, transforms: [] } };
}

export const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
