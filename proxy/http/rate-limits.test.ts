import { describe, expect, it } from 'vitest';
import type { RateLimitEntry } from '../contract/types.js';
import { MAX_CREDENTIALS, pickRateLimitHeaders, RateLimitTracker, upstreamCredential } from './rate-limits.js';

const API_HEADERS = {
  'content-type': 'application/json',
  'request-id': 'req_1',
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-requests-reset': '2026-12-02T08:00:00Z',
  'anthropic-ratelimit-input-tokens-remaining': '1999000',
};
const UNIFIED = {
  'anthropic-ratelimit-unified-status': 'allowed_warning',
  'anthropic-ratelimit-unified-5h-utilization': '0.82',
  'anthropic-ratelimit-unified-5h-reset': '1764666000',
  'anthropic-ratelimit-unified-7d-utilization': '0.31',
  'anthropic-ratelimit-unified-representative-claim': 'five_hour',
};

describe('picking rate-limit headers', () => {
  it('keeps every anthropic-ratelimit-* header, unified ones included, and retry-after', () => {
    expect(pickRateLimitHeaders({ ...API_HEADERS, ...UNIFIED, 'retry-after': '30', 'x-other': '1' })).toEqual({
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-requests-reset': '2026-12-02T08:00:00Z',
      'anthropic-ratelimit-input-tokens-remaining': '1999000',
      ...UNIFIED,
      'retry-after': '30',
    });
  });

  it('gives null, not an empty object, when a response has none', () => {
    expect(pickRateLimitHeaders({ 'content-type': 'application/json', 'request-id': 'r', age: '1', 'retry-later': 'x' })).toBeNull();
    expect(pickRateLimitHeaders({})).toBeNull();
  });

  it('joins a repeated header', () => {
    expect(pickRateLimitHeaders({ 'anthropic-ratelimit-requests-limit': ['1', '2'] })).toEqual({ 'anthropic-ratelimit-requests-limit': '1, 2' });
  });
});

describe('which credential went upstream', () => {
  it('names the configured key, a client key or an OAuth token by their last four characters', () => {
    expect(upstreamCredential({ 'x-api-key': 'sk-ant-configured-abcd' }, 'sk-ant-configured-abcd')).toBe('configured key …abcd');
    expect(upstreamCredential({ 'x-api-key': 'sk-ant-client-key-wxyz' }, null)).toBe('client key …wxyz');
    expect(upstreamCredential({ authorization: 'Bearer sk-ant-oat01-token-9876' }, null)).toBe('OAuth token …9876');
    // The SDKs send an API key as a bearer token too.
    expect(upstreamCredential({ authorization: 'Bearer sk-ant-api03-key-wxyz' }, null)).toBe('client key …wxyz');
    expect(upstreamCredential({}, null)).toBeNull();
  });
});

describe('the tracker', () => {
  it('keeps the latest values per credential, newest first, and reports each change', () => {
    const changes: RateLimitEntry[] = [];
    let now = 1000;
    const tracker = new RateLimitTracker((e) => changes.push(e), () => now);
    tracker.observe({ 'x-api-key': 'sk-ant-client-key-wxyz' }, null, 200, API_HEADERS);
    now = 2000;
    tracker.observe({ authorization: 'Bearer sk-ant-oat01-token-9876' }, null, 200, UNIFIED);
    now = 3000;
    tracker.observe({ 'x-api-key': 'sk-ant-client-key-wxyz' }, null, 429, { 'anthropic-ratelimit-requests-remaining': '0', 'retry-after': '12' });
    tracker.observe({ 'x-api-key': 'sk-ant-client-key-wxyz' }, null, 200, { 'content-type': 'application/json' });
    expect(changes.map((c) => c.credential)).toEqual(['client key …wxyz', 'OAuth token …9876', 'client key …wxyz']);
    expect(tracker.snapshot()).toEqual([
      { credential: 'client key …wxyz', updatedAt: 3000, status: 429, headers: { 'anthropic-ratelimit-requests-remaining': '0', 'retry-after': '12' } },
      { credential: 'OAuth token …9876', updatedAt: 2000, status: 200, headers: UNIFIED },
    ]);
  });

  it('forgets the least recently updated credential beyond its bound', () => {
    const tracker = new RateLimitTracker();
    for (let i = 0; i <= MAX_CREDENTIALS; i++) {
      tracker.observe({ 'x-api-key': `sk-ant-client-key-${String(i).padStart(4, '0')}` }, null, 200, API_HEADERS);
    }
    const labels = tracker.snapshot().map((e) => e.credential);
    expect(labels).toHaveLength(MAX_CREDENTIALS);
    expect(labels).not.toContain('client key …0000');
    expect(labels[0]).toBe(`client key …${String(MAX_CREDENTIALS).padStart(4, '0')}`);
  });
});
