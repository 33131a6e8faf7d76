// electron-builder afterPack hook (runs before signing): flips the fuses house style §5 asks
// for in the packaged Electron binary. RunAsNode and NODE_OPTIONS off (the app binary cannot be
// used as a plain Node), Node's --inspect flags off, the app loads only from its asar, and the
// asar is integrity-checked where electron-builder 25 records the hash (macOS: Info.plist).
// Windows needs the hash embedded as a resource, which electron-builder 25 does not write;
// turning the check on there would stop the app from starting, so it stays off on Windows.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads hooks with require(); this is CommonJS */

const fs = require('node:fs');
const path = require('node:path');
const { flipFuses } = require('./fuses.cjs');

function binaryPath(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${name}.app`, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
    case 'win32':
      return path.join(context.appOutDir, `${name}.exe`);
    default:
      return path.join(context.appOutDir, context.packager.executableName);
  }
}

exports.default = async function afterPack(context) {
  const file = binaryPath(context);
  const binary = fs.readFileSync(file);
  const wire = flipFuses(binary, {
    RunAsNode: false,
    EnableNodeOptionsEnvironmentVariable: false,
    EnableNodeCliInspectArguments: false,
    EnableCookieEncryption: true,
    OnlyLoadAppFromAsar: true,
    EnableEmbeddedAsarIntegrityValidation: context.electronPlatformName !== 'win32',
  });
  fs.writeFileSync(file, binary);
  console.log(`  • fuses set in ${path.basename(file)}: ${wire}`);
};
