import { describe, expect, it } from 'vitest';
import { makeRecord } from '../history/testing.js';
import { REPLAY_HEADER } from '../http/replay-link.js';
import { buildReplayRequest, replayHeaders, ReplayError } from './replay-request.js';

const LINK = '0190f3c2a1b4-0003-9f2c1d; ticket=abc';
const KEY = { set: true, last4: 'abcd' };
const NO_KEY = { set: false, last4: null };

const stored = {
  host: '127.0.0.1:8000',
  connection: 'keep-alive',
  'content-length': '120',
  'accept-encoding': 'gzip',
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
  'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)',
  'x-api-key': '[redacted …wxyz]',
  cookie: '[redacted]',
  [REPLAY_HEADER]: 'an-older-link',
};

describe('building a replay', () => {
  it('keeps the non-secret headers and drops secrets, connection headers and the proxy\'s own', () => {
    expect(replayHeaders(stored)).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
      'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)',
    });
  });

  it('sends the stored original bytes to the original path, with the link', () => {
    const record = makeRecord({ path: '/v1/messages?beta=true', requestHeaders: stored, originalBody: '{"model":"m","messages":[{"role":"user","content":"é"}]}' });
    const spec = buildReplayRequest(record, { link: LINK, apiKey: KEY });
    expect(spec.method).toBe('POST');
    expect(spec.path).toBe('/v1/messages?beta=true');
    expect(spec.body!.toString('utf8')).toBe(record.originalBody);
    expect(spec.headers['content-length']).toBe(String(spec.body!.length));
    expect(spec.headers[REPLAY_HEADER]).toBe(LINK);
    expect(spec.headers).not.toHaveProperty('x-api-key');
  });

  it('sends an edited body instead when given one', () => {
    const record = makeRecord({ requestHeaders: stored });
    const spec = buildReplayRequest(record, { body: '{"edited":true}', link: LINK, apiKey: KEY });
    expect(spec.body!.toString()).toBe('{"edited":true}');
    expect(spec.headers['content-length']).toBe('15');
  });

  it('refuses with REPLAY_NO_CREDENTIALS (409) when the client\'s own key was used and none is configured', () => {
    const record = makeRecord({ requestHeaders: stored });
    let caught: unknown;
    try {
      buildReplayRequest(record, { link: LINK, apiKey: NO_KEY });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ReplayError);
    expect(caught).toMatchObject({ code: 'REPLAY_NO_CREDENTIALS', status: 409, message: expect.stringMatching(/client's own API key \(…wxyz\).*Set an API key/) });
  });

  it('sends a request that carried no credentials without any, and refuses a POST whose body was not stored', () => {
    const bare = makeRecord({ requestHeaders: { 'content-type': 'application/json' } });
    expect(buildReplayRequest(bare, { link: LINK, apiKey: NO_KEY }).headers).not.toHaveProperty('authorization');
    const noBody = makeRecord({ requestHeaders: {}, originalBody: null });
    expect(() => buildReplayRequest(noBody, { link: LINK, apiKey: KEY })).toThrow(expect.objectContaining({ code: 'REPLAY_UNAVAILABLE' }));
  });
});
