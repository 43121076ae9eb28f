import { describe, expect, it } from 'vitest';
import { ANTHROPIC_VERSION, openAIResponseHeaders, openAIUpstreamHeaders } from './headers.js';

describe('openAIUpstreamHeaders', () => {
  const sdk = {
    host: '127.0.0.1:8000',
    authorization: 'Bearer sk-test',
    'content-type': 'text/plain',
    'content-length': '999',
    'openai-organization': 'org-1',
    'openai-project': 'proj-1',
    'x-stainless-lang': 'js',
    'user-agent': 'OpenAI/JS 6.49.0',
  };

  const cases: Array<[string, Record<string, string>, { apiKey: string | null; contentLength?: number }, Record<string, string | undefined>]> = [
    [
      'adds anthropic-version, fixes content type and length, drops OpenAI-only headers',
      sdk,
      { apiKey: null, contentLength: 42 },
      {
        'anthropic-version': ANTHROPIC_VERSION,
        'content-type': 'application/json',
        'content-length': '42',
        authorization: 'Bearer sk-test',
        'openai-organization': undefined,
        'openai-project': undefined,
        host: undefined,
        'x-stainless-lang': 'js',
      },
    ],
    ['keeps a client anthropic-version', { ...sdk, 'anthropic-version': '2026-10-21' }, { apiKey: null }, { 'anthropic-version': '2026-10-21' }],
    [
      'moves an Anthropic API key from Bearer to x-api-key',
      { ...sdk, authorization: 'Bearer sk-ant-api03-abc' },
      { apiKey: null },
      { 'x-api-key': 'sk-ant-api03-abc', authorization: undefined },
    ],
    [
      'leaves an OAuth token as Bearer',
      { ...sdk, authorization: 'Bearer sk-ant-oat01-abc' },
      { apiKey: null },
      { 'x-api-key': undefined, authorization: 'Bearer sk-ant-oat01-abc' },
    ],
    [
      'a configured key replaces the client credentials',
      { ...sdk, authorization: 'Bearer sk-ant-api03-client' },
      { apiKey: 'sk-ant-api03-configured' },
      { 'x-api-key': 'sk-ant-api03-configured', authorization: undefined },
    ],
  ];
  it.each(cases)('%s', (_name, client, options, expected) => {
    const out = openAIUpstreamHeaders(client, options);
    for (const [k, v] of Object.entries(expected)) expect(out[k]).toBe(v);
  });

  it('a GET keeps no content type of its own', () => {
    expect(openAIUpstreamHeaders({ accept: 'application/json' }, { apiKey: null })['content-type']).toBeUndefined();
  });
});

describe('openAIResponseHeaders', () => {
  it('passes retry hints and rate limits, renames request-id, drops the rest', () => {
    expect(
      openAIResponseHeaders({
        'request-id': 'req_1',
        'retry-after': '7',
        'x-should-retry': 'true',
        'anthropic-ratelimit-requests-remaining': '0',
        'content-type': 'application/json',
        'content-length': '10',
        'set-cookie': ['a=b'],
        'anthropic-organization-id': 'org',
      }),
    ).toEqual({
      'x-request-id': 'req_1',
      'retry-after': '7',
      'x-should-retry': 'true',
      'anthropic-ratelimit-requests-remaining': '0',
    });
  });
});
