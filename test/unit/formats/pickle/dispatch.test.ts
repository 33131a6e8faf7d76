// The opcode switch (dispatch.ts) against the opcode table (opcodes.ts): every opcode marked
// supported is executed, every other known one is refused as UNSUPPORTED, unknown bytes as CORRUPT.
import { describe, expect, it } from 'vitest';
import { unpickle } from '../../../../electron/formats/pickle/machine';
import { OP, type OpcodeInfo } from '../../../../electron/formats/pickle/opcodes';
import { FormatError } from '../../../../shared/errors';

function errorOf(b: Uint8Array): FormatError | null {
  try {
    unpickle(b, { resolvers: new Map() });
    return null;
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
}

const ops = Object.values(OP) as OpcodeInfo[];

describe('opcode dispatch', () => {
  it.each(ops.filter((o) => o.supported).map((o) => [o.name, o.byte] as const))('%s is executed', (_name, byte) => {
    // The opcode alone after PROTO: it runs (and may then fail on an empty stack or missing
    // operand), but is never refused.
    const e = errorOf(Uint8Array.of(0x80, 4, byte));
    expect(e?.message ?? '').not.toMatch(/not supported|unknown pickle opcode/);
  });

  it.each(ops.filter((o) => !o.supported).map((o) => [o.name, o.byte] as const))('%s is refused', (name, byte) => {
    const e = errorOf(Uint8Array.of(0x80, 4, byte, 0x2e));
    expect(e?.code).toBe('UNSUPPORTED');
    expect(e?.message).toBe(`${name} at byte 2: opcode not supported (not written by torch or CPython for these value types)`);
  });

  it('refuses bytes that are no opcode', () => {
    const known = new Set(ops.map((o) => o.byte));
    for (let b = 0; b < 256; b++) {
      if (known.has(b)) continue;
      const e = errorOf(Uint8Array.of(0x80, 4, b, 0x2e));
      expect(e?.code).toBe('CORRUPT');
      expect(e?.message).toBe(`unknown pickle opcode 0x${b.toString(16).padStart(2, '0')} at byte 2`);
    }
  });
});
