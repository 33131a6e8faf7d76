// Main answers only its own top-level page: not a sub-frame, not another file, not a remote page.

import { describe, expect, it } from 'vitest';
import { isAppFrame } from '../../../electron/ipc/sender';

const APP = 'file:///opt/Shardscope/resources/app.asar/out/renderer/index.html';

describe('isAppFrame', () => {
  it('accepts the app page, with or without a hash or query', () => {
    for (const url of [APP, `${APP}#/inspect`, `${APP}?x=1`]) expect(isAppFrame({ url, parent: null }, APP)).toBe(true);
  });

  it('refuses sub-frames, other files, remote pages, and missing frames', () => {
    expect(isAppFrame({ url: APP, parent: {} }, APP)).toBe(false);
    expect(isAppFrame({ url: 'file:///tmp/evil.html', parent: null }, APP)).toBe(false);
    expect(isAppFrame({ url: 'https://example.com/out/renderer/index.html', parent: null }, APP)).toBe(false);
    expect(isAppFrame({ url: 'not a url', parent: null }, APP)).toBe(false);
    expect(isAppFrame(null, APP)).toBe(false);
    expect(isAppFrame(undefined, APP)).toBe(false);
  });
});
