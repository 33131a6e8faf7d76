// A preset is data: rows of (regular expression on the source key → name template), with an
// optional RoPE head permutation whose head count comes from the model's config.json. Adding a
// model family means adding a table, not a code path.

import { FormatError } from '../../../shared/errors';
import type { Preset, KeyMapping } from './index';

export interface PresetRow {
  /** Anchored pattern on the key (after --model-only's `model.` strip). */
  readonly from: RegExp;
  /** Replacement template: `$1`… are the pattern's groups. */
  readonly to: string;
  /** Permute rows per head for RoPE; the head count is this config.json field. */
  readonly permuteHeads?: string;
}

export interface PresetTable {
  readonly name: string;
  readonly description: string;
  readonly rows: readonly PresetRow[];
  /** A config field that may be absent, and the field whose value it takes then. */
  readonly configDefaults?: Readonly<Record<string, string>>;
  /** The config is copied into the output under this name. */
  readonly copyConfigAs?: string;
}

export type ModelConfig = Readonly<Record<string, unknown>>;

/** Binds a table to one config: resolves head counts now, so map() is pure and cheap. */
export function compilePreset(table: PresetTable, config: ModelConfig, configPath: string): Preset {
  const heads = new Map<string, number>();
  for (const row of table.rows) {
    if (row.permuteHeads === undefined || heads.has(row.permuteHeads)) continue;
    heads.set(row.permuteHeads, headCount(table, config, configPath, row.permuteHeads));
  }
  const map = (key: string): KeyMapping | null => {
    for (const row of table.rows) {
      if (!row.from.test(key)) continue;
      const target = key.replace(row.from, row.to);
      return row.permuteHeads === undefined ? { target } : { target, permute: { heads: heads.get(row.permuteHeads)! } };
    }
    return null;
  };
  return {
    name: table.name,
    map,
    ...(table.copyConfigAs !== undefined ? { files: { [table.copyConfigAs]: configPath } } : {}),
  };
}

function headCount(table: PresetTable, config: ModelConfig, configPath: string, field: string): number {
  let value = config[field];
  const fallback = table.configDefaults?.[field];
  if (value === undefined || value === null) value = fallback !== undefined ? config[fallback] : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    const also = fallback !== undefined ? ` (or "${fallback}")` : '';
    throw new FormatError(
      'BAD_REQUEST',
      `${configPath}: preset ${table.name} needs "${field}"${also} as a positive integer, found ${JSON.stringify(value ?? null)}`,
      { file: configPath, key: field },
    );
  }
  return value;
}
