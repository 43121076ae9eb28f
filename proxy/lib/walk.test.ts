import { describe, expect, it } from 'vitest';
import { cloneJson, jsonDepth, mapStrings, stringifyJson } from './walk.js';

const DEPTH = 10_000;
const deepText = '{"a":['.repeat(DEPTH) + '"s"' + ']}'.repeat(DEPTH);

const samples: unknown[] = [
  null,
  true,
  0,
  -1.5e300,
  'text with "quotes", \u2028 and \ud800',
  [],
  {},
  [1, 'a', null, [2, [3, {}]], { k: [] }],
  { z: 1, a: { b: [true, false] }, '': '', __proto__x: 1 },
  JSON.parse('{"__proto__":{"x":1},"k":"v"}'),
  { skip: undefined, fn: () => 1, keep: [undefined, NaN, Infinity] },
];

describe('stringifyJson', () => {
  it.each(samples.map((s) => [JSON.stringify(s) ?? 'undefined', s]))('writes %s as JSON.stringify does', (_name, value) => {
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
    expect(stringifyJson(value, { indent: 2 })).toBe(JSON.stringify(value, null, 2));
    // The loop itself, forced by a finite indent depth that is never reached.
    expect(stringifyJson(value, { indentDepth: 1e9 })).toBe(JSON.stringify(value));
    expect(stringifyJson(value, { indent: 2, indentDepth: 1e9 })).toBe(JSON.stringify(value, null, 2));
  });

  it('writes a value too deep for JSON.stringify', () => {
    const value = JSON.parse(deepText);
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(stringifyJson(value) === deepText).toBe(true);
  });

  it('indents only the first levels when asked', () => {
    expect(stringifyJson({ a: { b: [1] } }, { indent: 2, indentDepth: 1 })).toBe('{\n  "a": {"b":[1]}\n}');
  });

  it('refuses a cycle like JSON.stringify', () => {
    const a: unknown[] = [];
    a.push(a);
    expect(() => stringifyJson(a, { indentDepth: 5 })).toThrow(TypeError);
  });
});

describe('mapStrings and cloneJson', () => {
  it('maps every string value, keeps keys and their order', () => {
    const value = JSON.parse('{"b":"x-secret","a":["secret",{"secret":"no secret"}],"__proto__":"secret"}');
    const out = mapStrings(value, (s) => s.replaceAll('secret', '***'));
    expect(JSON.stringify(out)).toBe('{"b":"x-***","a":["***",{"secret":"no ***"}],"__proto__":"***"}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toContain('x-secret'); // input untouched
  });

  it('copies at any depth', () => {
    const value = JSON.parse(deepText);
    const copy = cloneJson(value);
    expect(copy === value).toBe(false);
    expect(stringifyJson(copy) === deepText).toBe(true);
    expect(stringifyJson(mapStrings(value, (s) => s.toUpperCase())) === deepText.replace('"s"', '"S"')).toBe(true);
  });

  it('measures depth without recursion', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth([])).toBe(1);
    expect(jsonDepth({ a: [{}] })).toBe(3);
    expect(jsonDepth(JSON.parse(deepText))).toBe(2 * DEPTH);
  });
});
