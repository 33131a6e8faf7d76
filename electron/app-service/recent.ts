// The recent-folders list on the start screen, kept in a small JSON file beside the app's
// settings. It is a convenience: a missing or unreadable file is an empty list, and a failed
// write is not worth interrupting the user for.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RecentFolder } from '../../shared/ipc/contract';
import type { CheckpointFormat } from '../../shared/model/checkpoint';

/** A start screen lists a handful; more is a history nobody scrolls. */
export const MAX_RECENT = 12;
/** The file is ours, but another process could have written anything into it. */
const MAX_RECENT_FILE_BYTES = 256 * 1024;

const FORMATS: readonly CheckpointFormat[] = ['dcp', 'safetensors', 'safetensors-sharded', 'dcp-hf-shards'];

function parse(text: string): RecentFolder[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: RecentFolder[] = [];
  for (const r of raw as unknown[]) {
    const o = r as { path?: unknown; format?: unknown; openedAt?: unknown } | null;
    if (typeof o?.path !== 'string' || typeof o.openedAt !== 'number' || !FORMATS.includes(o.format as CheckpointFormat)) continue;
    out.push({ path: o.path, format: o.format as CheckpointFormat, openedAt: o.openedAt });
    if (out.length >= MAX_RECENT) break;
  }
  return out;
}

export class RecentStore {
  private items: RecentFolder[] | undefined;
  private writing: Promise<void> = Promise.resolve();

  /** `file` null keeps the list in memory only (tests, or no settings folder). */
  constructor(private readonly file: string | null, private readonly now: () => number = Date.now) {}

  async list(): Promise<readonly RecentFolder[]> {
    if (this.items === undefined) {
      this.items = [];
      if (this.file !== null) {
        try {
          const text = await readFile(this.file, 'utf8');
          if (text.length <= MAX_RECENT_FILE_BYTES) this.items = parse(text);
        } catch {
          // no list yet
        }
      }
    }
    return this.items;
  }

  async add(p: string, format: CheckpointFormat): Promise<void> {
    const rest = (await this.list()).filter((r) => r.path !== p);
    this.items = [{ path: p, format, openedAt: this.now() }, ...rest].slice(0, MAX_RECENT);
    this.save();
  }

  async remove(p: string): Promise<readonly RecentFolder[]> {
    this.items = (await this.list()).filter((r) => r.path !== p);
    this.save();
    return this.items;
  }

  /** Resolves when pending writes are on disk (tests). */
  flushed(): Promise<void> {
    return this.writing;
  }

  private save(): void {
    const file = this.file;
    if (file === null) return;
    const text = JSON.stringify(this.items ?? [], null, 1);
    // Serialised, and written to a temp file then renamed, so a crash never leaves half a list.
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, text, 'utf8');
        await rename(tmp, file);
      } catch {
        // read-only settings folder: the list lives for this session only
      }
    });
  }
}
