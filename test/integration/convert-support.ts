// Shared by the convert integration tests: fixtures copied to a scratch folder, reading an
// output back with the project's own readers, file fingerprints, and running the CLI verb.
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { hashTensor } from '../../electron/services/inspect/hash';
import { readTensorBlocks } from '../../electron/services/tensor-data/assemble';
import type { TensorEntry } from '../../shared/model/checkpoint';
import { FIXTURES } from '../support/fixtures';
import { type CliRun, runCli } from '../support/cli-capture';

export function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), 'shardscope-convert-'));
}

/** A copy of test/fixtures/<name>/<sub> in a fresh scratch folder. */
export function copyFixture(name: string, sub = 'checkpoint'): string {
  const to = path.join(scratch(), name);
  cpSync(path.join(FIXTURES, name, sub), to, { recursive: true });
  return to;
}

export interface ReadBack {
  format: string;
  files: string[];
  tensors: Map<string, { dtype: string; shape: readonly number[]; nbytes: number; sha256: string }>;
  objects: number;
}

/** Opens an output folder with the project's readers and hashes every tensor. */
export async function readBack(dir: string): Promise<ReadBack> {
  const ck = await openCheckpoint(dir);
  try {
    const tensors: ReadBack['tensors'] = new Map();
    let objects = 0;
    for (const e of ck.model.entries) {
      if (e.kind !== 'tensor') {
        objects++;
        continue;
      }
      tensors.set(e.key, { dtype: e.dtype, shape: e.shape, nbytes: e.nbytes, sha256: await hashTensor(ck.folder, e) });
    }
    return { format: ck.model.format, files: readdirSync(dir).sort(), tensors, objects };
  } finally {
    await ck.close();
  }
}

/** Full bytes of one tensor of a checkpoint (tests only: small tensors). */
export async function tensorBytes(dir: string, key: string): Promise<{ entry: TensorEntry; bytes: Uint8Array }> {
  const ck = await openCheckpoint(dir);
  try {
    const entry = ck.model.entries.find((e) => e.key === key);
    if (entry === undefined || entry.kind !== 'tensor') throw new Error(`${dir}: no tensor ${key}`);
    const out = new Uint8Array(entry.nbytes);
    let at = 0;
    for await (const b of readTensorBlocks(ck.folder, entry)) {
      out.set(b, at);
      at += b.length;
    }
    return { entry, bytes: out };
  } finally {
    await ck.close();
  }
}

/** size, mtime and sha256 of every file under `dir`, to prove it was not touched. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}

/** Names in `dir` that look like our temp folders. */
export function strays(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('.shardscope-'));
}

/** `shardscope convert ARGS…` in-process, through the real CLI entry point. */
export function runConvertCli(args: string[]): Promise<CliRun> {
  return runCli(['convert', ...args]);
}
