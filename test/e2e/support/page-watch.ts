// What every e2e page is held to: no console error and no uncaught exception, ever. Also the
// screenshots, one per screen, saved under test-results/screenshots/ for people to look at.

import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS } from './env';

export interface Watched {
  readonly errors: string[];
  shot(name: string): Promise<string>;
}

export function watch(page: Page, prefix: string): Watched {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    errors,
    async shot(name) {
      const file = path.join(SCREENSHOTS, `${prefix}-${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
}
