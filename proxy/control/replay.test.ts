/** Replay and rate limits through the control API, over a real host, proxy and the fake upstream. */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlHost, type ControlHost } from '../../test/control-host.js';
import { openSse } from '../../test/raw-http.js';
import type { FakeUpstream } from '../../test/fake-upstream.js';
import { EVENTS_PATH } from '../contract/operations.js';
import type { Host } from '../host/host.js';
import { REPLAY_HEADER } from '../http/replay-link.js';

const KEY = 'sk-ant-api03-configuredReplayKey-abcd';
const CLIENT_KEY = 'sk-ant-api03-clientsOwnKey-wxyz';
const OAUTH = 'sk-ant-oat01-subscriptionToken-9876';

describe('replay and rate limits over a real host', () => {
  let h: ControlHost;
  let fake: FakeUpstream;
  let host: Host;
  let baseUrl: string;
  let call: ControlHost['call'];

  beforeEach(async () => {
    h = await startControlHost({ modifierText: ' Be brief.', modifierEnabled: true });
    ({ fake, host, call } = h);
    baseUrl = (await host.api.startProxy()).baseUrl!;
  });
  afterEach(() => h.close());

  const latestId = async (): Promise<string> => {
    await host.proxy.history.flush();
    return (await call('listHistory', { limit: 1 })).json.items[0].id;
  };

  /** One turn as Claude Code sends it (beta query, x-api-key); returns its exchange id. */
  async function claudeCodeTurn(): Promise<string> {
    const res = await fetch(`${baseUrl}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14', 'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    return latestId();
  }

  /** One turn from the official SDK with the client's own key or OAuth token. */
  async function sdkTurn(auth: { apiKey: string } | { authToken: string }): Promise<string> {
    const client = new Anthropic({ ...('apiKey' in auth ? { apiKey: auth.apiKey } : { apiKey: null, authToken: auth.authToken }), baseURL: baseUrl, maxRetries: 0 });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
    return latestId();
  }

  it('refuses to replay a client key it never stored, then replays with the configured key, linked', async () => {
    const original = await claudeCodeTurn();
    const refused = await call('replayExchange', { id: original, modifier: true });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('REPLAY_NO_CREDENTIALS');
    expect(refused.json.error.message).toMatch(/client's own API key \(…wxyz\).*Set an API key/);
    expect(fake.requests).toHaveLength(1);

    await call('updateSettings', { apiKey: KEY });
    const replayed = await call('replayExchange', { id: original, modifier: true });
    expect(replayed.status).toBe(200);
    const replayId: string = replayed.json.exchangeId;
    const sent = fake.last();
    expect(sent.path).toBe('/v1/messages?beta=true');
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['user-agent']).toBe('claude-cli/2.1.197 (external, sdk-cli)');
    expect(sent.headers[REPLAY_HEADER]).toBeUndefined();
    expect(sent.json.messages[0].content).toBe('Hi Be brief.');

    const entry = await call('getHistoryEntry', { id: replayId });
    expect(entry.json).toMatchObject({ id: replayId, replayOf: original, path: '/v1/messages?beta=true', status: 200, modified: true });
    expect(entry.json.session).toMatch(/^[hx]:/);
    expect(entry.text).not.toContain(KEY);
    const originalEntry = await call('getHistoryEntry', { id: original });
    expect(originalEntry.json.replayOf).toBeUndefined();
    expect(entry.json.originalBody).toBe(originalEntry.json.originalBody);
  });

  it('replays without the modifier, and an edited body, each as its own linked exchange', async () => {
    await call('updateSettings', { apiKey: KEY });
    const original = await claudeCodeTurn();
    const plain = await call('replayExchange', { id: original, modifier: false });
    expect(fake.last().json.messages[0].content).toBe('Hi');
    expect((await call('getHistoryEntry', { id: plain.json.exchangeId })).json).toMatchObject({ replayOf: original, modified: false });

    const edited = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'Edited' }] });
    const again = await call('replayExchange', { id: original, body: edited, modifier: true });
    expect(fake.last().json).toMatchObject({ max_tokens: 8, messages: [{ content: 'Edited Be brief.' }] });
    const entry = (await call('getHistoryEntry', { id: again.json.exchangeId })).json;
    expect(entry).toMatchObject({ replayOf: original, originalBody: edited });
    // The modifier is back on for everyone else.
    await claudeCodeTurn();
    expect(fake.last().json.messages[0].content).toBe('Hi Be brief.');
  });

  it('answers bad replay arguments with 400 and an unknown exchange with 404', async () => {
    expect((await call('replayExchange', { id: 'nope', modifier: 'yes' })).json.error.code).toBe('INVALID_ARGUMENT');
    const badJson = await call('replayExchange', { id: 'nope', modifier: true, body: '{"unclosed":' });
    expect([badJson.status, badJson.json.error.message]).toEqual([400, expect.stringMatching(/^body: is not valid JSON/)]);
    const unknown = await call('replayExchange', { id: '0190f3c2a1b4-0003-9f2c1d', modifier: true });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('tracks the latest rate limits per credential label, unified ones included, and pushes each change', async () => {
    const sse = await openSse(`${h.control.url}${EVENTS_PATH}?token=${h.token}`);
    await sdkTurn({ apiKey: CLIENT_KEY });
    await sdkTurn({ authToken: OAUTH });
    const limits = await call('getRateLimits');
    expect(limits.status).toBe(200);
    const [latest, older] = limits.json.items;
    expect(latest).toMatchObject({ credential: 'OAuth token …9876', status: 200 });
    expect(latest.headers).toMatchObject({ 'anthropic-ratelimit-unified-status': 'allowed', 'anthropic-ratelimit-unified-5h-utilization': '0.42' });
    expect(older).toMatchObject({ credential: 'client key …wxyz', headers: { 'anthropic-ratelimit-requests-limit': '4000' } });
    expect(older.headers).not.toHaveProperty('anthropic-ratelimit-unified-status');
    expect(limits.text).not.toContain(CLIENT_KEY);
    expect(limits.text).not.toContain(OAUTH);
    await sse.until((messages) => messages.some((m) => m.event === 'batch' && m.data.some((e: { name: string; payload: { credential?: string } }) => e.name === 'ratelimit:change' && e.payload.credential === 'OAuth token …9876')));
    sse.close();
  });
});
