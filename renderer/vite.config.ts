// Builds the renderer into out/renderer with relative URLs (base './'), so Electron can load it
// from file:// and `shardscope ui` can serve it from any port. Vite 8 transforms TSX itself with
// oxc; no React plugin is needed for a production build.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron 40 ships Chromium 144; browsers for `ui` are evergreen.
    target: 'chrome120',
    sourcemap: false,
    // No inline scripts: the CSP allows only 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
});
