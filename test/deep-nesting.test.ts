/**
 * Issue 13, item 1: a body nested 10 000 levels deep is valid JSON, and neither the proxy
 * nor its recorder may answer it with a 500. Requests reach the upstream (Anthropic judges
 * them), deep answers reach the client, and every exchange lands in the history.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringifyJson } from '../proxy/lib/walk.js';
import { sseFrame } from './anthropic-fixtures.js';
import { startHarness, type Harness } from './harness.js';

const DEPTH = 10_000;
const APPEND = ' (appended)';
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
const deepSchema = `{"type":"object","properties":{"x":${deepObject}}}`;

async function rowFor(h: Harness, path: string) {
  await h.proxy.history.flush();
  const page = await h.proxy.history.list({ limit: 1 });
  const item = page.items[0];
  expect(item?.path).toBe(path);
  return (await h.proxy.history.get(item!.id))!;
}

function post(h: Harness, path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(h.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client', authorization: 'Bearer sk-test', ...headers },
    body,
  });
}

const user = '{"role":"user","content":"hi"}';
const anthropicRequests: Array<[string, string]> = [
  ['an unknown top-level key', `{"model":"m","max_tokens":5,"messages":[${user}],"x_unknown":${deepArray}}`],
  ['metadata', `{"model":"m","max_tokens":5,"messages":[${user}],"metadata":{"deep":${deepObject}}}`],
  ['a tool input_schema', `{"model":"m","max_tokens":5,"messages":[${user}],"tools":[{"name":"t","input_schema":${deepSchema}}]}`],
  ['an earlier tool_use input', `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"t","input":${deepObject}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]}`],
  ['the last user message itself', `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"hi","x":${deepArray}}]}]}`],
];

const deepToolMessage = `{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"tool_use","id":"toolu_1","name":"t","input":${deepObject}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":4}}`;
const deepToolStream = [
  sseFrame('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } }),
  `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"t","input":{},"extra":${deepArray}}}\n\n`,
  sseFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: deepObject } }),
  sseFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
  sseFrame('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 4 } }),
  sseFrame('message_stop', { type: 'message_stop' }),
].join('');

describe('deeply nested JSON on every route', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ modifierText: APPEND });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
    for (const [where, body] of anthropicRequests) {
      it(`${path}: nesting in ${where} is forwarded with the text appended`, async () => {
        const res = await post(h, path, body);
        expect(res.status).toBe(200);
        await res.text();
        const sent = h.fake.last();
        expect(sent.path).toBe(path);
        expect(sent.json).toBeDefined();
        // Only the appended text differs: the deep part went through byte for byte.
        expect(sent.body.length).toBeGreaterThan(body.length);
        expect(sent.body.includes(body.includes(deepArray) ? deepArray : deepObject)).toBe(true);
        expect(sent.body.includes(APPEND)).toBe(true);
        const row = await rowFor(h, path);
        expect(row.status).toBe(200);
        expect(row.modified).toBe(true);
        expect(row.originalBody === body).toBe(true);
      });
    }
  }

  it('/v1/messages: a deep tool_use input in a JSON answer reaches the client and the history', async () => {
    h.fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: deepToolMessage });
    const res = await post(h, '/v1/messages', anthropicRequests[0]![1]);
    expect(res.status).toBe(200);
    expect((await res.text()) === deepToolMessage).toBe(true);
    const row = await rowFor(h, '/v1/messages');
    expect(row.stopReason).toBe('tool_use');
  });

  it('/v1/messages: a deep tool_use input in a stream is assembled for the history', async () => {
    h.fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: deepToolStream });
    const res = await post(h, '/v1/messages', anthropicRequests[0]![1].replace('"max_tokens":5', '"max_tokens":5,"stream":true'));
    expect(res.status).toBe(200);
    expect((await res.text()) === deepToolStream).toBe(true);
    const row = await rowFor(h, '/v1/messages');
    expect(row.stopReason).toBe('tool_use');
    expect(row.assembled!.includes(`"input":${deepObject}`)).toBe(true);
  });

  const tool = `{"type":"function","function":{"name":"t","parameters":${deepSchema}}}`;
  const openaiRequests: Array<[string, string]> = [
    ['a tool parameters schema', `{"model":"m","messages":[${user}],"tools":[${tool}]}`],
    ['ignored metadata', `{"model":"m","messages":[${user}],"metadata":{"deep":${deepObject}}}`],
    ['tool call arguments', `{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"t","arguments":${JSON.stringify(deepObject)}}}]},{"role":"tool","tool_call_id":"call_1","content":"ok"},${user}]}`],
  ];
  for (const [where, body] of openaiRequests) {
    it(`/v1/chat/completions: nesting in ${where} is translated and forwarded`, async () => {
      const res = await post(h, '/v1/chat/completions', body);
      expect(res.status).toBe(200);
      expect((await res.json()).object).toBe('chat.completion');
      expect(h.fake.last().body.includes(APPEND)).toBe(true);
      const row = await rowFor(h, '/v1/chat/completions');
      expect(row.status).toBe(200);
      expect(row.originalBody === body).toBe(true);
    });
  }

  it('/v1/chat/completions: a deep tool_use answer becomes tool call arguments', async () => {
    h.fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: deepToolMessage });
    const res = await post(h, '/v1/chat/completions', openaiRequests[0]![1]);
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json.choices[0].message.tool_calls[0].function.arguments === deepObject).toBe(true);
    await rowFor(h, '/v1/chat/completions');
  });

  it('/v1/chat/completions: a deep streamed tool_use is translated', async () => {
    h.fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: deepToolStream });
    const res = await post(h, '/v1/chat/completions', openaiRequests[0]![1].replace('"model":"m"', '"model":"m","stream":true'));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.includes('"finish_reason":"tool_calls"')).toBe(true);
    const row = await rowFor(h, '/v1/chat/completions');
    expect(row.stopReason).toBe('tool_use');
  });

  it('passthrough: a deep body goes out and a deep answer comes back', async () => {
    h.fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: deepArray });
    const res = await post(h, '/v1/messages/batches', `{"requests":${deepArray}}`);
    expect(res.status).toBe(200);
    expect((await res.text()) === deepArray).toBe(true);
    expect(h.fake.last().body === `{"requests":${deepArray}}`).toBe(true);
    const row = await rowFor(h, '/v1/messages/batches');
    expect(row.status).toBe(200);
  });
});

describe('scrubbing what the dashboard is sent', () => {
  it('replaces a secret at any depth', async () => {
    const { scrubDeep } = await import('../proxy/host/scrub.js');
    const secret = 'sk-ant-deep-secret-123456';
    const value = JSON.parse('['.repeat(DEPTH) + JSON.stringify(`key ${secret}`) + ']'.repeat(DEPTH));
    const out = scrubDeep(value, [secret]);
    const text = stringifyJson(out)!;
    expect(text.includes(secret)).toBe(false);
    expect(text.includes('key [redacted]')).toBe(true);
  });
});
