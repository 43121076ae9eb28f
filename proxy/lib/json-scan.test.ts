import { describe, expect, it } from 'vitest';
import { gen } from '../history/json-gen.js';
import { seeded } from '../modifier/messages-gen.js';
import { INVALID, JsonScanner } from './json-scan.js';

/** Whether the scanner takes `text` as one JSON value with whitespace around it. */
function accepts(text: string): boolean {
  const s = new JsonScanner(Buffer.from(text));
  const end = s.skipValue(s.skipWhitespace(0));
  return end !== INVALID && s.skipWhitespace(end) === s.text.length;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const MUTATIONS = ['', '"', '\\', ',', ':', '{', '}', '[', ']', '0', '-', '.', 'e', 'u', 'x', ' ', '\n', '\u0001', 't', 'n'];

describe('JsonScanner', () => {
  it('accepts exactly what JSON.parse accepts (generated texts and one-character mutations)', () => {
    const r = seeded(3);
    let valid = 0;
    for (let n = 0; n < 6000; n++) {
      let text = gen(r, 5);
      if (n % 2 === 1) {
        const at = Math.floor(r() * (text.length + 1));
        const cut = Math.floor(r() * 2);
        text = text.slice(0, at) + MUTATIONS[Math.floor(r() * MUTATIONS.length)]! + text.slice(at + cut);
      }
      const want = parses(text);
      if (want) valid++;
      expect(accepts(text), JSON.stringify(text)).toBe(want);
    }
    expect(valid).toBeGreaterThan(3000);
  });

  it.each([
    ['0', true], ['-0', true], ['1.5e+3', true], ['1E-3', true], ['01', false], ['1.', false], ['.5', false], ['1e', false], ['+1', false], ['-', false],
    ['"\\u00e9"', true], ['"\\u00g9"', false], ['"\\u00e"', false], ['"\\/"', true], ['"\\a"', false], ['"\t"', false], ['"\\"', false],
    ['[1,]', false], ['{"a":1,}', false], ['{"a" 1}', false], ['{1:2}', false], ['[]', true], ['{ }', true], ['tru', false], ['nul', false], ['true false', false],
  ])('%s → %s', (text, ok) => {
    expect(accepts(text)).toBe(ok);
    expect(parses(text)).toBe(ok);
  });

  it('takes nesting far deeper than the call stack', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(accepts(deep)).toBe(true);
    expect(accepts(deep.slice(0, -1))).toBe(false);
  });

  it('decodes strings as JSON.parse does', () => {
    const text = '["plain","caf\\u00e9 \\ud83d\\ude42 \\n","日本"]';
    const s = new JsonScanner(Buffer.from(text));
    const spans: Array<[number, number]> = [[1, 8], [9, 36], [37, 45]];
    expect(spans.map(([a, b]) => s.decodeString(a, b))).toEqual(JSON.parse(text));
  });
});
