import { describe, expect, it } from 'vitest';
import { ControlError, toErrorReply } from './errors.js';
import { newControlToken, tokenMatches } from './token.js';

describe('control token', () => {
  it('is 256 random bits, URL-safe, new each time', () => {
    const a = newControlToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newControlToken()).not.toBe(a);
  });

  it('matches only the exact token', () => {
    const t = newControlToken();
    expect(tokenMatches(t, t)).toBe(true);
    for (const given of [undefined, null, '', t.slice(1), `${t} `, t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase()]) {
      expect(tokenMatches(t, given)).toBe(false);
    }
    expect(tokenMatches('', '')).toBe(false);
  });
});

describe('error replies', () => {
  it('keeps the code and message of errors written for users', () => {
    expect(toErrorReply(new ControlError('UNAUTHORIZED', 'no'))).toEqual({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: 'no' } },
      known: true,
    });
    const startError = Object.assign(new Error('port 8000 is in use'), { code: 'PORT_IN_USE' });
    expect(toErrorReply(startError).status).toBe(409);
  });

  it('turns anything else into a generic INTERNAL', () => {
    for (const err of [new Error('ENOENT /secret/path'), Object.assign(new Error('x'), { code: 'EACCES' }), 'string', null, { code: 'INVALID_SETTINGS', message: 'not an Error' }]) {
      expect(toErrorReply(err)).toEqual({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'Internal error.' } },
        known: false,
      });
    }
  });
});
