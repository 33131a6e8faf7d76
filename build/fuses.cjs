// Electron fuses, flipped in the packaged binary (electron-builder 25 has no `electronFuses`
// option; @electron/fuses is not a dependency). The format is @electron/fuses' "fuse wire":
// the sentinel below, one version byte (1), one length byte, then one byte per fuse:
// '0' disabled, '1' enabled, 'r' removed. Order (FuseV1Options):
//   0 RunAsNode, 1 EnableCookieEncryption, 2 EnableNodeOptionsEnvironmentVariable,
//   3 EnableNodeCliInspectArguments, 4 EnableEmbeddedAsarIntegrityValidation,
//   5 OnlyLoadAppFromAsar, 6 LoadBrowserProcessSpecificV8Snapshot, 7 GrantFileProtocolExtraPrivileges.
// See https://www.electronjs.org/docs/latest/tutorial/fuses.
'use strict';

const SENTINEL = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'ascii');
const FUSE_VERSION = 1;

const FUSE = {
  RunAsNode: 0,
  EnableCookieEncryption: 1,
  EnableNodeOptionsEnvironmentVariable: 2,
  EnableNodeCliInspectArguments: 3,
  EnableEmbeddedAsarIntegrityValidation: 4,
  OnlyLoadAppFromAsar: 5,
  LoadBrowserProcessSpecificV8Snapshot: 6,
  GrantFileProtocolExtraPrivileges: 7,
};

/**
 * Sets fuses in `binary` (a Buffer, changed in place). `wanted` maps a FUSE name to true/false.
 * Returns the fuse wire after the change. Throws when the binary has no fuse wire, or a
 * different version, or a wanted fuse is missing or removed: a release must never ship with a
 * fuse silently left as it was.
 */
function flipFuses(binary, wanted) {
  const at = binary.indexOf(SENTINEL);
  if (at < 0) throw new Error('no Electron fuse wire in this binary (is it Electron ≥ 12?)');
  if (binary.indexOf(SENTINEL, at + 1) >= 0) throw new Error('the fuse sentinel occurs twice; refusing to guess which is the wire');
  const version = binary[at + SENTINEL.length];
  if (version !== FUSE_VERSION) throw new Error(`fuse wire version ${version}, expected ${FUSE_VERSION}`);
  const length = binary[at + SENTINEL.length + 1];
  const start = at + SENTINEL.length + 2;
  for (const [name, on] of Object.entries(wanted)) {
    const i = FUSE[name];
    if (i === undefined) throw new Error(`unknown fuse ${name}`);
    if (i >= length) throw new Error(`fuse ${name} is not in this Electron's wire (${length} fuses)`);
    const cur = binary[start + i];
    if (cur === 0x72) throw new Error(`fuse ${name} was removed from this Electron`);
    binary[start + i] = on ? 0x31 : 0x30;
  }
  return binary.subarray(start, start + length).toString('ascii');
}

module.exports = { flipFuses, FUSE, SENTINEL };
