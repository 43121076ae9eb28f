import { describe, expect, it } from 'vitest';
import { checkJson, formatJson, sameJson } from './replay.js';

describe('the replay editor checks', () => {
  it('accepts JSON and says where it breaks otherwise', () => {
    expect(checkJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(checkJson('{\n  "a": 1,\n}')).toMatchObject({ ok: false, line: 3, column: 1, message: expect.stringContaining('property name') });
    // Some messages carry no position; the message alone is shown then.
    expect(checkJson('{"a":')).toMatchObject({ ok: false, line: null, column: null, message: 'Unexpected end of JSON input' });
  });

  it('formats with two spaces and leaves broken text alone', () => {
    expect(formatJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(formatJson('{"a":')).toBeNull();
  });

  it('tells an unchanged body from an edited one, whatever the whitespace', () => {
    expect(sameJson('{\n  "a": 1\n}', '{"a":1}')).toBe(true);
    expect(sameJson('{"a":2}', '{"a":1}')).toBe(false);
    expect(sameJson('{"a":1}', null)).toBe(false);
  });
});
