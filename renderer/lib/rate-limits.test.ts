import { describe, expect, it } from 'vitest';
import { KEY_LIMITS, OAUTH_LIMITS } from '../test/fixtures.js';
import { headline, limitTone, parseReset, rateLimitView } from './rate-limits.js';

describe('rate-limit headers for display', () => {
  it('groups an API key\'s buckets with their limit, remaining and reset', () => {
    const view = rateLimitView(KEY_LIMITS);
    expect(view.unified).toBeNull();
    expect(view.buckets).toEqual([
      { name: 'requests', limit: 4000, remaining: 3999, resetAt: Date.parse('2026-03-10T12:01:00Z') },
      { name: 'tokens', limit: 2_000_000, remaining: 1_998_000, resetAt: Date.parse('2026-03-10T12:01:00Z') },
    ]);
    expect(headline(view)).toBe('requests 3,999/4,000 left · tokens 99.9% left');
    expect(limitTone(view)).toBe('ok');
  });

  it('reads the unified windows of a subscription, and keeps the headers it has no place for', () => {
    const view = rateLimitView(OAUTH_LIMITS);
    expect(view.unified).toEqual({
      status: 'allowed_warning',
      resetAt: 1773151200_000,
      windows: [
        { name: '5h', utilization: 0.86, status: 'allowed_warning', resetAt: 1773151200_000 },
        { name: '7d', utilization: 0.31, status: 'allowed', resetAt: 1773532800_000 },
      ],
    });
    expect(view.other).toEqual([['anthropic-ratelimit-unified-representative-claim', 'five_hour']]);
    expect(headline(view)).toBe('5h 86% used · 7d 31% used');
    expect(limitTone(view)).toBe('warn');
  });

  it('marks a 429 with retry-after, and a rejected window, as errors', () => {
    const limited = rateLimitView({ ...KEY_LIMITS, status: 429, headers: { 'anthropic-ratelimit-requests-remaining': '0', 'retry-after': '17' } });
    expect(limited.retryAfterSeconds).toBe(17);
    expect(headline(limited)).toBe('retry after 17s · requests 0 left');
    expect(limitTone(limited)).toBe('error');
    const rejected = rateLimitView({ ...OAUTH_LIMITS, headers: { 'anthropic-ratelimit-unified-5h-status': 'rejected' } });
    expect(limitTone(rejected)).toBe('error');
    expect(headline(rejected)).toBe('no limits reported');
  });

  it('parses both reset formats', () => {
    expect(parseReset('2026-03-10T12:01:00Z')).toBe(Date.parse('2026-03-10T12:01:00Z'));
    expect(parseReset('1773151200')).toBe(1773151200_000);
    expect(parseReset('soon')).toBeNull();
  });
});
