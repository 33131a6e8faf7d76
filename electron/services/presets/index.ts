// Key-mapping presets: rename a training framework's tensor names to the ones a Hugging Face
// model class loads, with the weight permutations that go with them. `convert --preset` and
// `diff --preset` use the same presets. Each family is a table (see table.ts).

import { readFile } from 'node:fs/promises';
import { FormatError } from '../../../shared/errors';
import { compilePreset, type ModelConfig, type PresetTable } from './table';
import { TORCHTITAN_LLAMA } from './torchtitan-llama';

export interface KeyMapping {
  /** The output name. */
  target: string;
  /** Permute dim-0 rows per head (torchtitan `_permute`) into Hugging Face's RoPE layout. */
  permute?: { heads: number };
}

export interface Preset {
  name: string;
  /** null: not a weight of this model, drop it. */
  map(key: string): KeyMapping | null;
  /** Extra files to copy into the output: output file name → source path (e.g. config.json). */
  files?: Record<string, string>;
}

const TABLES: readonly PresetTable[] = [TORCHTITAN_LLAMA];

/** Bound on a config.json we read: real ones are a few KB. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export function presetNames(): string[] {
  return TABLES.map((t) => t.name);
}

export function presetDescriptions(): Array<{ name: string; description: string }> {
  return TABLES.map((t) => ({ name: t.name, description: t.description }));
}

/** The named preset, bound to the model config at `configPath` (a Hugging Face config.json). */
export async function loadPreset(name: string, configPath: string): Promise<Preset> {
  const table = TABLES.find((t) => t.name === name);
  if (table === undefined) {
    throw new FormatError('BAD_REQUEST', `unknown preset "${name}"; known presets: ${presetNames().join(', ')}`);
  }
  return compilePreset(table, await readConfig(configPath), configPath);
}

async function readConfig(configPath: string): Promise<ModelConfig> {
  let text: string;
  try {
    const bytes = await readFile(configPath);
    if (bytes.length > MAX_CONFIG_BYTES) {
      throw new FormatError('LIMIT', `${configPath}: ${bytes.length} bytes is more than the ${MAX_CONFIG_BYTES}-byte limit for a model config`, { file: configPath });
    }
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof FormatError) throw e;
    const code = (e as { code?: string }).code;
    throw new FormatError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `${configPath}: cannot read the model config (${code ?? String(e)})`, { file: configPath });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FormatError('CORRUPT', `${configPath}: not valid JSON (${(e as Error).message})`, { file: configPath });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FormatError('CORRUPT', `${configPath}: a model config must be a JSON object`, { file: configPath });
  }
  return value as ModelConfig;
}
