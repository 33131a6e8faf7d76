import { describe, expect, it } from 'vitest';
import { convertOptions } from '../../../electron/app-service/services';

describe("the app's convert options", () => {
  it('always flush the output to disk before it appears (the CLI does so only with --sync)', () => {
    const request = { destination: '/x/out', modelOnly: true, dtype: 'bfloat16' as const, maxShardBytes: 1000, preset: null, configPath: null, verify: true, replaceExisting: false };
    expect(convertOptions(request)).toEqual({ modelOnly: true, dtype: 'bfloat16', maxShardSize: 1000, preset: null, verify: true, force: false, sync: true });
  });
});
