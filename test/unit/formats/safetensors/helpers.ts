// Test helpers for safetensors: build files from header text, locate fixtures, hash ranges.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { MemorySource } from '../../../../electron/io/memory-source';
import { parseSafetensorsHeader } from '../../../../electron/formats/safetensors/header';
import { SafetensorsError, type SafetensorsReason } from '../../../../electron/formats/safetensors/errors';
import { FormatError, type ErrorCode } from '../../../../shared/errors';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/** u64 LE `n` (default: the JSON's byte length) + header text + data. */
export function stFile(headerJson: string, data: number | Uint8Array = 0, n?: number): Uint8Array {
  const json = new TextEncoder().encode(headerJson);
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(n ?? json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** A file from raw bytes after the prefix (for non-UTF-8 headers). */
export function stFileRaw(header: Uint8Array, dataLen = 0): Uint8Array {
  const out = new Uint8Array(8 + header.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  return out;
}

export function parseBytes(name: string, bytes: Uint8Array) {
  return parseSafetensorsHeader(new MemorySource(name, bytes));
}

/** Asserts the promise rejects with a SafetensorsError of `reason`, whose message contains every `parts`. */
export async function expectReason(p: Promise<unknown>, reason: SafetensorsReason, code: ErrorCode, ...parts: string[]): Promise<SafetensorsError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(SafetensorsError);
  const se = e as SafetensorsError;
  expect(se.reason).toBe(reason);
  expect(se.code).toBe(code);
  for (const part of parts) expect(se.message).toContain(part);
  return se;
}

/** Asserts a FormatError with `code` whose message contains every `parts`. */
export async function expectFormatError(p: Promise<unknown>, code: ErrorCode, ...parts: string[]): Promise<FormatError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(FormatError);
  const fe = e as FormatError;
  expect(fe.code).toBe(code);
  for (const part of parts) expect(fe.message).toContain(part);
  return fe;
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export interface ExpectedTensor {
  readonly dtype: string;
  readonly shape: number[];
  readonly nbytes: number;
  readonly sha256: string;
  readonly file?: string;
}

export function loadExpected(caseName: string): Record<string, ExpectedTensor> {
  const j = JSON.parse(readFileSync(`${FIXTURES}${caseName}/expected.json`, 'utf8')) as { tensors: Record<string, ExpectedTensor> };
  return j.tensors;
}

export function fixtureBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES}${rel}`));
}
