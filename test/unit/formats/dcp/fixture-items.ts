// Helpers over the torch-written DCP fixtures: case list, a MemoryFolder copy to mutate, every
// item's bytes (transforms undone), sha256 of a ByteSource.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemoryFolder } from '../../../../electron/io/memory-folder';
import type { ByteSource } from '../../../../electron/io/byte-source';
import { parseDcpMetadata, type DcpMetadata } from '../../../../electron/formats/dcp/metadata';
import { decompressZstd } from '../../../../electron/formats/dcp/transforms';
import { FIXTURES, fixtureDir } from '../../../support/fixtures';

/** Every DCP case: folders under test/fixtures whose checkpoint/ holds a .metadata. */
export function dcpCases(): string[] {
  return readdirSync(FIXTURES)
    .filter((c) => existsSync(path.join(FIXTURES, c, 'checkpoint', '.metadata')))
    .sort();
}

export function readCase(c: string): Map<string, Uint8Array> {
  const dir = fixtureDir(c);
  const files = new Map<string, Uint8Array>();
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.isFile()) files.set(d.name, new Uint8Array(readFileSync(path.join(dir, d.name))));
  }
  return files;
}

/** A mutable in-memory copy of a fixture's checkpoint folder. */
export function memoryCase(c: string, mutate?: (files: Map<string, Uint8Array>) => void): MemoryFolder {
  const files = readCase(c);
  mutate?.(files);
  return new MemoryFolder(files, `/memory/${c}`);
}

export function caseMetadata(c: string): DcpMetadata {
  return parseDcpMetadata(new Uint8Array(readFileSync(path.join(fixtureDir(c), '.metadata'))));
}

export interface FixtureItem {
  case: string;
  fqn: string;
  file: string;
  offset: number;
  length: number;
  transforms: readonly string[];
  /** The torch.save zip, transforms undone. */
  zip: Uint8Array;
}

export function* fixtureItems(cases: readonly string[] = dcpCases()): Generator<FixtureItem> {
  for (const c of cases) {
    const md = caseMetadata(c);
    const files = readCase(c);
    for (const [key, info] of md.storage) {
      const fqn = (JSON.parse(key) as [string])[0];
      const file = files.get(info.file) as Uint8Array;
      const raw = file.subarray(info.offset, info.offset + info.length);
      const zip = info.transforms.length > 0 ? decompressZstd(raw, 64 * 1024 * 1024) : raw;
      yield { case: c, fqn, file: info.file, offset: info.offset, length: info.length, transforms: info.transforms, zip };
    }
  }
}

export async function sha256Of(src: ByteSource): Promise<string> {
  const h = createHash('sha256');
  const block = 1 << 20;
  for (let o = 0; o < src.size; o += block) h.update(await src.read(o, Math.min(block, src.size - o)));
  return h.digest('hex');
}
