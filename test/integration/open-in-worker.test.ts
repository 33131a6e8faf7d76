// The app opens checkpoints in a worker thread: the model that comes back is the one the
// in-thread reader builds, and errors keep their code, file and text.
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { openCheckpointInWorker } from '../../electron/services/inspect/open-in-worker';
import { hashTensor } from '../../electron/services/inspect/hash';
import type { TensorEntry } from '../../shared/model/checkpoint';
import { expectedEntries, fixtureDir } from '../support/fixtures';

describe('openCheckpointInWorker', () => {
  for (const c of ['fsdp_tp', 'bytes_objects', 'hf_consolidated']) {
    it(`${c}: same model as in-thread, and its folder reads the tensors`, async () => {
      const [w, t] = [await openCheckpointInWorker(fixtureDir(c)), await openCheckpoint(fixtureDir(c))];
      try {
        expect(w.model).toEqual(t.model);
        const want = expectedEntries(c);
        for (const e of w.model.entries.filter((x): x is TensorEntry => x.kind === 'tensor')) {
          expect(await hashTensor(w.folder, e), e.key).toBe((want[e.key] as { sha256: string }).sha256);
        }
      } finally {
        await Promise.all([w.close(), t.close()]);
      }
    });
  }

  it('a missing folder is NOT_FOUND with the same one-line text', async () => {
    await expect(openCheckpointInWorker('/nonexistent/ckpt')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: '/nonexistent/ckpt: no such file or folder',
    });
  });
});
