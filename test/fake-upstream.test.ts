import Anthropic from '@anthropic-ai/sdk';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorBody, ERROR_TYPES, messageJson, sseEvents } from './anthropic-fixtures.js';
import { FAKE_ORGANIZATION_ID, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
});

const MSG_BODY = { model: 'claude-haiku-4-5-20251001', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(fake.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

function frames(sse: string): Array<{ event: string; data: any }> {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((f) => {
      const [ev, data] = f.split('\n');
      return { event: ev!.replace(/^event: /, ''), data: JSON.parse(data!.replace(/^data: /, '')) };
    });
}

describe('fixtures', () => {
  it('frames every stream event as event/data/blank line with matching type', () => {
    for (const kind of ['text', 'tool_use', 'thinking', 'error_midway'] as const) {
      const events = sseEvents(kind);
      for (const e of events) {
        expect(e).toMatch(/^event: [a-z_]+\ndata: \{.*\}\n\n$/);
        const [{ event, data }] = frames(e) as [{ event: string; data: any }];
        expect(data.type).toBe(event);
      }
    }
  });

  it('ends error_midway with an overloaded error event and no message_stop', () => {
    const events = frames(sseEvents('error_midway').join(''));
    expect(events.at(-1)).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(events.some((e) => e.event === 'message_stop')).toBe(false);
  });

  it('streams tool input as fragments that concatenate to the input JSON', () => {
    const input = { city: 'Paris', days: [1, 2, 3] };
    const events = frames(sseEvents('tool_use', { tool: { name: 'forecast', input }, toolFragments: 4 }).join(''));
    const partials = events.filter((e) => e.data.delta?.type === 'input_json_delta').map((e) => e.data.delta.partial_json);
    expect(partials.length).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(partials.join(''))).toEqual(input);
    expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
  });

  it('builds error bodies with the documented type per status', () => {
    for (const [status, { type }] of Object.entries(ERROR_TYPES)) {
      const body = errorBody(Number(status));
      expect(body).toMatchObject({ type: 'error', error: { type } });
      expect(body.request_id).toMatch(/^req_/);
    }
  });

  it('puts thinking, text and tool_use blocks in order with tool_use stop reason', () => {
    const m = messageJson({ thinking: [{ thinking: 'hmm', signature: 'sig' }], tool_use: [{ name: 't', input: { a: 1 } }] });
    expect((m.content as any[]).map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(m.stop_reason).toBe('tool_use');
    expect(m.id).toMatch(/^msg_01/);
  });
});

describe('fake upstream over plain HTTP', () => {
  it('adds the unified subscription windows for an OAuth token only, not for a key sent as a bearer', async () => {
    const oauth = await post('/v1/messages', MSG_BODY, { authorization: 'Bearer sk-ant-oat01-fake-token' });
    expect(oauth.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed');
    expect(Number(oauth.headers.get('anthropic-ratelimit-unified-5h-utilization'))).toBeGreaterThan(0);
    expect(oauth.headers.get('anthropic-ratelimit-unified-5h-reset')).toMatch(/^\d{10}$/);
    expect(oauth.headers.get('anthropic-ratelimit-requests-limit')).toBe('4000');
    await oauth.arrayBuffer();
    const key = await post('/v1/messages', MSG_BODY, { authorization: 'Bearer sk-ant-api03-key' });
    expect(key.headers.get('anthropic-ratelimit-unified-status')).toBeNull();
    await key.arrayBuffer();
  });

  it('answers a non-streaming message with real headers and echoes the request model', async () => {
    const res = await post('/v1/messages', MSG_BODY);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('request-id')).toMatch(/^req_01/);
    expect(res.headers.get('anthropic-organization-id')).toBe(FAKE_ORGANIZATION_ID);
    expect(res.headers.get('anthropic-ratelimit-requests-limit')).toBe('4000');
    expect(res.headers.get('anthropic-ratelimit-tokens-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ type: 'message', role: 'assistant', model: MSG_BODY.model, stop_reason: 'end_turn' });
    expect(body.usage).toMatchObject({ input_tokens: 25, cache_read_input_tokens: 0 });

    const got = fake.last();
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/v1/messages');
    expect(got.headers['x-api-key']).toBe('sk-test');
    expect(got.json).toEqual(MSG_BODY);
    expect(got.body).toBe(JSON.stringify(MSG_BODY));
    expect(fake.responses[0]!.complete).toBe(true);
    expect(fake.responses[0]!.status).toBe(200);
  });

  it('streams when the body asks for it and records the exact bytes written', async () => {
    const res = await post('/v1/messages', { ...MSG_BODY, stream: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const text = await res.text();
    const events = frames(text).map((e) => e.event);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const sent = fake.responses[0]!;
    expect(sent.bytes.toString('utf8')).toBe(text);
    expect(sent.complete).toBe(true);
    expect(sent.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('keeps the query string in the recorded path and routes by pathname', async () => {
    const res = await fetch(fake.url + '/v1/models?limit=20');
    const body = (await res.json()) as any;
    expect(body.data[0]).toMatchObject({ type: 'model' });
    expect(body).toMatchObject({ has_more: false, first_id: body.data[0].id });
    expect(fake.last().path).toBe('/v1/models?limit=20');
  });

  it('counts tokens and echoes unknown routes', async () => {
    expect(await (await post('/v1/messages/count_tokens', MSG_BODY)).json()).toEqual({ input_tokens: 42 });
    const res = await fetch(fake.url + '/v1/files/abc', { method: 'DELETE' });
    expect(await res.json()).toEqual({ ok: true, path: '/v1/files/abc', method: 'DELETE' });
  });

  it.each([400, 401, 403, 404, 413, 429, 500, 529])('returns error %i with its documented shape', async (status) => {
    fake.enqueue({ kind: 'error', status });
    const res = await post('/v1/messages', MSG_BODY);
    expect(res.status).toBe(status);
    const body = (await res.json()) as any;
    expect(body.type).toBe('error');
    expect(body.error.type).toBe(ERROR_TYPES[status]!.type);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    if (status === 429 || status === 529) expect(res.headers.get('retry-after')).toBe('1');
    else expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('x-should-retry')).toBe([429, 500, 529].includes(status) ? 'true' : null);
  });

  it('takes queued scenarios first, in order, then falls back to the header, then to defaults', async () => {
    fake.enqueue({ kind: 'error', status: 500 }, { kind: 'raw', status: 418, headers: { 'x-a': 'b' }, body: 'teapot' });
    expect((await post('/v1/messages', MSG_BODY, { 'x-fake-scenario': 'error:429' })).status).toBe(500);
    const raw = await post('/v1/messages', MSG_BODY);
    expect(raw.status).toBe(418);
    expect(raw.headers.get('x-a')).toBe('b');
    expect(await raw.text()).toBe('teapot');
    expect((await post('/v1/messages', MSG_BODY, { 'x-fake-scenario': 'error:429' })).status).toBe(429);
    expect((await post('/v1/messages', MSG_BODY)).status).toBe(200);
  });

  it('understands short and JSON scenario headers', async () => {
    const tool = await post('/v1/messages', { ...MSG_BODY, stream: true }, { 'x-fake-scenario': 'tool_use' });
    expect(await tool.text()).toContain('input_json_delta');
    const nonStreamTool = (await (await post('/v1/messages', MSG_BODY, { 'x-fake-scenario': 'tool_use' })).json()) as any;
    expect(nonStreamTool.stop_reason).toBe('tool_use');
    const json = await post('/v1/messages', MSG_BODY, {
      'x-fake-scenario': JSON.stringify({ kind: 'message', text: 'custom text', stop_reason: 'max_tokens' }),
    });
    expect(await json.json()).toMatchObject({ content: [{ type: 'text', text: 'custom text' }], stop_reason: 'max_tokens' });
  });

  it('honours a message scenario even when the body asks for a stream', async () => {
    fake.enqueue({ kind: 'message', text: 'plain' });
    const res = await post('/v1/messages', { ...MSG_BODY, stream: true });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(((await res.json()) as any).content[0].text).toBe('plain');
  });

  it('writes one event per write and paces them, so the first arrives before the rest are written', async () => {
    fake.enqueue({ kind: 'stream', stream: 'text', paceMs: 30 });
    const res = await post('/v1/messages', { ...MSG_BODY, stream: true });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    let text = decoder.decode(first.value, { stream: true });
    // Ordering, not timing: the client holds an event while the server is still pacing.
    expect(fake.responses[0]!.complete).toBe(false);
    expect(frames(text).length).toBeLessThan(sseEvents('text').length);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(frames(text)).toHaveLength(sseEvents('text').length);
    expect(fake.responses[0]!.bytes.toString()).toBe(text);
  });

  it('records error_midway as a complete 200 stream ending in an error event', async () => {
    fake.enqueue({ kind: 'stream', stream: 'error_midway' });
    const text = await (await post('/v1/messages', { ...MSG_BODY, stream: true })).text();
    expect(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')).toBe(true);
    expect(fake.responses[0]).toMatchObject({ status: 200, complete: true });
  });

  it('hang: accepts the request and never answers, until the client gives up and closes', async () => {
    fake.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = post('/v1/messages', MSG_BODY, {}, controller.signal);
    await fake.waitForRequests(1);
    expect(fake.responses[0]).toMatchObject({ status: 0, complete: false });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await fake.waitForClientClose(0);
    expect(fake.requests[0]!.clientAborted).toBe(true);
  });

  it('stall: sends some events then goes silent without closing', async () => {
    fake.enqueue({ kind: 'stall', afterEvents: 3 });
    const controller = new AbortController();
    const res = await post('/v1/messages', { ...MSG_BODY, stream: true }, {}, controller.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let got = '';
    while (frames(got).length < 3) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      got += decoder.decode(value, { stream: true });
    }
    expect(frames(got).map((f) => f.event)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(fake.responses[0]!.complete).toBe(false);
    expect(fake.openConnections()).toBeGreaterThanOrEqual(1);
    controller.abort();
    await fake.waitForClientClose(0);
    expect(fake.requests[0]!.clientAborted).toBe(true);
  });

  it('destroy: drops the socket mid-stream after the given events', async () => {
    fake.enqueue({ kind: 'destroy', afterEvents: 2 });
    const res = await post('/v1/messages', { ...MSG_BODY, stream: true });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(frames(fake.responses[0]!.bytes.toString()).map((f) => f.event)).toEqual(['message_start', 'content_block_start']);
    expect(fake.responses[0]!.complete).toBe(false);
  });

  it('destroy without events: the connection drops before any response', async () => {
    fake.enqueue({ kind: 'destroy' });
    await expect(post('/v1/messages', MSG_BODY)).rejects.toThrow();
    expect(fake.responses[0]!.status).toBe(0);
  });

  it('custom handlers are recorded like any other response', async () => {
    fake.enqueue({
      kind: 'custom',
      handler: (_req, res, received) => {
        res.writeHead(202, { 'x-custom': '1' });
        res.write('got ');
        res.end(received.json.model);
      },
    });
    const res = await post('/v1/messages', MSG_BODY);
    expect(await res.text()).toBe(`got ${MSG_BODY.model}`);
    expect(fake.responses[0]).toMatchObject({ status: 202, complete: true, headers: { 'x-custom': '1' } });
    expect(fake.responses[0]!.bytes.toString()).toBe(`got ${MSG_BODY.model}`);
  });

  it('counts open sockets and waits for requests with a timeout', async () => {
    // A server of its own: keep-alive sockets from other tests would skew the count.
    const own = await startFakeUpstream();
    try {
      await expect(own.waitForRequests(1, 50)).rejects.toThrow(/timed out/);
      own.enqueue({ kind: 'stall', afterEvents: 1 });
      const req = httpRequest(own.url + '/v1/messages', { method: 'POST', agent: false });
      req.on('error', () => {});
      req.end(JSON.stringify({ ...MSG_BODY, stream: true }));
      await own.waitForRequests(1);
      expect(own.openConnections()).toBe(1);
      req.destroy();
      await own.waitForClientClose(0);
      expect(own.openConnections()).toBe(0);
      expect(own.requests[0]!.clientAborted).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('stops writing a paced stream once the client goes away', async () => {
    fake.enqueue({ kind: 'stream', stream: 'text', paceMs: 30 });
    const controller = new AbortController();
    const res = await post('/v1/messages', { ...MSG_BODY, stream: true }, {}, controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await fake.waitForClientClose(0);
    const written = fake.responses[0]!.bytes.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.responses[0]!.bytes.length).toBe(written);
    expect(fake.responses[0]!.complete).toBe(false);
    expect(frames(fake.responses[0]!.bytes.toString()).length).toBeLessThan(sseEvents('text').length);
  });
});

describe('the official SDK pointed directly at the fake', () => {
  const client = () => new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });

  it('messages.create', async () => {
    const msg = await client().messages.create(MSG_BODY as any);
    expect(msg.type).toBe('message');
    expect(msg.content[0]).toMatchObject({ type: 'text' });
    expect(msg.usage.input_tokens).toBe(25);
    // SDK 1.x authenticates with `authorization: Bearer`, older ones with x-api-key.
    const h = fake.last().headers;
    expect(h['x-api-key'] ?? h.authorization).toMatch(/^(Bearer )?sk-ant-test$/);
    expect(fake.last().headers['anthropic-version']).toBeDefined();
  });

  it('messages.stream(...).finalMessage() for text', async () => {
    fake.enqueue({ kind: 'stream', stream: 'text', text: ['Hel', 'lo'], usage: { output_tokens: 7, cache_read_input_tokens: 5 } });
    const msg = await client().messages.stream(MSG_BODY as any).finalMessage();
    expect(msg.content).toHaveLength(1);
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello' });
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toMatchObject({ output_tokens: 7, cache_read_input_tokens: 5, input_tokens: 25 });
    expect(fake.last().json.stream).toBe(true);
  });

  it('messages.stream(...).finalMessage() for tool_use', async () => {
    fake.enqueue({ kind: 'stream', stream: 'tool_use', tool: { id: 'toolu_01abc', name: 'lookup', input: { q: 'x', n: 2 } } });
    const msg = await client().messages.stream(MSG_BODY as any).finalMessage();
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content[1]).toMatchObject({ type: 'tool_use', id: 'toolu_01abc', name: 'lookup', input: { q: 'x', n: 2 } });
  });

  it('messages.stream(...).finalMessage() for thinking', async () => {
    fake.enqueue({ kind: 'stream', stream: 'thinking', thinking: ['a', 'b'], signature: 'SIG==' });
    const msg = await client().messages.stream(MSG_BODY as any).finalMessage();
    expect(msg.content[0]).toEqual({ type: 'thinking', thinking: 'ab', signature: 'SIG==' });
    expect(msg.content[1]).toMatchObject({ type: 'text', text: 'Hello! How can I help you today?' });
  });

  it('surfaces a mid-stream error event as an error', async () => {
    fake.enqueue({ kind: 'stream', stream: 'error_midway' });
    await expect(client().messages.stream(MSG_BODY as any).finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('messages.countTokens and models.list', async () => {
    expect(await client().messages.countTokens(MSG_BODY as any)).toEqual({ input_tokens: 42 });
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids.length).toBe(3);
  });

  it.each([400, 401, 403, 404, 429, 500, 529])('throws APIError with status %i', async (status) => {
    fake.enqueue({ kind: 'error', status });
    const err = await client().messages.create(MSG_BODY as any).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
    expect((err as any).error.error.type).toBe(ERROR_TYPES[status]!.type);
    expect((err as any).requestID).toMatch(/^req_/);
  });
});
