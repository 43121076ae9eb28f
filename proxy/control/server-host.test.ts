/** The control API over a real host and proxy, against the fake upstream. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlHost, type ControlHost } from '../../test/control-host.js';
import { openSse } from '../../test/raw-http.js';
import type { FakeUpstream } from '../../test/fake-upstream.js';
import { EVENTS_PATH, HTTP_ROUTES } from '../contract/operations.js';
import type { Host } from '../host/host.js';
import type { ControlServer } from './server.js';

const KEY = 'sk-ant-api03-controlHostSecret-9876';

describe('control API over a real host', () => {
  let h: ControlHost;
  let fake: FakeUpstream;
  let host: Host;
  let control: ControlServer;
  let token: string;
  let call: ControlHost['call'];

  beforeEach(async () => {
    h = await startControlHost();
    ({ fake, host, control, token, call } = h);
  });
  afterEach(() => h.close());

  it('starts, proxies, streams events, and stops through HTTP', async () => {
    const sse = await openSse(`${control.url}${EVENTS_PATH}?token=${token}`);
    const started = await call('startProxy');
    expect(started.status).toBe(200);
    expect(started.json.running).toBe(true);

    const saved = await call('updateSettings', { modifierText: ' Be brief.', apiKey: KEY });
    expect(saved.status).toBe(200);
    expect(saved.json.apiKey).toEqual({ set: true, last4: '9876' });
    expect(saved.text).not.toContain(KEY);
    expect(saved.json.overridden).toEqual(['upstreamUrl', 'port']);

    const res = await fetch(`${started.json.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(fake.last().json.messages[0].content).toBe('Hi Be brief.');
    expect(fake.last().headers['x-api-key']).toBe(KEY);

    await sse.until((messages) =>
      messages.some((m) => m.event === 'batch' && m.data.some((e: { name: string }) => e.name === 'history:change')),
    );
    const names = sse.messages.flatMap((m) => (m.event === 'batch' ? m.data.map((e: { name: string }) => e.name) : []));
    expect(names).toEqual(expect.arrayContaining(['state', 'request:start', 'request:finish', 'history:change']));
    expect(JSON.stringify(sse.messages)).not.toContain(KEY);
    sse.close();

    const list = await call('listHistory', { limit: 10 });
    expect(list.json.items).toHaveLength(1);
    const entry = await call('getHistoryEntry', { id: list.json.items[0].id });
    expect(entry.json.forwardedBody).toContain('Hi Be brief.');
    expect(entry.text).not.toContain(KEY);

    const stopped = await call('stopProxy');
    expect(stopped.json.running).toBe(false);
    await expect(fetch(`${started.json.baseUrl}/health`)).rejects.toThrow();
    expect((await call('getStatus')).json.running).toBe(false);
  });

  it('leaves a large body out of the detail and serves it on request', async () => {
    const started = await call('startProxy');
    const prompt = `Summarize: ${'lorem ipsum '.repeat(25_000)}`;
    const res = await fetch(`${started.json.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-client-0000' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: prompt }] }),
    });
    await res.text();
    await host.proxy.history.flush();
    const id = (await call('listHistory', { limit: 1 })).json.items[0].id;

    const detail = await call('getHistoryEntry', { id, maxBodyBytes: 200 * 1024 });
    expect(detail.status).toBe(200);
    expect(detail.json.omitted).toEqual(['originalBody', 'forwardedBody']);
    expect(detail.json.originalBody).toBeNull();
    expect(detail.json.bodyBytes.originalBody).toBeGreaterThan(300_000);
    expect(detail.json.responseBody).not.toBeNull();
    expect(detail.text.length).toBeLessThan(20_000);

    const body = await call('getHistoryBody', { id, field: 'originalBody' });
    expect(body.status).toBe(200);
    expect(JSON.parse(body.json.text).messages[0].content).toBe(prompt);
    const bad = await call('getHistoryBody', { id, field: 'requestHeaders' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });

  it('groups two requests of one Claude Code session and serves them at /api/sessions/*', async () => {
    const started = await call('startProxy');
    const turn = async (messages: unknown[]) => {
      const res = await fetch(`${started.json.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'x-api-key': 'sk-ant-client-0000',
          'user-agent': 'claude-cli/2.1.197 (external, cli)',
          'x-claude-code-session-id': 'e2e-session',
        },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages }),
      });
      expect(res.status).toBe(200);
      return res.json();
    };
    const first = [{ role: 'user', content: 'List the files' }];
    const answer = await turn(first);
    await turn([...first, { role: 'assistant', content: answer.content }, { role: 'user', content: 'Now the tests' }]);
    await host.proxy.history.flush();

    expect(HTTP_ROUTES.listSessions).toEqual({ method: 'POST', path: '/api/sessions/query' });
    expect(HTTP_ROUTES.getSession).toEqual({ method: 'POST', path: '/api/sessions/get' });
    const page = await call('listSessions', {});
    expect(page.status).toBe(200);
    expect(page.json.nextCursor).toBeNull();
    expect(page.json.items).toHaveLength(1);
    const session = page.json.items[0];
    expect(session).toMatchObject({ id: 'h:e2e-session', client: 'claude-cli/2.1.197', models: ['claude-sonnet-4-5'], turns: 2, errors: 0, title: 'List the files' });
    expect(session.lastAt).toBeGreaterThanOrEqual(session.firstAt);

    const detail = await call('getSession', { id: session.id });
    expect(detail.status).toBe(200);
    const turns = detail.json.turnList;
    expect(turns).toHaveLength(2);
    expect(turns[0].parentId).toBeNull();
    expect(turns[1].parentId).toBe(turns[0].exchangeId);
    expect(turns[1].delta).toMatchObject({ messageCount: 3, systemChanged: false, toolsChanged: false });

    const history = await call('listHistory', { session: session.id });
    expect(history.json.items.map((i: { id: string }) => i.id).sort()).toEqual(turns.map((t: { exchangeId: string }) => t.exchangeId).sort());
    expect((await call('listHistory', { session: 'h:other' })).json.items).toEqual([]);

    const unknown = await call('getSession', { id: 'h:nope' });
    expect([unknown.status, unknown.text]).toEqual([200, 'null']);
    const bad = await call('listSessions', { limit: 'ten' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const noId = await call('getSession', {});
    expect([noId.status, noId.json.error.code]).toEqual([400, 'INVALID_ARGUMENT']);

    expect(HTTP_ROUTES.getTurn).toEqual({ method: 'POST', path: '/api/sessions/turn' });
    const delta = await call('getTurn', { exchangeId: turns[1].exchangeId, prefix: true });
    expect(delta.status).toBe(200);
    expect(delta.json).toMatchObject({ sessionId: session.id, fromMessage: 1 });
    expect(delta.json.messages.map((m: string) => JSON.parse(m))).toEqual([{ role: 'assistant', content: answer.content }, { role: 'user', content: 'Now the tests' }]);
    expect(JSON.parse(delta.json.answer).content).toEqual(expect.any(Array));
    expect(delta.json.prefix.parentId).toBe(turns[0].exchangeId);
    const badTurn = await call('getTurn', { exchangeId: turns[1].exchangeId, prefix: 'yes' });
    expect([badTurn.status, badTurn.json.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await call('getTurn', { exchangeId: 'nope' })).text).toBe('null');
  });

  it('answers a bad patch with 400 and the field, and a bad query with 400', async () => {
    const bad = await call('updateSettings', { upstreamUrl: 'ftp://nope' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_SETTINGS');
    expect(bad.json.error.message).toMatch(/^upstreamUrl:/);
    const query = await call('listHistory', { statusClass: 'teapot' });
    expect([query.status, query.json.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const cursor = await call('listHistory', { cursor: 'garbage' });
    expect(cursor.status).toBe(400);
  });
});
