// The lossless JSON reader every JSON record goes through: numbers keep their text, strings their
// escapes, and malformed input fails as JSON.parse would.
import { describe, expect, it } from 'vitest';
import { JsonNumber, parseJson, stringifyJson } from '../../src/util/lossless-json.js';

const num = (j: unknown) => (j as JsonNumber).text;

describe('parseJson', () => {
  it('keeps every number exactly as written', () => {
    const a = parseJson('[0, -0, 12, -3.50, 1e3, 2.5E-7, 1.0e+2, 123456789012345678901234567890.123456789]') as JsonNumber[];
    expect(a.map(num)).toEqual(['0', '-0', '12', '-3.50', '1e3', '2.5E-7', '1.0e+2', '123456789012345678901234567890.123456789']);
  });

  it('reads plain and escaped strings, and backslashes in later strings', () => {
    expect(parseJson('{"a":"x","b":"q\\"uote\\\\","c":"\\u00e9t\\u00e9","d":"plain"}')).toEqual({ a: 'x', b: 'q"uote\\', c: 'été', d: 'plain' });
    expect(parseJson(' \t\r\n[ "", true , false,null ] \n')).toEqual(['', true, false, null]);
  });

  it('rejects what JSON.parse rejects', () => {
    for (const bad of ['01', '1.', '-', '[1e]', '.5', '+1', '"open', '{"a" 1}', '[1,]x', 'nul', '{"a":1', '[1] 2']) {
      expect(() => JSON.parse(bad), bad).toThrow();
      expect(() => parseJson(bad), bad).toThrow(SyntaxError);
    }
  });

  it('writes back what it read', () => {
    const text = '{"ID":1,"P":12.50,"S":"a\\"b","L":[1,null,true],"O":{"k":-2e5}}';
    expect(stringifyJson(parseJson(text))).toBe(text);
  });
});
