// The recent list: newest first, bounded, deduplicated, and a corrupt file is an empty list.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RECENT, RecentStore } from '../../../electron/app-service/recent';

const dir = mkdtempSync(path.join(tmpdir(), 'shardscope-recent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RecentStore', () => {
  it('keeps the newest first, once each, at most MAX_RECENT, and persists them', async () => {
    const file = path.join(dir, 'a', 'recent.json');
    let t = 0;
    const store = new RecentStore(file, () => ++t);
    for (let i = 0; i < MAX_RECENT + 3; i++) await store.add(`/ckpt/${i}`, 'dcp');
    await store.add('/ckpt/5', 'safetensors');
    await store.flushed();
    const again = await new RecentStore(file).list();
    expect(again).toHaveLength(MAX_RECENT);
    expect(again[0]).toEqual({ path: '/ckpt/5', format: 'safetensors', openedAt: MAX_RECENT + 4 });
    expect(again.filter((r) => r.path === '/ckpt/5')).toHaveLength(1);
    expect(await store.remove('/ckpt/5')).toHaveLength(MAX_RECENT - 1);
    await store.flushed();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(MAX_RECENT - 1);
  });

  it('reads a corrupt or foreign file as an empty list, keeping only well-formed items', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{not json');
    expect(await new RecentStore(file).list()).toEqual([]);
    writeFileSync(file, JSON.stringify([{ path: '/ok', format: 'dcp', openedAt: 1 }, { path: 5 }, { path: '/x', format: 'zip', openedAt: 1 }]));
    expect(await new RecentStore(file).list()).toEqual([{ path: '/ok', format: 'dcp', openedAt: 1 }]);
  });
});
