import { describe, expect, it } from 'vitest';
import { parseBodyArg, parseEntryArg, parseHistoryQuery, parseIdArg, parseSessionQuery, parseStatsArg } from './args.js';
import { scrubDeep } from './scrub.js';

const KEY = 'sk-ant-api03-hostTestSecretKey-abcd';

describe('argument parsing', () => {
  it('accepts a well-formed history query and refuses anything else', () => {
    expect(parseHistoryQuery(undefined)).toEqual({});
    expect(parseHistoryQuery({ cursor: null, limit: 20, model: 'claude', statusClass: '4xx', path: '/v1', text: 'hello' })).toEqual({
      cursor: null,
      limit: 20,
      model: 'claude',
      statusClass: '4xx',
      path: '/v1',
      text: 'hello',
    });
    for (const bad of [{ limit: 0 }, { limit: '5' }, { statusClass: '6xx' }, { text: 3 }, { sort: 'asc' }, 'x', { text: 'x'.repeat(1001) }]) {
      expect(() => parseHistoryQuery(bad), JSON.stringify(bad).slice(0, 40)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('accepts a session filter on the history query', () => {
    expect(parseHistoryQuery({ session: 'h:abc' })).toEqual({ session: 'h:abc' });
    expect(parseHistoryQuery({ session: null })).toEqual({ session: null });
    for (const bad of [{ session: 5 }, { session: 'x'.repeat(1001) }, { session: {} }]) {
      expect(() => parseHistoryQuery(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^session: /) }));
    }
  });

  it('accepts a well-formed session query and refuses anything else', () => {
    expect(parseSessionQuery(undefined)).toEqual({});
    expect(parseSessionQuery(null)).toEqual({});
    expect(parseSessionQuery({ cursor: 'c', limit: 10, client: 'claude-cli/2.1.197', model: 'claude', text: 'hello' })).toEqual({
      cursor: 'c',
      limit: 10,
      client: 'claude-cli/2.1.197',
      model: 'claude',
      text: 'hello',
    });
    expect(parseSessionQuery({ client: null, limit: null })).toEqual({ client: null });
    for (const bad of [{ limit: 0 }, { limit: 2.5 }, { client: 1 }, { statusClass: '2xx' }, { session: 'h:x' }, 'x', [], { text: 'x'.repeat(1001) }]) {
      expect(() => parseSessionQuery(bad), JSON.stringify(bad).slice(0, 40)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('checks ids and stats days', () => {
    expect(parseIdArg({ id: 'abc' })).toEqual({ id: 'abc' });
    for (const bad of [undefined, {}, { id: '' }, { id: 5 }]) expect(() => parseIdArg(bad)).toThrow(/id: /);
    expect(parseStatsArg(undefined)).toEqual({});
    expect(parseStatsArg({ days: 7 })).toEqual({ days: 7 });
    for (const bad of [{ days: 0 }, { days: 1.5 }, { days: 400 }, 'x']) expect(() => parseStatsArg(bad)).toThrow();
  });

  it('checks the detail limit and the body field', () => {
    expect(parseEntryArg({ id: 'abc' })).toEqual({ id: 'abc' });
    expect(parseEntryArg({ id: 'abc', maxBodyBytes: null })).toEqual({ id: 'abc' });
    expect(parseEntryArg({ id: 'abc', maxBodyBytes: 0 })).toEqual({ id: 'abc', maxBodyBytes: 0 });
    expect(parseEntryArg({ id: 'abc', maxBodyBytes: 204800 })).toEqual({ id: 'abc', maxBodyBytes: 204800 });
    for (const bad of [-1, 1.5, '100', Number.POSITIVE_INFINITY, Number.NaN, 2 ** 60]) {
      expect(() => parseEntryArg({ id: 'abc', maxBodyBytes: bad }), String(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^maxBodyBytes: /) }));
    }
    expect(() => parseEntryArg({ maxBodyBytes: 5 })).toThrow(/id: /);
    for (const field of ['originalBody', 'forwardedBody', 'responseBody', 'assembled'] as const) {
      expect(parseBodyArg({ id: 'abc', field })).toEqual({ id: 'abc', field });
    }
    for (const bad of [undefined, 'requestHeaders', 'id', '', 'toString', 3]) {
      expect(() => parseBodyArg({ id: 'abc', field: bad }), String(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^field: /) }));
    }
    expect(() => parseBodyArg({ id: '', field: 'assembled' })).toThrow(/id: /);
  });
});

describe('scrubbing results', () => {
  it('scrubs a secret from every string of a result, and returns other values untouched', () => {
    const value = { a: `key ${KEY}`, b: [KEY, 1, null], c: { d: KEY } };
    expect(scrubDeep(value, [KEY])).toEqual({ a: 'key [redacted]', b: ['[redacted]', 1, null], c: { d: '[redacted]' } });
    const clean = { a: 'nothing' };
    expect(scrubDeep(clean, [KEY])).toBe(clean);
    expect(scrubDeep(value, [null])).toBe(value);
  });
});
