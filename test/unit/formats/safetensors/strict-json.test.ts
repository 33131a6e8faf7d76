import { describe, expect, it } from 'vitest';
import { JsonNumber, StrictJsonError, jsonValueText, parseStrictJson } from '../../../../electron/formats/safetensors/strict-json';

const fail = (text: string): StrictJsonError => {
  try {
    parseStrictJson(text, 128);
  } catch (e) {
    if (e instanceof StrictJsonError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
};

describe('parseStrictJson', () => {
  it('agrees with JSON.parse on well-formed documents', () => {
    for (const text of ['{"a":[1,2,{"b":null}],"c":"\\u00e9\\n\\/","d":true,"e":-1.5e3}', ' [ ] ', '"x"', '0', '{"k":{}}']) {
      expect(JSON.parse(jsonValueText(parseStrictJson(text, 128)))).toEqual(JSON.parse(text));
    }
  });

  it('keeps object keys in file order, integer-like keys included', () => {
    const v = parseStrictJson('{"b":1,"0":2,"a":3}', 128) as Map<string, unknown>;
    expect([...v.keys()]).toEqual(['b', '0', 'a']);
  });

  it('keeps number text, classifying integers exactly', () => {
    const idx = (t: string) => (parseStrictJson(t, 128) as JsonNumber).asIndex();
    expect(idx('9007199254740991')).toBe(9007199254740991);
    expect(idx('9007199254740992')).toBe('too-large');
    expect(idx('1.0')).toBe('not-integer');
    expect(idx('1e2')).toBe('not-integer');
    expect(idx('-0')).toBe('negative');
  });

  it('rejects duplicate keys at any depth, naming the key and where', () => {
    const e = fail('{"a":{"x":1,"x":2}}');
    expect([e.failure, e.key, e.path]).toEqual(['duplicate-key', 'x', ['a']]);
  });

  it('rejects what RFC 8259 forbids', () => {
    for (const bad of ['{,}', '[1,]', '01', '{"a":1}x', "{'a':1}", '"\t"', '"\\x"', 'nul', '+1', '.5', '"abc', '{"a"}']) {
      expect(fail(bad).failure).toBe('syntax');
    }
  });

  it('rejects lone surrogate escapes as serde_json does, accepts pairs', () => {
    expect(fail('"\\ud800"').message).toContain('lone leading surrogate');
    expect(fail('"\\udc00"').message).toContain('lone trailing surrogate');
    expect(parseStrictJson('"\\ud83d\\ude00"', 128)).toBe('😀');
  });

  it('stops at the depth limit', () => {
    let e: unknown;
    try {
      parseStrictJson('[[[[]]]]', 3);
    } catch (x) {
      e = x;
    }
    expect((e as StrictJsonError).failure).toBe('too-deep');
    expect(parseStrictJson('[[[]]]', 3)).toEqual([[[]]]);
  });
});
