// Pickles that reach for code (os.system, subprocess, eval, getattr, __reduce__ / __setstate__
// tricks) are decoded by the allow-list machine and come back as inert placeholders; pickles that
// attack memory or the stack (deep nesting, self-references, shared-reference bombs, huge memo
// indices) end in a value or a typed error. Proof that nothing ran: each pickle would create a
// marker file at an absolute path in a fresh temp folder, and the marker never appears.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unpickle } from '../../electron/formats/pickle/machine';
import { OpaqueCall, OpaqueGlobal } from '../../electron/formats/pickle/values';
import { BYTES_ITEM_ALLOW_LIST, TENSOR_ITEM_ALLOW_LIST } from '../../electron/formats/dcp/item';
import { METADATA_ALLOW_LIST } from '../../electron/formats/dcp/metadata-globals';
import { parseDcpMetadata } from '../../electron/formats/dcp/metadata';
import { readDcp } from '../../electron/formats/dcp/reader';
import { MemoryFolder } from '../../electron/io/memory-folder';
import { toAppError, type ErrorCode } from '../../shared/errors';
import { concatBytes, le, OPS } from '../support/bytes';
import { buildDcp } from '../support/dcp-bytes';
import { deeplyNested, hostilePickles, selfReferentialList, sharedReferenceBomb } from '../fixtures/bad/hostile-objects';
import { runCli } from '../support/cli-capture';
import { fixtureDir } from '../support/fixtures';

let tmp = '';
let marker = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'shardscope-hostile-pickle-'));
  marker = path.join(tmp, 'PICKLE-RAN');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function codeOf(f: () => unknown): ErrorCode | 'ok' {
  try {
    f();
    return 'ok';
  } catch (e) {
    return toAppError(e).code;
  }
}

describe('pickles that reach for code are inert under every allow-list', () => {
  const lists = { 'bytes item': BYTES_ITEM_ALLOW_LIST, 'tensor data.pkl': TENSOR_ITEM_ALLOW_LIST, '.metadata': METADATA_ALLOW_LIST };
  for (const [listName, resolvers] of Object.entries(lists)) {
    it(`${listName}: each global stays an OpaqueGlobal, each call an OpaqueCall, and no marker appears`, () => {
      for (const h of hostilePickles(marker)) {
        if (h.expected.global === undefined) continue;
        const r = unpickle(h.pickle, { resolvers, persistentLoad: () => null });
        expect(r.opaqueGlobals, h.key).toContain(h.expected.global);
        // The one nested inside an OrderedDict leaves an (allowed) dict whose value is the inert call.
        if (h.key !== 'evil.nested_in_ordereddict') expect(r.value instanceof OpaqueCall || r.value instanceof OpaqueGlobal, h.key).toBe(true);
      }
      expect(existsSync(marker)).toBe(false);
    });
  }

  it('through readDcp: every hostile bytes item is an unsafe entry naming its global, with a warning', async () => {
    const hostile = hostilePickles(marker);
    const files = buildDcp(hostile.map((h) => ({ kind: 'object' as const, key: h.key, dataPkl: h.pickle })));
    const model = await readDcp(new MemoryFolder(files));
    for (const h of hostile) {
      const e = model.entries.find((x) => x.key === h.key);
      if (h.expected.global !== undefined) {
        expect(e, h.key).toMatchObject({ kind: 'object', pythonType: 'unsafe', global: h.expected.global });
        expect(model.diagnostics.some((d) => d.key === h.key && d.severity === 'warning' && d.message.includes('nothing was run')), h.key).toBe(true);
      } else {
        expect(e, h.key).toMatchObject({ kind: 'object', pythonType: h.expected.python_type, repr: h.expected.repr });
      }
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('a .metadata that is itself a call to posix.system is refused as CORRUPT, and nothing runs', () => {
    const pkl = hostilePickles(marker).find((h) => h.key === 'evil.posix_system')!.pickle;
    expect(codeOf(() => parseDcpMetadata(pkl))).toBe('CORRUPT');
    expect(existsSync(marker)).toBe(false);
  });

  it("torch's own hostile item (bytes_objects `evil`), its command patched to create a marker: unsafe, posix.system, nothing run", async () => {
    // The torch-written item runs `echo UNSAFE-PICKLE-EXECUTED` (27 bytes); swap in a same-length
    // `touch /tmp/ss-pickle-XXXXXX` so running it would leave a file. The zip CRC then mismatches,
    // which is a warning, not a failure.
    const dir = path.join(tmp, 'bytes_objects');
    cpSync(fixtureDir('bytes_objects'), dir, { recursive: true });
    const distcp = readFileSync(path.join(dir, '__0_0.distcp'));
    const at = distcp.indexOf('echo UNSAFE-PICKLE-EXECUTED');
    expect(at).toBeGreaterThan(0);
    const suffix = Math.random().toString(16).slice(2, 8).padEnd(6, '0');
    const target = `/tmp/ss-pickle-${suffix}`;
    const command = `touch ${target}`;
    expect(command.length).toBe(27);
    distcp.write(command, at, 'latin1');
    writeFileSync(path.join(dir, '__0_0.distcp'), distcp);
    const run = await runCli(['inspect', '--json', dir]);
    expect(run.code, run.stderr).toBe(0);
    const entries = (JSON.parse(run.stdout) as { entries: Record<string, unknown> }).entries;
    expect(entries.evil).toEqual({ kind: 'object', python_type: 'unsafe', global: 'posix.system' });
    expect(run.stderr).toContain('posix.system');
    expect(existsSync(target)).toBe(false);
  });
});

describe('pickles that attack memory or the stack end in a value or a typed error', () => {
  const bytesItem = (pkl: Uint8Array) => () => unpickle(pkl, { resolvers: BYTES_ITEM_ALLOW_LIST });

  it('a self-referential list reads, and its repr is [[...]]', async () => {
    const model = await readDcp(new MemoryFolder(buildDcp([{ kind: 'object', key: 'loop', dataPkl: selfReferentialList() }])));
    expect(model.entries[0]).toMatchObject({ pythonType: 'list', repr: '[[...]]' });
  });

  it('a shared-reference bomb (10^30 leaves) reads, with its repr cut and a diagnostic', async () => {
    const model = await readDcp(new MemoryFolder(buildDcp([{ kind: 'object', key: 'bomb', dataPkl: sharedReferenceBomb(30, 10) }])));
    const e = model.entries[0] as { repr: string };
    expect(e.repr.endsWith('…')).toBe(true);
    expect(model.diagnostics.some((d) => d.key === 'bomb' && /cut/.test(d.message))).toBe(true);
  });

  it('100 000 nested one-tuples: the machine builds them, repr refuses with LIMIT (no stack overflow)', async () => {
    expect(codeOf(bytesItem(deeplyNested(100_000)))).toBe('ok');
    const err = await readDcp(new MemoryFolder(buildDcp([{ kind: 'object', key: 'deep', dataPkl: deeplyNested(100_000) }]))).then(
      () => null,
      (e: unknown) => toAppError(e),
    );
    expect(err).toMatchObject({ code: 'LIMIT', file: '__0_0.distcp', key: 'deep' });
  });

  // pickle/values.ts KeyInterner hashes tuples with an explicit stack and refuses keys nesting
  // deeper than the nesting limit: LIMIT at the opcode adding the key, not a JS stack overflow.
  it('a 200 000-deep tuple used as a dict key is LIMIT, not a stack overflow', () => {
    const pkl = concatBytes([OPS.PROTO, 2, OPS.EMPTY_DICT, OPS.NONE], new Uint8Array(200_000).fill(OPS.TUPLE1), [OPS.NONE, OPS.SETITEM, OPS.STOP]);
    expect(codeOf(bytesItem(pkl))).toBe('LIMIT');
  });

  it('a 200 000-deep tuple added to a set is LIMIT, not a stack overflow', () => {
    const pkl = concatBytes([OPS.PROTO, 4, 0x8f, OPS.MARK, OPS.NONE], new Uint8Array(200_000).fill(OPS.TUPLE1), [0x90, OPS.STOP]);
    expect(codeOf(bytesItem(pkl))).toBe('LIMIT');
  });

  it('memo indices: a sparse LONG_BINPUT 0xFFFFFFFF is fine, a LONG_BINGET of a never-stored index is CORRUPT', () => {
    const put = concatBytes([OPS.PROTO, 2, OPS.NONE, OPS.LONG_BINPUT], le(0xffffffff, 4), [OPS.LONG_BINGET], le(0xffffffff, 4), [OPS.TUPLE2, OPS.STOP]);
    expect(codeOf(bytesItem(put))).toBe('ok');
    const get = concatBytes([OPS.PROTO, 2, OPS.LONG_BINGET], le(0xfffffffe, 4), [OPS.STOP]);
    expect(codeOf(bytesItem(get))).toBe('CORRUPT');
  });

  it('lengths that claim more than the pickle holds are TRUNCATED before anything is allocated', () => {
    for (const [op, width] of [[OPS.BINUNICODE, 4], [OPS.BINBYTES, 4], [OPS.BINBYTES8, 8], [OPS.BINUNICODE8, 8]] as const) {
      const claim = width === 4 ? 0x0fffffff : 0x0fffffff; // 256 MiB − 1: under the string limit, far past the input
      expect(codeOf(bytesItem(concatBytes([OPS.PROTO, 4, op], le(claim, width), [OPS.STOP]))), `opcode 0x${op.toString(16)}`).toBe('TRUNCATED');
    }
  });
});
