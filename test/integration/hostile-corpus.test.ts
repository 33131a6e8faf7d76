// The corpus of bad inputs (test/fixtures/bad, issue 7): every case goes through the CLI as a user
// would run it (`shardscope inspect --json [--hash] PATH`) and must end in exactly the committed
// golden: one line on stderr naming the file and the key or offset, exit 2, nothing on stdout, the
// error code intended for it — or, for the inert case, the hostile objects shown as placeholders
// with nothing run. The committed files must equal what make-corpus.ts builds from the fixtures.

import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildCorpus, type BadCase } from '../fixtures/bad/make-corpus';
import { hostilePickles, MARKER_NAME } from '../fixtures/bad/hostile-objects';
import { hasRawControlChars, oneLineError, runCli } from '../support/cli-capture';
import { MAX_OBJECT_REPR_CHARS } from '../../electron/formats/dcp/limits';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { hashTensor } from '../../electron/services/inspect/hash';
import { toAppError, type ErrorCode } from '../../shared/errors';

const BAD = path.resolve(__dirname, '..', 'fixtures', 'bad');
const CASES_JSON = path.join(BAD, 'cases.json');
const WRITE = process.env.SHARDSCOPE_WRITE_CORPUS === '1';
const UPDATE = WRITE || process.env.SHARDSCOPE_UPDATE_GOLDEN === '1';

interface Golden {
  about: string;
  target: string;
  args: string[];
  code: ErrorCode | null;
  /** Error cases: stderr with the case folder written as `<case>`. */
  stderr?: string;
  /** The inert case: the entries `inspect --json` printed. */
  entries?: Record<string, unknown>;
  /** A known gap in another owner's message: no stderr is pinned until it is fixed. */
  gap?: string;
}

const corpus = buildCorpus();
const goldens: Record<string, Golden> = existsSync(CASES_JSON) ? (JSON.parse(readFileSync(CASES_JSON, 'utf8')) as Record<string, Golden>) : {};
const updated: Record<string, Golden> = {};

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

function writeCase(c: BadCase): void {
  const dir = path.join(BAD, c.name);
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, bytes] of c.files) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), bytes);
  }
}

/** Runs what the CLI runs, to read the error code (the CLI prints only the message). */
async function errorCode(c: BadCase): Promise<ErrorCode | null> {
  try {
    const ck = await openCheckpoint(path.join(BAD, c.name, c.target));
    try {
      if (c.args.includes('--hash')) for (const e of ck.model.entries) if (e.kind === 'tensor') await hashTensor(ck.folder, e);
    } finally {
      await ck.close();
    }
    return null;
  } catch (e) {
    return toAppError(e).code;
  }
}

/** Long reprs (the shared-reference bomb) are pinned by length and head, not 100 000 characters. */
function pinnable(entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) {
    const repr = (v as { repr?: unknown }).repr;
    out[k] = typeof repr === 'string' && repr.length > 200 ? { ...(v as object), repr: `${repr.slice(0, 60)}… (${repr.length} characters)` } : v;
  }
  return out;
}

interface Outcome {
  readonly run: { code: number; stdout: string; stderr: string };
  /** stderr with the case folder written as `<case>`. */
  readonly stderr: string;
  readonly golden: Golden;
}

const outcomes = new Map<string, Promise<Outcome>>();

/** Runs a case once (both of its tests read the same run). */
function outcome(c: BadCase): Promise<Outcome> {
  let o = outcomes.get(c.name);
  if (o === undefined) {
    o = (async () => {
      const dir = path.join(BAD, c.name);
      if (WRITE) writeCase(c);
      const run = await runCli(['inspect', '--json', ...c.args, path.join(dir, c.target)]);
      const stderr = run.stderr.split(dir).join('<case>');
      const golden: Golden = { about: c.about, target: c.target, args: [...c.args], code: c.code };
      if (c.code === null && run.code === 0) golden.entries = pinnable((JSON.parse(run.stdout) as { entries: Record<string, unknown> }).entries);
      else if (c.gap === undefined) golden.stderr = stderr;
      if (c.gap !== undefined) golden.gap = c.gap;
      updated[c.name] = golden;
      return { run, stderr, golden };
    })();
    outcomes.set(c.name, o);
  }
  return o;
}

describe('the corpus of bad inputs', () => {
  it('has a golden and a folder for every case, and neither without a case', () => {
    const names = corpus.map((c) => c.name).sort();
    if (!UPDATE) expect(Object.keys(goldens).sort()).toEqual(names);
    // zstd-frames/ holds inputs the cases read (made with the zstd CLI), not a case.
    const folders = readdirSync(BAD, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'zstd-frames').map((e) => e.name);
    if (!WRITE) expect(folders.sort()).toEqual(names);
  });

  for (const c of corpus) {
    const dir = path.join(BAD, c.name);
    describe(`${c.name}: ${c.about}`, () => {
      it('committed bytes are what make-corpus.ts builds', async () => {
        await outcome(c);
        expect(listFiles(dir)).toEqual([...c.files.keys()].sort());
        for (const [rel, bytes] of c.files) expect(new Uint8Array(readFileSync(path.join(dir, rel))), rel).toEqual(bytes);
      });

      if (c.code === null) {
        it('shows every hostile object as an inert placeholder and runs nothing', async () => {
          const { run, stderr, golden } = await outcome(c);
          expect(run.code, stderr).toBe(0);
          const entries = (JSON.parse(run.stdout) as { entries: Record<string, { repr?: string }> }).entries;
          for (const h of hostilePickles()) expect(entries[h.key], h.key).toEqual({ kind: 'object', ...h.expected });
          expect(entries['weird.shared_reference_bomb']?.repr?.length).toBeLessThanOrEqual(MAX_OBJECT_REPR_CHARS);
          expect(existsSync(MARKER_NAME)).toBe(false);
          expect(existsSync(path.join(dir, MARKER_NAME))).toBe(false);
          if (!UPDATE) expect(golden).toEqual(goldens[c.name]);
        });
        return;
      }

      it(`exits 2 with one line on stderr, nothing on stdout, code ${c.code}`, async () => {
        const { run, stderr } = await outcome(c);
        expect(run.code, stderr).toBe(2);
        expect(run.stdout).toBe('');
        expect(oneLineError(stderr)).toBeNull();
        expect(await errorCode(c)).toBe(c.code);
      });

      // A case with a known gap in another owner's message fails here until that owner fixes it.
      (c.gap === undefined ? it : it.fails)(`names the file (${c.names.file}) and where (${c.names.where}), as pinned`, async () => {
        const { stderr, golden } = await outcome(c);
        expect(stderr, 'names the file').toContain(c.names.file);
        expect(stderr, 'names the key or offset').toContain(c.names.where);
        expect(hasRawControlChars(stderr.slice(0, -1)), 'raw control characters').toBe(false);
        if (!UPDATE) expect(golden).toEqual(goldens[c.name]);
      });
    });
  }

  it.runIf(UPDATE)('writes cases.json', async () => {
    await Promise.all(corpus.map((c) => outcome(c)));
    const ordered = Object.fromEntries(corpus.map((c) => [c.name, updated[c.name]]));
    writeFileSync(CASES_JSON, `${JSON.stringify(ordered, null, 2)}\n`);
    expect(statSync(CASES_JSON).size).toBeGreaterThan(0);
  });
});
