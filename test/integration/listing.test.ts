// `inspect` without --hash prints the listing (listCheckpoint), which for DCP checks everything
// readDcp checks but builds no chunk sources. It must say exactly what the full model says: the
// same entries (chunk counts for chunk lists), diagnostics and facts, or the same error.

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listCheckpoint, openCheckpoint } from '../../electron/services/inspect/open';
import { listingOf } from '../../shared/model/checkpoint';
import { toAppError } from '../../shared/errors';
import { fixtureCases, fixtureDir } from '../support/fixtures';

const BAD = path.resolve(__dirname, '..', 'fixtures', 'bad');

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (e) {
    const err = toAppError(e);
    return { code: err.code, message: err.message };
  }
}

async function compare(target: string): Promise<{ value?: unknown }> {
  const full = await outcome(async () => {
    const ck = await openCheckpoint(target);
    await ck.close();
    return listingOf(ck.model);
  });
  const listed = await outcome(() => listCheckpoint(target));
  expect(listed).toEqual(full);
  return listed as { value?: unknown };
}

describe('the listing equals the full model, less its chunk sources', () => {
  it.each(fixtureCases())('%s', async (name) => {
    const r = await compare(fixtureDir(name));
    expect(r.value).toBeDefined();
  });

  const bad = JSON.parse(readFileSync(path.join(BAD, 'cases.json'), 'utf8')) as Record<string, { target: string }>;
  it('on every case of the bad-input corpus, or with the same error', async () => {
    const names = readdirSync(BAD).filter((n) => bad[n] !== undefined);
    expect(names.length).toBeGreaterThan(40);
    let errors = 0;
    for (const n of names) if ((await compare(path.join(BAD, n, bad[n]!.target))).value === undefined) errors++;
    expect(errors).toBeGreaterThan(30);
  });
});
