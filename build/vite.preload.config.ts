// Bundles electron/preload.ts into out/electron/preload.cjs. A sandboxed preload can require
// only `electron` (and a few Node built-ins), not our other files, so the contract's allow-list
// is bundled in; `electron` stays external.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: repo,
  publicDir: false,
  build: {
    outDir: 'out/electron',
    emptyOutDir: false,
    // Electron 40's Chromium; the preload runs in the renderer's sandboxed world.
    target: 'chrome120',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    lib: {
      entry: 'electron/preload.ts',
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rolldownOptions: {
      external: ['electron'],
    },
  },
});
