import { describe, expect, it } from 'vitest';
import { maskSecret, redactHeaders, scrubSecrets } from './redact.js';

describe('redaction', () => {
  it('masks secret headers and keeps the last four characters', () => {
    const out = redactHeaders({
      'X-Api-Key': 'sk-ant-api03-abcdefghijklmnop-WXYZ',
      authorization: 'Bearer sk-ant-oat01-secretsecret-1234',
      cookie: 'session=abcdefghijkl',
      'x-addendum-token': 'tok_0123456789abcdef',
      'anthropic-version': '2023-06-01',
      accept: ['a', 'b'],
      skipped: undefined,
    });
    expect(out['x-api-key']).toBe('[redacted …WXYZ]');
    expect(out.authorization).toBe('Bearer [redacted …1234]');
    expect(out.cookie).toBe('[redacted …ijkl]');
    expect(out['x-addendum-token']).toBe('[redacted …cdef]');
    expect(out['anthropic-version']).toBe('2023-06-01');
    expect(out.accept).toBe('a, b');
    expect(out).not.toHaveProperty('skipped');
    expect(JSON.stringify(out)).not.toContain('secretsecret');
  });

  it('hides short secrets entirely', () => {
    expect(maskSecret('short')).toBe('[redacted]');
  });

  it('scrubs secrets out of free text', () => {
    expect(scrubSecrets('bad key sk-ant-123456789 here', ['sk-ant-123456789', null])).toBe('bad key [redacted] here');
  });
});
