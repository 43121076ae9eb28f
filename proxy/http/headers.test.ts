import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';

describe('upstreamRequestHeaders', () => {
  const client = {
    host: '127.0.0.1:8000',
    connection: 'keep-alive, x-drop-me',
    'keep-alive': 'timeout=5',
    'x-drop-me': '1',
    'transfer-encoding': 'chunked',
    'content-type': 'application/json',
    'content-length': '10',
    'accept-encoding': 'gzip, br',
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14',
    'user-agent': 'Anthropic/JS 1.12.0',
    'x-stainless-os': 'Linux',
    'x-api-key': 'sk-client',
    authorization: 'Bearer oauth-token',
  };

  it('drops hop-by-hop headers, host and Connection-listed ones, and keeps the rest untouched', () => {
    const out = upstreamRequestHeaders(client, { apiKey: null });
    for (const h of ['host', 'connection', 'keep-alive', 'x-drop-me', 'transfer-encoding']) expect(out).not.toHaveProperty(h);
    expect(out['anthropic-version']).toBe('2023-06-01');
    expect(out['anthropic-beta']).toBe(client['anthropic-beta']);
    expect(out['user-agent']).toBe('Anthropic/JS 1.12.0');
    expect(out['x-stainless-os']).toBe('Linux');
    expect(out['content-length']).toBe('10');
  });

  it('passes client credentials through when no key is configured', () => {
    const out = upstreamRequestHeaders(client, { apiKey: null });
    expect(out['x-api-key']).toBe('sk-client');
    expect(out.authorization).toBe('Bearer oauth-token');
  });

  it('replaces client credentials with the configured key', () => {
    const out = upstreamRequestHeaders(client, { apiKey: 'sk-ant-configured' });
    expect(out['x-api-key']).toBe('sk-ant-configured');
    expect(out).not.toHaveProperty('authorization');
  });

  it('sets the length of a re-serialized body and asks for an uncompressed answer', () => {
    const out = upstreamRequestHeaders(client, { apiKey: null, contentLength: 1234 });
    expect(out['content-length']).toBe('1234');
    expect(out['accept-encoding']).toBe('identity');
  });
});

describe('clientResponseHeaders', () => {
  it('keeps API headers and drops connection-specific ones', () => {
    const out = clientResponseHeaders({
      'request-id': 'req_1',
      'anthropic-ratelimit-requests-remaining': '99',
      'retry-after': '3',
      'content-type': 'text/event-stream; charset=utf-8',
      'transfer-encoding': 'chunked',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(out).toEqual({
      'request-id': 'req_1',
      'anthropic-ratelimit-requests-remaining': '99',
      'retry-after': '3',
      'content-type': 'text/event-stream; charset=utf-8',
      'set-cookie': ['a=1', 'b=2'],
    });
  });
});
