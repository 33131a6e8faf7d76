import { describe, expect, it } from 'vitest';
import { buildIndexJson } from '../../../../electron/formats/safetensors/index-writer';
import { parseHfIndexJson } from '../../../../electron/formats/hfshards/index-json';
import { FormatError } from '../../../../shared/errors';
import { fixtureBytes } from './helpers';

describe('buildIndexJson', () => {
  it('reproduces the fixture index (torch wrote sorted keys, indent 2) plus the final newline Transformers adds', () => {
    const fixture = new TextDecoder().decode(fixtureBytes('hf_consolidated/checkpoint/model.safetensors.index.json'));
    const parsed = parseHfIndexJson('model.safetensors.index.json', fixtureBytes('hf_consolidated/checkpoint/model.safetensors.index.json'));
    const weightMap = Object.fromEntries([...parsed.weightMap].reverse().map((e) => [e.tensor, e.file]));
    expect(buildIndexJson(30024, weightMap)).toBe(`${fixture}\n`);
  });

  it('sorts metadata and weight_map keys by code point, as Python sort_keys does', () => {
    const text = buildIndexJson(10, { b: 'f2', a: 'f1', '\u{1F600}': 'f3', '\uFF5E': 'f4' }, { total_parameters: 5, dtype: 'bfloat16' });
    expect(text).toBe(
      '{\n  "metadata": {\n    "dtype": "bfloat16",\n    "total_parameters": 5,\n    "total_size": 10\n  },\n' +
        '  "weight_map": {\n    "a": "f1",\n    "b": "f2",\n    "\\uff5e": "f4",\n    "\\ud83d\\ude00": "f3"\n  }\n}\n',
    );
  });

  it('escapes like Python ensure_ascii (non-ASCII, DEL and control characters as \\uxxxx)', () => {
    const text = buildIndexJson(0, { 'é\x7f\x01"\\': 'x.safetensors' });
    expect(text).toContain('"\\u00e9\\u007f\\u0001\\"\\\\": "x.safetensors"');
    expect(JSON.parse(text).weight_map).toEqual({ 'é\x7f\x01"\\': 'x.safetensors' });
  });

  it('writes an empty weight_map as {}', () => {
    expect(buildIndexJson(0, {})).toBe('{\n  "metadata": {\n    "total_size": 0\n  },\n  "weight_map": {}\n}\n');
  });

  it('lets the total_size argument win over one in extraMetadata', () => {
    expect(JSON.parse(buildIndexJson(7, {}, { total_size: 99 })).metadata).toEqual({ total_size: 7 });
  });

  it('refuses a non-integer metadata number (Python would print it differently)', () => {
    expect(() => buildIndexJson(1, {}, { ratio: 0.5 })).toThrow(FormatError);
  });
});
