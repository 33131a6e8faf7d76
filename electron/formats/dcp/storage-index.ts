// storage_data as a lookup by (fqn, chunk offsets) that builds no key strings and hashes few:
// a 100k-key `.metadata` has 400k entries, each with its own fqn string. A JSON key per entry
// (and the Map holding them) was a tenth of the read, and even a Map by fqn costs a string hash
// and a few cache misses per entry. So entries are grouped by the state_dict position of their
// fqn, found by trying the keys just after the last one matched (torch lists each rank's items in
// state_dict order) before a map; readers then look chunks up by position. Entries are numbered
// in file order, so callers can mark them used in an array.

import type { Diagnostic } from '../../../shared/model/checkpoint';
import type { DcpStorageInfo } from './metadata';

/** Entries per group past which lookups go through a map of offsets (instead of a scan). */
const SCAN_MAX = 16;

/** state_dict keys tried after the last match before the map (a rank skips replicated keys). */
const LOOKAHEAD = 4;

function sameOffsets(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
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

/** Entry numbers of one fqn: one number, or a list once it has several. */
type Group = number | number[];

export class StorageIndex {
  /** Entry number → fqn, offsets (null for bytes items) and where the item is; file order. */
  readonly fqns: string[] = [];
  readonly offsets: Array<readonly number[] | null> = [];
  readonly infos: DcpStorageInfo[] = [];
  /** state_dict position → its entries. */
  private readonly byPosition: Array<Group | undefined>;
  /** Entries of fqns that are not state_dict keys (nothing refers to them). */
  private readonly byOtherFqn = new Map<string, Group>();
  /** Group → offsetsKey → entry number, for groups of more than SCAN_MAX entries. */
  private readonly byOffsets = new Map<Group, Map<string, number>>();
  /** state_dict key → position; built on the first fqn the lookahead misses. */
  private positions: Map<string, number> | undefined;
  private cursor = -1;

  /** `keys`: the state_dict keys in order (their positions are what lookups by position use). */
  constructor(private readonly keys: readonly string[]) {
    this.byPosition = new Array<Group | undefined>(keys.length);
  }

  get size(): number {
    return this.infos.length;
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

  private groupIn(group: Group | undefined, offsets: readonly number[] | null): number {
    if (group === undefined) return -1;
    if (typeof group === 'number') return sameOffsets(this.offsets[group] as readonly number[] | null, offsets) ? group : -1;
    if (group.length > SCAN_MAX) return this.byOffsets.get(group)?.get(offsetsKey(offsets)) ?? -1;
    for (const i of group) if (sameOffsets(this.offsets[i] as readonly number[] | null, offsets)) return i;
    return -1;
  }

  /** Entry number of (the key at state_dict `position`, offsets), or -1. */
  findAt(position: number, offsets: readonly number[] | null): number {
    return this.groupIn(this.byPosition[position], offsets);
  }

  /** Entry number of (fqn, offsets), or -1. */
  find(fqn: string, offsets: readonly number[] | null): number {
    const p = this.positionOf(fqn);
    return this.groupIn(p >= 0 ? this.byPosition[p] : this.byOtherFqn.get(fqn), offsets);
  }

  /** Adds an entry; false (and nothing added) when (fqn, offsets) is already there. */
  add(fqn: string, offsets: readonly number[] | null, info: DcpStorageInfo): boolean {
    return this.addAt(this.positionOf(fqn), fqn, offsets, info);
  }

  /** add() for a caller that knows positionOf(fqn) already (`p`). */
  addAt(p: number, fqn: string, offsets: readonly number[] | null, info: DcpStorageInfo): boolean {
    const group = p >= 0 ? this.byPosition[p] : this.byOtherFqn.get(fqn);
    if (this.groupIn(group, offsets) >= 0) return false;
    const n = this.infos.length;
    this.fqns.push(fqn);
    this.offsets.push(offsets);
    this.infos.push(info);
    if (group === undefined || typeof group === 'number') {
      const next = group === undefined ? n : [group, n];
      if (p >= 0) this.byPosition[p] = next;
      else this.byOtherFqn.set(fqn, next);
    } else {
      group.push(n);
      let map = this.byOffsets.get(group);
      if (map === undefined && group.length > SCAN_MAX) {
        map = new Map(group.map((i) => [offsetsKey(this.offsets[i] as readonly number[] | null), i]));
        this.byOffsets.set(group, map);
      } else map?.set(offsetsKey(offsets), n);
    }
    return true;
  }

  /** storageKey → entry, in file order. */
  toMap(): Map<string, DcpStorageInfo> {
    const out = new Map<string, DcpStorageInfo>();
    for (let i = 0; i < this.infos.length; i++) out.set(storageKey(this.fqns[i] as string, this.offsets[i] as readonly number[] | null), this.infos[i] as DcpStorageInfo);
    return out;
  }
}

/** The warning for a storage_data entry listed twice (the first is used). */
export function duplicateDiagnostic(fqn: string, offsets: readonly number[] | null): Diagnostic {
  return { severity: 'warning', message: `storage_data lists "${fqn}" at offsets (${offsets?.join(', ') ?? ''}) twice; using the first`, file: '.metadata', key: fqn };
}
