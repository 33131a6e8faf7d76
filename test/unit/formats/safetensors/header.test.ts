import { describe, expect, it } from 'vitest';
import { SAFETENSORS_REASONS, type SafetensorsReason } from '../../../../electron/formats/safetensors/errors';
import { MAX_HEADER_BYTES } from '../../../../electron/formats/safetensors/limits';
import type { ErrorCode } from '../../../../shared/errors';
import { expectReason, parseBytes, stFile, stFileRaw } from './helpers';

const F = 'model-00003-of-00008.safetensors';
const t = (name: string, dtype: string, shape: number[], b: number, e: number): string =>
  `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${b},${e}]}`;

interface Case {
  readonly name: string;
  readonly bytes: () => Uint8Array;
  readonly reason: SafetensorsReason;
  readonly code: ErrorCode;
  readonly message: readonly string[];
}

const cases: Case[] = [
  {
    name: 'rejects a file shorter than the 8-byte length prefix',
    bytes: () => new Uint8Array(5),
    reason: 'HEADER_TOO_SMALL',
    code: 'TRUNCATED',
    message: [`${F}: the file has 5 bytes, fewer than the 8-byte header length prefix`],
  },
  {
    name: 'rejects absurd header length',
    bytes: () => stFile('{}', 0, 2 ** 40),
    reason: 'HEADER_TOO_LARGE',
    code: 'LIMIT',
    message: [`${F}: the header length prefix says 1099511627776 bytes, more than the 100000000-byte limit`],
  },
  {
    name: 'rejects a header length one byte over the crate limit',
    bytes: () => stFile('{}', 0, MAX_HEADER_BYTES + 1),
    reason: 'HEADER_TOO_LARGE',
    code: 'LIMIT',
    message: ['says 100000001 bytes'],
  },
  {
    name: 'rejects header length past file',
    bytes: () => stFile('{}', 0, 4096),
    reason: 'INVALID_HEADER_LENGTH',
    code: 'TRUNCATED',
    message: [`${F}: the header length prefix says 4096 bytes, but the file has only 2 bytes after the prefix`],
  },
  {
    name: 'rejects a header that is not UTF-8',
    bytes: () => stFileRaw(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])),
    reason: 'INVALID_HEADER_UTF8',
    code: 'CORRUPT',
    message: ['the 7-byte header is not valid UTF-8 (bad byte sequence at byte 10)'],
  },
  {
    name: 'rejects a header that is a JSON array, not an object starting with {',
    bytes: () => stFile('[1,2]'),
    reason: 'INVALID_HEADER_START',
    code: 'CORRUPT',
    message: [`the header must be a JSON object starting with '{', but it starts with "[1,2]"`],
  },
  {
    name: 'rejects a header that starts with a UTF-8 byte order mark',
    bytes: () => stFile('\uFEFF{}'),
    reason: 'INVALID_HEADER_START',
    code: 'CORRUPT',
    message: ["starting with '{'"],
  },
  {
    name: 'rejects a header made only of padding',
    bytes: () => stFile('        '),
    reason: 'INVALID_HEADER_JSON',
    code: 'CORRUPT',
    message: ['the 8-byte header is empty or only whitespace'],
  },
  {
    name: 'rejects malformed JSON (a trailing comma)',
    bytes: () => stFile(`{${t('a', 'F32', [1], 0, 4)},}`, 4),
    reason: 'INVALID_HEADER_JSON',
    code: 'CORRUPT',
    message: ['the header is not valid JSON: expected a quoted object key, found \'}\' at byte'],
  },
  {
    name: 'rejects text after the JSON object',
    bytes: () => stFile('{} x'),
    reason: 'INVALID_HEADER_JSON',
    code: 'CORRUPT',
    message: ["unexpected 'x' after the end of the JSON value at byte 11"],
  },
  {
    name: 'rejects a lone surrogate escape in a tensor name',
    bytes: () => stFile(`{"\\ud800":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}`, 1),
    reason: 'INVALID_HEADER_JSON',
    code: 'CORRUPT',
    message: ['lone leading surrogate'],
  },
  {
    name: 'rejects a tensor without a dtype',
    bytes: () => stFile(`{"w":{"shape":[1],"data_offsets":[0,4]}}`, 4),
    reason: 'INVALID_HEADER_SCHEMA',
    code: 'CORRUPT',
    message: [`${F}: tensor "w" has dtype missing; expected a dtype name such as "F32"`],
  },
  {
    name: 'rejects a float in a shape',
    bytes: () => stFile(`{"w":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}`, 4),
    reason: 'INVALID_HEADER_SCHEMA',
    code: 'CORRUPT',
    message: ['tensor "w" has shape[0] = 1.0; expected a non-negative integer'],
  },
  {
    name: 'rejects a negative offset',
    bytes: () => stFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, 4),
    reason: 'INVALID_HEADER_SCHEMA',
    code: 'CORRUPT',
    message: ['tensor "w" has data_offsets[0] = -4; expected a non-negative integer'],
  },
  {
    name: 'rejects data_offsets with three numbers',
    bytes: () => stFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, 4),
    reason: 'INVALID_HEADER_SCHEMA',
    code: 'CORRUPT',
    message: ['tensor "w" has data_offsets with 3 numbers; expected [begin, end]'],
  },
  {
    name: 'rejects a tensor entry that is not an object',
    bytes: () => stFile(`{"w":"F32"}`),
    reason: 'INVALID_HEADER_SCHEMA',
    code: 'CORRUPT',
    message: ['tensor "w" must be an object with dtype, shape and data_offsets, but it is a string ("F32")'],
  },
  {
    name: 'rejects non-string __metadata__ values',
    bytes: () => stFile(`{"__metadata__":{"format":"pt","step":42}}`),
    reason: 'INVALID_METADATA',
    code: 'CORRUPT',
    message: [`${F}: __metadata__ value for "step" is a number (42); safetensors metadata values must be strings`],
  },
  {
    name: 'rejects a nested object in __metadata__',
    bytes: () => stFile(`{"__metadata__":{"info":{"a":"b"}}}`),
    reason: 'INVALID_METADATA',
    code: 'CORRUPT',
    message: ['__metadata__ value for "info" is an object'],
  },
  {
    name: 'rejects __metadata__ that is a list',
    bytes: () => stFile(`{"__metadata__":["pt"]}`),
    reason: 'INVALID_METADATA',
    code: 'CORRUPT',
    message: ['__metadata__ must be an object of strings, but it is an array'],
  },
  {
    name: 'rejects an unknown dtype',
    bytes: () => stFile(`{${t('w', 'F31', [1], 0, 4)}}`, 4),
    reason: 'UNKNOWN_DTYPE',
    code: 'CORRUPT',
    message: [`${F}: tensor "w" has unknown dtype "F31"`],
  },
  {
    name: 'rejects a lowercase dtype (serde matches variant names exactly)',
    bytes: () => stFile(`{${t('w', 'f32', [1], 0, 4)}}`, 4),
    reason: 'UNKNOWN_DTYPE',
    code: 'CORRUPT',
    message: ['unknown dtype "f32"'],
  },
  {
    name: 'refuses a crate dtype Shardscope does not model (F8_E8M0) as unsupported',
    bytes: () => stFile(`{${t('scale', 'F8_E8M0', [4], 0, 4)}}`, 4),
    reason: 'UNSUPPORTED_DTYPE',
    code: 'UNSUPPORTED',
    message: ['tensor "scale" has dtype F8_E8M0, which Shardscope does not read yet'],
  },
  {
    name: 'rejects duplicate names',
    bytes: () => stFile(`{${t('w', 'F32', [1], 0, 4)},${t('w', 'F32', [1], 4, 8)}}`, 8),
    reason: 'DUPLICATE_NAME',
    code: 'CORRUPT',
    message: [`${F}: tensor name "w" appears twice in the header (second at byte 62)`],
  },
  {
    name: 'rejects a duplicate __metadata__ key',
    bytes: () => stFile(`{"__metadata__":{"format":"pt","format":"np"}}`),
    reason: 'DUPLICATE_NAME',
    code: 'CORRUPT',
    message: ['key "format" appears twice inside "__metadata__"'],
  },
  {
    name: 'rejects an offset above 2^53',
    bytes: () => stFile('{"w":{"dtype":"U8","shape":[9007199254740993],"data_offsets":[0,9007199254740993]}}'),
    reason: 'NUMBER_TOO_LARGE',
    code: 'LIMIT',
    message: ['tensor "w" has shape[0] = 9007199254740993, above 2^53 - 1'],
  },
  {
    name: 'rejects a tensor with 65 dimensions',
    bytes: () => stFile(`{${t('w', 'U8', new Array<number>(65).fill(1), 0, 1)}}`, 1),
    reason: 'TOO_MANY',
    code: 'LIMIT',
    message: ['tensor "w" has 65 dimensions, more than the limit of 64'],
  },
  {
    name: 'rejects JSON nested deeper than serde_json allows',
    bytes: () => stFile(`{"w":{"dtype":"U8","shape":[],"data_offsets":[0,1],"x":${'['.repeat(200)}${']'.repeat(200)}}}`, 1),
    reason: 'TOO_MANY',
    code: 'LIMIT',
    message: ['JSON nests deeper than 128 levels'],
  },
  {
    name: 'rejects overlapping offsets',
    bytes: () => stFile(`{${t('a', 'F32', [4], 0, 16)},${t('b', 'F32', [4], 8, 24)}}`, 24),
    reason: 'INVALID_OFFSET',
    code: 'CORRUPT',
    message: [`${F}: tensor "b" starts at byte 8 of the data buffer but the previous tensor "a" ends at byte 16: they overlap by 8 bytes`],
  },
  {
    name: 'rejects a gap',
    bytes: () => stFile(`{${t('a', 'F32', [4], 0, 16)},${t('b', 'F32', [2], 24, 32)}}`, 32),
    reason: 'INVALID_OFFSET',
    code: 'CORRUPT',
    message: ['tensor "b" starts at byte 24 of the data buffer but the previous tensor "a" ends at byte 16: a gap of 8 bytes'],
  },
  {
    name: 'rejects a data buffer whose first tensor does not start at 0',
    bytes: () => stFile(`{${t('a', 'F32', [2], 8, 16)}}`, 16),
    reason: 'INVALID_OFFSET',
    code: 'CORRUPT',
    message: ['the first tensor in the data buffer, "a", starts at byte 8, not 0'],
  },
  {
    name: 'rejects data_offsets that end before they begin',
    bytes: () => stFile(`{${t('a', 'U8', [0], 0, 0)},${t('b', 'U8', [0], 0, 0)},${t('c', 'F32', [2], 8, 0)}}`, 8),
    reason: 'INVALID_OFFSET',
    code: 'CORRUPT',
    message: ['tensor "c" has data_offsets [8, 0]: it ends before it begins'],
  },
  {
    name: 'rejects a shape whose byte size overflows',
    bytes: () => stFile(`{${t('huge', 'F32', [1073741824, 1073741824, 1073741824], 0, 0)}}`),
    reason: 'VALIDATION_OVERFLOW',
    code: 'LIMIT',
    message: ['tensor "huge" has shape [1073741824, 1073741824, 1073741824] of F32: its size in bytes overflows 2^53'],
  },
  {
    name: 'rejects offsets that disagree with shape × dtype size',
    bytes: () => stFile(`{${t('w', 'F32', [2, 3], 0, 20)}}`, 20),
    reason: 'TENSOR_INVALID_INFO',
    code: 'INCONSISTENT',
    message: [`${F}: tensor "w" (F32, shape [2, 3]) needs 24 bytes but its data_offsets [0, 20] hold 20`],
  },
  {
    name: 'rejects data_offsets past end of file',
    bytes: () => stFile(`{${t('lm_head.weight', 'F32', [1024, 2304], 0, 9437184)}}`, 8388608),
    reason: 'DATA_PAST_END',
    code: 'TRUNCATED',
    message: [`${F}: tensor "lm_head.weight" ends at byte 9437184 but the data buffer has 8388608 bytes`],
  },
  {
    name: 'rejects bytes after the last tensor',
    bytes: () => stFile(`{${t('w', 'F32', [2], 0, 8)}}`, 12),
    reason: 'TRAILING_BYTES',
    code: 'CORRUPT',
    message: ['the last tensor "w" ends at byte 8 of the data buffer but the data buffer has 12 bytes (4 bytes belong to no tensor)'],
  },
  {
    name: 'rejects data after a header that declares no tensors',
    bytes: () => stFile('{}', 3),
    reason: 'TRAILING_BYTES',
    code: 'CORRUPT',
    message: ['the header declares no tensor data but the data buffer has 3 bytes'],
  },
];

describe('parseSafetensorsHeader refuses what the crate refuses', () => {
  it.each(cases)('$name', async (c) => {
    const e = await expectReason(parseBytes(F, c.bytes()), c.reason, c.code, ...c.message);
    expect(e.file).toBe(F);
    expect(e.message.startsWith(`${F}: `)).toBe(true);
  });

  it('has a test for every reason in the closed set', () => {
    const covered = new Set(cases.map((c) => c.reason));
    expect([...covered].sort()).toEqual(Object.keys(SAFETENSORS_REASONS).sort());
  });
});

describe('parseSafetensorsHeader accepts what the crate accepts', () => {
  it('reads tensors in file order with offsets, dtype and shape', async () => {
    const h = await parseBytes(F, stFile(`{"__metadata__":{"format":"pt"},${t('z', 'BF16', [2], 8, 12)},${t('a', 'F32', [2], 0, 8)}}`, 12));
    expect(h.tensors).toEqual([
      { name: 'z', dtype: 'bfloat16', shape: [2], begin: 8, end: 12 },
      { name: 'a', dtype: 'float32', shape: [2], begin: 0, end: 8 },
    ]);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.dataStart).toBe(8 + h.headerLength);
  });

  it('keeps a tensor named "0" where the file puts it (JSON.parse would move it first)', async () => {
    const h = await parseBytes(F, stFile(`{${t('b', 'U8', [1], 0, 1)},${t('0', 'U8', [1], 1, 2)}}`, 2));
    expect(h.tensors.map((x) => x.name)).toEqual(['b', '0']);
  });

  it('accepts leading and trailing JSON whitespace (the crate pads headers since #686)', async () => {
    const h = await parseBytes(F, stFile(` \t\n{${t('w', 'U8', [3], 0, 3)}}   `, 3));
    expect(h.tensors[0]?.name).toBe('w');
    expect(h.headerLength).toBe(59);
  });

  it('accepts "__metadata__": null, unknown tensor fields, scalars and empty tensors', async () => {
    const h = await parseBytes(
      F,
      stFile(`{"__metadata__":null,"s":{"dtype":"F64","shape":[],"data_offsets":[0,8],"note":{"x":[1,2]}},${t('e', 'F32', [0, 4], 8, 8)}}`, 8),
    );
    expect(h.metadata).toBeNull();
    expect(h.tensors.map((x) => [x.name, x.shape, x.end - x.begin])).toEqual([
      ['s', [], 8],
      ['e', [0, 4], 0],
    ]);
  });

  it('accepts a header with no tensors and no data', async () => {
    const h = await parseBytes(F, stFile('{}'));
    expect(h.tensors).toEqual([]);
    expect(h.metadata).toBeNull();
  });

  it('reads non-ASCII and escaped names exactly', async () => {
    const h = await parseBytes(F, stFile(`{"\\u00e9t\\u00e9\\n":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]},"😀":{"dtype":"I8","shape":[1],"data_offsets":[1,2]}}`, 2));
    expect(h.tensors.map((x) => x.name)).toEqual(['été\n', '😀']);
  });

  it('keeps a __metadata__ key named __proto__ as plain data', async () => {
    const h = await parseBytes(F, stFile(`{"__metadata__":{"__proto__":"x","format":"pt"}}`));
    expect(Object.keys(h.metadata ?? {})).toEqual(['__proto__', 'format']);
    expect(Object.getPrototypeOf(h.metadata)).toBe(Object.prototype);
  });

  it('reads every dtype Shardscope models, with the crate codes', async () => {
    const codes: Array<[string, string, number]> = [
      ['F64', 'float64', 8], ['F32', 'float32', 4], ['F16', 'float16', 2], ['BF16', 'bfloat16', 2],
      ['F8_E4M3', 'float8_e4m3fn', 1], ['F8_E5M2', 'float8_e5m2', 1], ['I8', 'int8', 1], ['I16', 'int16', 2],
      ['I32', 'int32', 4], ['I64', 'int64', 8], ['U8', 'uint8', 1], ['U16', 'uint16', 2], ['U32', 'uint32', 4],
      ['U64', 'uint64', 8], ['BOOL', 'bool', 1], ['C64', 'complex64', 8],
    ];
    let off = 0;
    const parts = codes.map(([code, , size]) => {
      const s = t(code, code, [3], off, off + 3 * size);
      off += 3 * size;
      return s;
    });
    const h = await parseBytes(F, stFile(`{${parts.join(',')}}`, off));
    expect(h.tensors.map((x) => x.dtype)).toEqual(codes.map((c) => c[1]));
  });
});
