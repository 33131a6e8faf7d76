// Renders build/icon.svg into the PNGs electron-builder uses (build/icons/NxN.png for Linux,
// build/icon.png at 1024 px, from which it derives .icns and .ico). Run after editing the SVG:
//   node build/render-icons.cjs        (needs Chromium: CHROMIUM_PATH or /usr/bin/chromium)
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads hooks with require(); this is CommonJS */

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

async function main() {
  const here = __dirname;
  const svg = fs.readFileSync(path.join(here, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    fs.mkdirSync(path.join(here, 'icons'), { recursive: true });
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(`<html><body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
      const shot = { omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } };
      await page.screenshot({ ...shot, path: path.join(here, 'icons', `${size}x${size}.png`) });
      if (size === 1024) await page.screenshot({ ...shot, path: path.join(here, 'icon.png') });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`render-icons: ${e.message}`);
  process.exit(1);
});
