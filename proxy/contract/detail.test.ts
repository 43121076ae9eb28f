import { describe, expect, it } from 'vitest';
import { bodyBytes, toDetail } from './detail.js';
import { makeRecord } from '../history/testing.js';
import type { ExchangeRecord } from './types.js';

type Bodies = Partial<Pick<ExchangeRecord, 'originalBody' | 'forwardedBody' | 'responseBody' | 'assembled'>>;

/** A stored exchange with no bodies except the ones given. */
function record(bodies: Bodies): ExchangeRecord {
  return makeRecord({ originalBody: null, forwardedBody: null, responseBody: null, assembled: null, ...bodies });
}

describe('exchange detail', () => {
  it('measures bodies in UTF-8 bytes, 0 for a body never stored', () => {
    expect(bodyBytes(record({ originalBody: 'abc', forwardedBody: 'é', responseBody: '😀' }))).toEqual({
      originalBody: 3,
      forwardedBody: 2,
      responseBody: 4,
      assembled: 0,
    });
  });

  it('keeps every body without a limit', () => {
    const r = record({ originalBody: 'x'.repeat(10), responseBody: 'y'.repeat(20) });
    const detail = toDetail(r);
    expect(detail).toMatchObject({ originalBody: r.originalBody, responseBody: r.responseBody, omitted: [] });
    expect(detail.bodyBytes).toEqual({ originalBody: 10, forwardedBody: 0, responseBody: 20, assembled: 0 });
  });

  it('nulls exactly the bodies over the limit, counting bytes rather than characters', () => {
    // 'é' is 2 bytes: 6 characters, 12 bytes.
    const r = record({ originalBody: 'é'.repeat(6), forwardedBody: 'a'.repeat(10), responseBody: 'b'.repeat(11), assembled: '' });
    const detail = toDetail(r, 10);
    expect(detail.omitted).toEqual(['originalBody', 'responseBody']);
    expect(detail.originalBody).toBeNull();
    expect(detail.responseBody).toBeNull();
    expect(detail.forwardedBody).toBe('a'.repeat(10));
    expect(detail.assembled).toBe('');
    expect(detail.bodyBytes).toEqual({ originalBody: 12, forwardedBody: 10, responseBody: 11, assembled: 0 });
    expect(r.originalBody).toBe('é'.repeat(6));
    expect(detail.requestHeaders).toEqual(r.requestHeaders);
  });

  it('with a limit of 0 leaves out every stored non-empty body but not a missing one', () => {
    const detail = toDetail(record({ originalBody: '{}', forwardedBody: '{}' }), 0);
    expect(detail.omitted).toEqual(['originalBody', 'forwardedBody']);
  });
});
