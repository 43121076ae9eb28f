/**
 * The proxy core end to end: the official Anthropic SDK (and raw fetch where the bytes
 * matter) → Addendum → the fake upstream.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sseEvents } from './anthropic-fixtures.js';
import { abortMidStream, enqueueHeldStream, expectDeliveredAsItArrives, lastRow, startHarness, type Harness } from './harness.js';
import { rawRequest } from './raw-http.js';
import { loadFixture } from '../proxy/history/fixtures.js';
import { prepareByParsing } from '../proxy/http/body.js';

const KEY = 'sk-ant-api03-configured-key-DO-NOT-LEAK-9f3a';
const APPEND = ' (answer like a pirate)';

function client(h: Harness, opts: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-client-key-1234', baseURL: h.baseUrl, maxRetries: 0, ...opts });
}

describe('proxy with a configured key and the modifier on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKey: KEY, modifierText: APPEND });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it('appends to string content, forwards headers, swaps in the configured key', async () => {
    const msg = await client(h).messages.create(
      { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] },
      { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31', 'x-custom': 'kept' } },
    );
    expect(msg.type).toBe('message');
    const got = h.fake.last();
    expect(got.json.messages).toEqual([{ role: 'user', content: `Hello${APPEND}` }]);
    expect(got.headers['x-api-key']).toBe(KEY);
    expect(got.headers.authorization).toBeUndefined();
    expect(got.headers['anthropic-version']).toBeTruthy();
    expect(got.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(got.headers['x-custom']).toBe('kept');
    expect(got.headers['user-agent']).toMatch(/^Anthropic\/JS/);
    expect(Object.keys(got.headers).some((k) => k.startsWith('x-stainless-'))).toBe(true);
    expect(Number(got.headers['content-length'])).toBe(Buffer.byteLength(got.body));
  });

  it("forwards Claude Code's turns, each continuing the last, as exactly the parsed road's bytes", async () => {
    // Twice over: the second pass finds every body in the scan memo, and every splice goes out in pieces.
    const turns = loadFixture('claude-code-2.1.197-session.jsonl');
    for (const turn of [...turns, ...turns]) {
      const res = await rawRequest(`${h.baseUrl}/v1/messages?beta=true`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: turn.body });
      expect(res.status).toBe(200);
      const got = h.fake.last();
      expect(got.body).toBe(prepareByParsing(Buffer.from(turn.body), APPEND).forwarded.toString());
      expect(Number(got.headers['content-length'])).toBe(Buffer.byteLength(got.body));
    }
  });

  it('adds a trailing block to array content and leaves existing blocks byte-identical', async () => {
    const blocks = [
      { type: 'text', text: 'context', cache_control: { type: 'ephemeral' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    ];
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'calc', input: { a: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '2', cache_control: { type: 'ephemeral' } }, ...blocks] },
      { role: 'assistant', content: 'Sure:' },
    ];
    await client(h).messages.create({ model: 'm', max_tokens: 5, messages: messages as Anthropic.MessageParam[] });
    const sent = h.fake.last().json;
    expect(sent.messages[0]).toEqual(messages[0]);
    expect(sent.messages[3]).toEqual({ role: 'assistant', content: 'Sure:' });
    const content = sent.messages[2].content;
    expect(content).toHaveLength(4);
    const original = messages[2]!.content as unknown[];
    original.forEach((b, i) => expect(JSON.stringify(content[i])).toBe(JSON.stringify(b)));
    expect(content[3]).toEqual({ type: 'text', text: APPEND });
  });

  it('streams: finalMessage assembles text, tool_use and thinking', async () => {
    const c = client(h);
    const text = await c.messages.stream({ model: 'm', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(text.content[0]).toMatchObject({ type: 'text', text: 'Hello! How can I help you today?' });

    const tool = await c.messages
      .stream({ model: 'm', max_tokens: 64, messages: [{ role: 'user', content: 'weather?' }] }, { headers: { 'x-fake-scenario': 'tool_use' } })
      .finalMessage();
    expect(tool.stop_reason).toBe('tool_use');
    const toolBlock = tool.content.find((b) => b.type === 'tool_use');
    expect(toolBlock).toMatchObject({ type: 'tool_use' });
    expect(typeof (toolBlock as Anthropic.ToolUseBlock).input).toBe('object');

    const thinking = await c.messages
      .stream({ model: 'm', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'think' }] }, { headers: { 'x-fake-scenario': 'thinking' } })
      .finalMessage();
    expect(thinking.content[0]).toMatchObject({ type: 'thinking' });
    expect((thinking.content[0] as Anthropic.ThinkingBlock).signature).toBeTruthy();
  });

  it('applies the modifier to count_tokens and passes models.list through', async () => {
    const count = await client(h).messages.countTokens({ model: 'm', messages: [{ role: 'user', content: 'count me' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(h.fake.last().path).toBe('/v1/messages/count_tokens');
    expect(h.fake.last().json.messages[0].content).toBe(`count me${APPEND}`);

    const models = await client(h).models.list();
    expect(models.data.length).toBeGreaterThan(0);
    expect(h.fake.last()).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(h.fake.last().headers['x-api-key']).toBe(KEY);
  });

  it('keeps the query string (Claude Code calls /v1/messages?beta=true)', async () => {
    const res = await fetch(`${h.baseUrl}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    expect(h.fake.last().path).toBe('/v1/messages?beta=true');
    await fetch(`${h.baseUrl}/v1/models?limit=2&after_id=abc`);
    expect(h.fake.last().path).toBe('/v1/models?limit=2&after_id=abc');
  });

  it('gives the client exactly the bytes upstream sent, with its headers', async () => {
    for (const scenario of ['text', 'tool_use', 'thinking', 'error_midway']) {
      h.fake.reset();
      const res = await fetch(`${h.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-scenario': scenario },
        body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      const sent = h.fake.responses[0]!;
      expect(bytes.equals(sent.bytes)).toBe(true);
      expect(res.headers.get('request-id')).toBe(sent.headers['request-id']);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe(sent.headers['anthropic-ratelimit-requests-remaining']);
    }
  });

  it('delivers each event as it arrives (first event before upstream finished)', async () => {
    h.fake.enqueue({ kind: 'stream', stream: 'text', paceMs: 150 });
    const res = await fetch(`${h.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    await expectDeliveredAsItArrives(h, res, 'event: message_start');
  });

  it("sends an event stream's headers at once when its first event is slow to come", async () => {
    const events = sseEvents('text').join('');
    const sendFirst = enqueueHeldStream(h, '', events);
    const res = await fetch(`${h.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    // fetch resolves on the response's headers: here, before upstream sent any event.
    expect(res.status).toBe(200);
    sendFirst();
    expect(await res.text()).toBe(events);
  });

  it('aborts upstream at once when the client disconnects mid-stream, and records it', async () => {
    h.fake.enqueue({ kind: 'stream', stream: 'text', paceMs: 300 });
    const body = { model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'abort me' }] };
    const row = await abortMidStream(h, '/v1/messages', body, 'message_start');
    expect(row.outcome).toBe('client_aborted');
    expect(row.error).toMatch(/CLIENT_ABORTED/);
  });

  it('aborts upstream when the client disconnects before any response', async () => {
    h.fake.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = fetch(`${h.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      signal: controller.signal,
    }).catch((e: Error) => e);
    await h.fake.waitForRequests(1);
    controller.abort();
    await pending;
    await h.fake.waitForClientClose(0, 1000);
    expect((await lastRow(h)).outcome).toBe('client_aborted');
  });

  it('records the exchange in history with both bodies, usage and no key', async () => {
    await client(h).messages.stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'remember me' }] }).finalMessage();
    const row = await lastRow(h);
    expect(row).toMatchObject({ method: 'POST', path: '/v1/messages', dialect: 'anthropic', stream: true, status: 200, outcome: 'ok', modified: true, stopReason: 'end_turn' });
    expect(row.model).toBeTruthy();
    expect(row.usage!.output).toBeGreaterThan(0);
    expect(row.ttfbMs).not.toBeNull();
    expect(row.durationMs).toBeGreaterThanOrEqual(row.ttfbMs!);
    expect(JSON.parse(row.originalBody!).messages[0].content).toBe('remember me');
    expect(JSON.parse(row.forwardedBody!).messages[0].content).toBe(`remember me${APPEND}`);
    expect(row.forwardedBody).toBe(h.fake.requests.at(-1)!.body);
    expect(row.responseBody).toContain('event: message_stop');
    expect(JSON.parse(row.assembled!)).toMatchObject({ type: 'message', content: [{ type: 'text' }] });
    expect(row.requestHeaders.authorization).toMatch(/redacted/);
    expect(row.userAgent).toMatch(/Anthropic\/JS/);
    expect(JSON.stringify(row)).not.toContain('sk-ant-client-key-1234');
    expect(JSON.stringify(row)).not.toContain(KEY);
  });
});

describe('proxy without a configured key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKey: null, modifierText: '' });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it('passes a Bearer token (SDK key or OAuth) through unchanged', async () => {
    await client(h, { apiKey: null, authToken: 'sk-ant-oat01-oauth-token-abcd' }).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(h.fake.last().headers.authorization).toBe('Bearer sk-ant-oat01-oauth-token-abcd');
    expect(h.fake.last().headers['x-api-key']).toBeUndefined();
  });

  it('passes x-api-key through unchanged', async () => {
    await fetch(`${h.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-raw-key-5678' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(h.fake.last().headers['x-api-key']).toBe('sk-ant-raw-key-5678');
  });

  it('forwards the exact bytes when the modifier is off', async () => {
    const raw = '{"model":"m",  "max_tokens":5,"messages":[{"role":"user","content":"x"}],"z":1.0}';
    await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(h.fake.last().body).toBe(raw);
    expect((await lastRow(h)).modified).toBe(false);
  });
});

describe('errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ modifierText: '!', bodyLimitBytes: 64 * 1024, idleTimeoutMs: 400 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it.each([400, 401, 429, 529])('passes upstream %i through unchanged with its headers', async (status) => {
    h.fake.enqueue({ kind: 'error', status });
    const res = await fetch(`${h.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(status);
    const sent = h.fake.responses[0]!;
    expect(Buffer.from(await res.arrayBuffer()).equals(sent.bytes)).toBe(true);
    expect(res.headers.get('request-id')).toBe(sent.headers['request-id']);
    if (status === 429 || status === 529) expect(res.headers.get('retry-after')).toBe(sent.headers['retry-after']);
    const row = await lastRow(h);
    expect(row.outcome).toBe('upstream_error');
    expect(row.status).toBe(status);
    expect(row.error).toBeTruthy();
  });

  it('the SDK sees upstream errors as its own error classes', async () => {
    h.fake.enqueue({ kind: 'error', status: 529 });
    const err = await client(h).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
  });

  it('answers invalid JSON with 400 and forwards nothing', async () => {
    const res = await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/not valid JSON/) } });
    expect(h.fake.requests).toHaveLength(0);
    const row = await lastRow(h);
    expect(row).toMatchObject({ status: 400, outcome: 'proxy_error' });
  });

  it('answers a non-object body with 400', async () => {
    const res = await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', body: '[1,2]' });
    expect(res.status).toBe(400);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('answers an oversized body with 413 request_too_large', async () => {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    const res = await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    expect(h.fake.requests).toHaveLength(0);
  });

  it('answers unknown paths with 404 and never forwards them', async () => {
    const res = await fetch(`${h.baseUrl}/something`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const head = await fetch(`${h.baseUrl}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('reserves the OpenAI paths with an OpenAI-shaped error until they are served', async () => {
    const res = await fetch(`${h.baseUrl}/openai/v1/unknown-thing`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBeTruthy();
    expect(body.error.message).toBeTruthy();
    expect(h.fake.requests).toHaveLength(0);
  });

  it('times out a silent upstream with 504 before headers', async () => {
    h.fake.enqueue({ kind: 'hang' });
    const res = await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }) });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
    expect((await lastRow(h)).error).toMatch(/UPSTREAM_TIMEOUT/);
  });

  it('ends a stalled stream with an SSE error event and keeps serving', async () => {
    h.fake.enqueue({ kind: 'stall', afterEvents: 3 });
    const res = await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith(sseEvents('text').slice(0, 1).join('').slice(0, 20))).toBe(true);
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"timeout_error","message":"[^"]+"\}\}\n\n$/);
    const ok = await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }) });
    expect(ok.status).toBe(200);
  });

  it('ends a stream whose upstream connection dropped with an SSE error event', async () => {
    h.fake.enqueue({ kind: 'destroy', afterEvents: 3 });
    const res = await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    const text = await res.text();
    expect(text).toMatch(/event: error\ndata: .*"type":"error"/);
    expect((await lastRow(h)).outcome).toBe('upstream_error');
  });

  it('passes an upstream mid-stream overloaded_error through and the SDK raises it', async () => {
    const stream = client(h).messages.stream({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-fake-scenario': 'error_midway' } });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
    const row = await lastRow(h);
    expect(row.error).toMatch(/overloaded_error/);
  });

  it('answers 502 with the reason when upstream is unreachable', async () => {
    const dead = await startHarness({ upstreamUrl: 'http://127.0.0.1:9' });
    try {
      const res = await fetch(`${dead.baseUrl}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }) });
      expect(res.status).toBe(502);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(body.error.message).toMatch(/ECONNREFUSED/);
    } finally {
      await dead.close();
    }
  });
});

describe('security', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKey: KEY });
  });
  afterAll(() => h.close());

  const modelsWith = (headers: Record<string, string>) => rawRequest(`${h.baseUrl}/v1/models`, { headers });

  it('refuses a foreign Host (DNS rebinding) without forwarding', async () => {
    h.fake.reset();
    const res = await modelsWith({ host: 'evil.example:8000' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(h.fake.requests).toHaveLength(0);
  });

  it('refuses a foreign browser Origin and accepts loopback ones', async () => {
    h.fake.reset();
    expect((await modelsWith({ host: 'localhost', origin: 'https://evil.example' })).status).toBe(403);
    expect(h.fake.requests).toHaveLength(0);
    expect((await modelsWith({ host: 'localhost', origin: 'http://localhost:5173' })).status).toBe(200);
  });

  it('serves /health without upstream', async () => {
    h.fake.reset();
    const res = await fetch(`${h.baseUrl}/health`);
    expect(await res.json()).toMatchObject({ status: 'ok', version: '0.1.0', upstream: h.fake.url, modifier: 'off' });
    expect(h.fake.requests).toHaveLength(0);
  });
});
