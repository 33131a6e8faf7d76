// The afterPack hook's fuse flipping, on a buffer laid out like an Electron binary's fuse wire.

import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const load = createRequire(__filename);
const { flipFuses, SENTINEL } = load(path.resolve(__dirname, '../../../build/fuses.cjs')) as {
  flipFuses: (b: Buffer, wanted: Record<string, boolean>) => string;
  SENTINEL: Buffer;
};

function fakeBinary(wire: string, version = 1): Buffer {
  return Buffer.concat([Buffer.from('ELF...code...'), SENTINEL, Buffer.from([version, wire.length]), Buffer.from(wire, 'ascii'), Buffer.from('...more code')]);
}

describe('flipFuses', () => {
  it('sets the wanted fuses and leaves the others', () => {
    const b = fakeBinary('11101011');
    const wire = flipFuses(b, { RunAsNode: false, EnableNodeCliInspectArguments: false, EnableEmbeddedAsarIntegrityValidation: true, OnlyLoadAppFromAsar: true });
    expect(wire).toBe('01101111');
    expect(b.includes(Buffer.from('01101111'))).toBe(true);
  });

  it('refuses a binary without a wire, another wire version, a removed or missing fuse', () => {
    expect(() => flipFuses(Buffer.from('no fuses here'), { RunAsNode: false })).toThrow('no Electron fuse wire');
    expect(() => flipFuses(fakeBinary('1111', 2), { RunAsNode: false })).toThrow('fuse wire version 2');
    expect(() => flipFuses(fakeBinary('r111'), { RunAsNode: false })).toThrow('fuse RunAsNode was removed');
    expect(() => flipFuses(fakeBinary('11'), { OnlyLoadAppFromAsar: true })).toThrow('not in this Electron');
    expect(() => flipFuses(fakeBinary('1111'), { Nope: true })).toThrow('unknown fuse Nope');
  });
});
