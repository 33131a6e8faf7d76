// storage_data as a lookup by (fqn, chunk offsets) that builds no key strings, hashes few and
// makes no object per entry: a 100k-key `.metadata` has 400k entries. A JSON key per entry (and
// the Map holding them) was a tenth of the read; an object per entry, an array per key and the
// arrays' growth were half of what the read allocated. So entries live in columns (typed arrays),
// are grouped by the state_dict position of their fqn (a linked list per position, in file order),
// found by trying the keys just after the last one matched (torch lists each rank's items in
// state_dict order) before a map, and become DcpStorageInfo objects only when a reader asks for
// one (info()). Entries are numbered in file order, so callers can mark them used in an array.

import type { Diagnostic } from '../../../shared/model/checkpoint';
import type { DcpStorageInfo } from './metadata';
import { TRANSFORMS_ABSENT } from './metadata-records';
import { grownFloat64, grownInt32 } from '../grown';

/** Entries per group past which lookups go through a map of offsets (instead of a scan). */
const SCAN_MAX = 16;

/** state_dict keys tried after the last match before the map (a rank skips replicated keys). */
const LOOKAHEAD = 4;

function sameOffsets(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === b) return true; // the readers share equal tuples (IntPool): usually the same array
  if (a === null || b === null) return false;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Distinct for null (bytes items) and [] (a 0-d tensor's chunk). */
const offsetsKey = (o: readonly number[] | null): string => (o === null ? 'N' : o.join(','));

/** The lookup key of a storage_data entry: tensors by (fqn, chunk offsets), bytes items by fqn. */
export function storageKey(fqn: string, offsets: readonly number[] | null): string {
  return JSON.stringify(offsets === null ? [fqn] : [fqn, offsets]);
}

/** The entries of an fqn that is not a state_dict key: first, last, how many. */
interface OtherGroup {
  head: number;
  tail: number;
  size: number;
}

export class StorageIndex {
  private count = 0;
  // Columns, one slot per entry (grown by doubling).
  /** state_dict position of the entry's fqn; -1: not a key (its fqn in otherFqn). */
  private position = new Int32Array(1024);
  /** Next entry of the same group, in file order; -1: none. */
  private next = new Int32Array(1024);
  private fileIds = new Int32Array(1024);
  private starts = new Float64Array(1024);
  private lengths = new Float64Array(1024);
  private readonly offsetsOf: Array<readonly number[] | null> = [];
  /** Entry → its transform_descriptors, for the few that have some. */
  private readonly transformsOf = new Map<number, readonly string[]>();
  /** Entry → fqn, for entries whose fqn is not a state_dict key. */
  private readonly otherFqn = new Map<number, string>();
  private readonly files: string[] = [];
  private readonly fileNumbers = new Map<string, number>();
  private lastFile: string | null = null;
  private lastFileId = -1;

  /** state_dict position → its first and last entries (-1: none) and how many it has. */
  private readonly heads: Int32Array;
  private readonly tails: Int32Array;
  private readonly sizes: Int32Array;
  /** Groups of fqns that are not state_dict keys. */
  private readonly others = new Map<string, OtherGroup>();
  /** First entry of a group → offsetsKey → entry number, for groups of more than SCAN_MAX entries. */
  private readonly byOffsets = new Map<number, Map<string, number>>();
  /** state_dict key → position; built on the first fqn the lookahead misses. */
  private positions: Map<string, number> | undefined;
  private cursor = -1;

  /** `keys`: the state_dict keys in order (their positions are what lookups by position use). */
  constructor(private readonly keys: readonly string[]) {
    this.heads = new Int32Array(keys.length).fill(-1);
    this.tails = new Int32Array(keys.length).fill(-1);
    this.sizes = new Int32Array(keys.length);
  }

  get size(): number {
    return this.count;
  }

  /** The state_dict position of `fqn`, or -1. */
  positionOf(fqn: string): number {
    const keys = this.keys;
    for (let k = 1; k <= LOOKAHEAD; k++) {
      const i = this.cursor + k;
      if (i < keys.length && keys[i] === fqn) return (this.cursor = i);
    }
    this.positions ??= new Map(keys.map((key, i) => [key, i]));
    const i = this.positions.get(fqn) ?? -1;
    if (i >= 0) this.cursor = i;
    return i;
  }

  /** The entry of the group starting at `head` (with `size` entries) with these offsets, or -1. */
  private inGroup(head: number, size: number, offsets: readonly number[] | null): number {
    if (size > SCAN_MAX) return this.byOffsets.get(head)?.get(offsetsKey(offsets)) ?? -1;
    for (let i = head; i >= 0; i = this.next[i] as number) if (sameOffsets(this.offsetsOf[i] as readonly number[] | null, offsets)) return i;
    return -1;
  }

  /** Entry number of (the key at state_dict `position`, offsets), or -1. */
  findAt(position: number, offsets: readonly number[] | null): number {
    return this.inGroup(this.heads[position] as number, this.sizes[position] as number, offsets);
  }

  /** Entry number of (fqn, offsets), or -1. */
  find(fqn: string, offsets: readonly number[] | null): number {
    const p = this.positionOf(fqn);
    if (p >= 0) return this.findAt(p, offsets);
    const g = this.others.get(fqn);
    return g === undefined ? -1 : this.inGroup(g.head, g.size, offsets);
  }

  /** Adds an entry; false (and nothing added) when (fqn, offsets) is already there. */
  add(fqn: string, offsets: readonly number[] | null, info: DcpStorageInfo): boolean {
    return this.addAt(this.positionOf(fqn), fqn, offsets, info.file, info.offset, info.length, info.transforms);
  }

  /** add() for a caller that knows positionOf(fqn) already (`p`), with the entry's fields. */
  addAt(p: number, fqn: string, offsets: readonly number[] | null, file: string, offset: number, length: number, transforms: readonly string[]): boolean {
    let other: OtherGroup | undefined;
    let head: number;
    let size: number;
    if (p >= 0) {
      head = this.heads[p] as number;
      size = this.sizes[p] as number;
    } else {
      other = this.others.get(fqn);
      head = other?.head ?? -1;
      size = other?.size ?? 0;
    }
    if (head >= 0 && this.inGroup(head, size, offsets) >= 0) return false;
    const n = this.count++;
    if (n === this.position.length) this.grow();
    this.position[n] = p;
    this.next[n] = -1;
    let f = file === this.lastFile ? this.lastFileId : this.fileNumbers.get(file); // a rank's entries run in one file
    if (f === undefined) {
      f = this.files.length;
      this.files.push(file);
      this.fileNumbers.set(file, f);
    }
    this.lastFile = file;
    this.lastFileId = f;
    this.fileIds[n] = f;
    this.starts[n] = offset;
    this.lengths[n] = length;
    this.offsetsOf.push(offsets);
    if (transforms.length > 0) this.transformsOf.set(n, transforms);
    if (p < 0) this.otherFqn.set(n, fqn);
    // Link it at the end of its group.
    if (head < 0) {
      if (p >= 0) {
        this.heads[p] = n;
        this.tails[p] = n;
        this.sizes[p] = 1;
      } else this.others.set(fqn, { head: n, tail: n, size: 1 });
      return true;
    }
    if (p >= 0) {
      this.next[this.tails[p] as number] = n;
      this.tails[p] = n;
      this.sizes[p] = size + 1;
    } else {
      const g = other as OtherGroup;
      this.next[g.tail] = n;
      g.tail = n;
      g.size = size + 1;
    }
    size++;
    let map = this.byOffsets.get(head);
    if (map === undefined && size > SCAN_MAX) {
      map = new Map();
      for (let i = head; i >= 0; i = this.next[i] as number) map.set(offsetsKey(this.offsetsOf[i] as readonly number[] | null), i);
      this.byOffsets.set(head, map);
    } else map?.set(offsetsKey(offsets), n);
    return true;
  }

  private grow(): void {
    const len = this.position.length * 2;
    this.position = grownInt32(this.position, len);
    this.next = grownInt32(this.next, len);
    this.fileIds = grownInt32(this.fileIds, len);
    this.starts = grownFloat64(this.starts, len);
    this.lengths = grownFloat64(this.lengths, len);
  }

  /** The fqn of entry n. */
  fqn(n: number): string {
    const p = this.position[n] as number;
    return p >= 0 ? (this.keys[p] as string) : (this.otherFqn.get(n) as string);
  }

  /** The chunk offsets of entry n (null: a bytes item). */
  offsets(n: number): readonly number[] | null {
    return this.offsetsOf[n] as readonly number[] | null;
  }

  /** The file (relative_path) of entry n. */
  file(n: number): string {
    return this.files[this.fileIds[n] as number] as string;
  }

  /** A number for the file of entry n: entries in the same file have the same (0, 1, … in order met). */
  fileId(n: number): number {
    return this.fileIds[n] as number;
  }

  /** Where entry n's item starts in its file. */
  start(n: number): number {
    return this.starts[n] as number;
  }

  /** The length of entry n's item. */
  length(n: number): number {
    return this.lengths[n] as number;
  }

  /** The transform_descriptors of entry n ([] when absent). */
  transforms(n: number): readonly string[] {
    return this.transformsOf.get(n) ?? TRANSFORMS_ABSENT;
  }

  /** Entry n as a chunk source (a new object on each call). */
  info(n: number): DcpStorageInfo {
    return { kind: 'torch-item', file: this.file(n), offset: this.start(n), length: this.length(n), transforms: this.transforms(n) };
  }

  /** storageKey → entry, in file order. */
  toMap(): Map<string, DcpStorageInfo> {
    const out = new Map<string, DcpStorageInfo>();
    for (let i = 0; i < this.count; i++) out.set(storageKey(this.fqn(i), this.offsets(i)), this.info(i));
    return out;
  }
}

/** The warning for a storage_data entry listed twice (the first is used). */
export function duplicateDiagnostic(fqn: string, offsets: readonly number[] | null): Diagnostic {
  return { severity: 'warning', message: `storage_data lists "${fqn}" at offsets (${offsets?.join(', ') ?? ''}) twice; using the first`, file: '.metadata', key: fqn };
}
