// The torch-written fixtures copied from ../shared/fixtures (a fresh clone has no ../shared).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The committed fixtures, or another folder of torch-written cases laid out the same way
 * (`SHARDSCOPE_FIXTURES=/tmp/fx-seed7`, e.g. made with gen_fixtures.py --seed 7 or an older torch).
 */
export const FIXTURES = process.env.SHARDSCOPE_FIXTURES ?? path.resolve(__dirname, '..', 'fixtures');

export interface ExpectedTensor {
  kind: 'tensor';
  dtype: string;
  shape: number[];
  nbytes: number;
  sha256: string;
  stats?: { nan: number; inf: number; min: number | null; max: number | null; mean: number | null };
  file?: string;
}
export interface ExpectedObject {
  kind: 'object';
  python_type: string;
  repr?: string;
  global?: string;
}
export type ExpectedEntry = ExpectedTensor | ExpectedObject;

export interface Expected {
  case: string;
  format: string;
  world_size: number;
  entries?: Record<string, ExpectedEntry>;
  tensors?: Record<string, ExpectedTensor>;
}

/** Every case folder that has an expected.json. */
export function fixtureCases(): string[] {
  return readdirSync(FIXTURES)
    .filter((c) => existsSync(path.join(FIXTURES, c, 'expected.json')))
    .sort();
}

export function fixtureDir(c: string): string {
  return path.join(FIXTURES, c, 'checkpoint');
}

export function expected(c: string): Expected {
  return JSON.parse(readFileSync(path.join(FIXTURES, c, 'expected.json'), 'utf8')) as Expected;
}

/** The flat key → entry table, whichever name the case uses for it. */
export function expectedEntries(c: string): Record<string, ExpectedEntry> {
  const e = expected(c);
  return (e.entries ?? e.tensors ?? {}) as Record<string, ExpectedEntry>;
}
