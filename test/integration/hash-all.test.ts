// `inspect --hash` in worker threads gives torch's hashes, as the in-thread path does.
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { hashAllTensors } from '../../electron/services/inspect/hash-all';
import { expectedEntries, fixtureDir } from '../support/fixtures';

describe('hashAllTensors', () => {
  for (const c of ['fsdp_tp', 'zstd', 'hf_sharded']) {
    it(`${c}: worker threads, several tensors per job, match expected.json`, async () => {
      const ck = await openCheckpoint(fixtureDir(c));
      try {
        const got = await hashAllTensors(ck.model, ck.folder, undefined, { inThreadBytes: 0, jobBytes: 512 });
        const want = Object.entries(expectedEntries(c)).filter(([, e]) => e.kind === 'tensor');
        expect(got.size).toBe(want.length);
        for (const [k, e] of want) expect(got.get(k), k).toBe((e as { sha256: string }).sha256);
      } finally {
        await ck.close();
      }
    });
  }

  it('a cancelled run stops with CANCELLED', async () => {
    const ck = await openCheckpoint(fixtureDir('fsdp_train'));
    try {
      const ac = new AbortController();
      ac.abort();
      await expect(hashAllTensors(ck.model, ck.folder, ac.signal, { inThreadBytes: 0 })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      await ck.close();
    }
  });
});
