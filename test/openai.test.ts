/**
 * The OpenAI-compatible routes end to end: the official `openai` SDK (and raw fetch where the
 * bytes matter) -> Addendum -> the fake Anthropic upstream.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT_PIECES, DEFAULT_THINKING, DEFAULT_TOOL, MODELS, sseEvents, sseFrame } from './anthropic-fixtures.js';
import { abortMidStream, enqueueHeldStream, expectDeliveredAsItArrives, lastRow, startHarness, type Harness } from './harness.js';

const MODEL = 'claude-sonnet-4-5-20250929';
const APPEND = ' (answer like a pirate)';

function client(h: Harness, path = '/openai/v1'): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: h.baseUrl + path, maxRetries: 0 });
}

function post(h: Harness, body: unknown, path = '/openai/v1/chat/completions'): Promise<Response> {
  return fetch(h.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('chat completions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ modifierText: APPEND });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it('non-stream text: system messages, the modifier, and the answer in OpenAI shape', async () => {
    h.fake.enqueue({ kind: 'message', id: 'msg_abc', text: 'Ahoy!', usage: { input_tokens: 30, output_tokens: 4 } });
    const completion = await client(h).chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Never apologise.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(completion).toMatchObject({
      id: 'chatcmpl-msg_abc',
      object: 'chat.completion',
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Ahoy!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 30, completion_tokens: 4, total_tokens: 34, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(completion.created).toBeGreaterThan(1_600_000_000);
    const got = h.fake.last();
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/v1/messages');
    expect(got.json).toEqual({
      model: MODEL,
      max_tokens: 8192,
      system: 'You are terse.\n\nNever apologise.',
      messages: [{ role: 'user', content: `Hello${APPEND}` }],
    });
    expect(got.headers['anthropic-version']).toBe('2023-06-01');
    expect(got.headers.authorization).toBe('Bearer sk-test');
    expect(got.headers['content-type']).toBe('application/json');
  });

  it('serves the same handler on /v1/chat/completions', async () => {
    const completion = await client(h, '/v1').chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Hello! How can I help you today?');
    expect(h.fake.last().path).toBe('/v1/messages');
  });

  it('stream text: role first, content deltas, finish, usage chunk, [DONE]', async () => {
    const stream = await client(h).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(h.fake.last().json.stream).toBe(true);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(DEFAULT_TEXT_PIECES.join(''));
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 12, total_tokens: 37 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('streams without a usage chunk unless include_usage is set, and ends with data: [DONE]', async () => {
    const res = await post(h, { model: MODEL, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toBe(h.fake.responses[0]!.headers['request-id']);
    const text = await res.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"usage"');
    expect(text).not.toContain('event:');
  });

  it('delivers each translated event as it arrives (first delta before upstream finished)', async () => {
    h.fake.enqueue({ kind: 'stream', stream: 'text', paceMs: 150 });
    const res = await post(h, { model: MODEL, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const text = await expectDeliveredAsItArrives(h, res, '"content":"Hello"');
    expect(text).toContain('"role":"assistant"');
  });

  it("sends the stream's headers at once when upstream's first event translates to nothing and the next is slow", async () => {
    const sendRest = enqueueHeldStream(h, sseFrame('ping', { type: 'ping' }), sseEvents('text').join(''));
    const res = await post(h, { model: MODEL, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    // fetch resolves on the response's headers: here, while upstream still holds its events back.
    expect(res.status).toBe(200);
    sendRest();
    expect(await res.text()).toContain('"content":"Hello"');
  });

  it('aborts upstream when the client disconnects mid-stream', async () => {
    h.fake.enqueue({ kind: 'stream', stream: 'text', paceMs: 300 });
    const body = { model: MODEL, stream: true, messages: [{ role: 'user', content: 'abort me' }] };
    expect((await abortMidStream(h, '/openai/v1/chat/completions', body, '"role":"assistant"')).outcome).toBe('client_aborted');
  });

  it('tool round trip: the SDK stream helper assembles arguments, tool results go back as tool_result', async () => {
    const tools: OpenAI.ChatCompletionFunctionTool[] = [
      {
        type: 'function',
        function: {
          name: DEFAULT_TOOL.name,
          description: 'Current weather',
          parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] },
        },
      },
    ];
    h.fake.enqueue({ kind: 'stream', stream: 'tool_use', tool: { id: 'toolu_01abc', ...DEFAULT_TOOL }, toolFragments: 5 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in SF?' }];
    const final = await client(h).chat.completions.stream({ model: MODEL, messages, tools, parallel_tool_calls: false }).finalChatCompletion();
    expect(h.fake.last().json.tools).toEqual([{ name: DEFAULT_TOOL.name, description: 'Current weather', input_schema: tools[0]!.function.parameters }]);
    expect(h.fake.last().json.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe("I'll check the weather for you.");
    const call = choice.message.tool_calls![0]!;
    expect(call).toMatchObject({ id: 'toolu_01abc', type: 'function', function: { name: DEFAULT_TOOL.name } });
    expect(JSON.parse((call as OpenAI.ChatCompletionMessageFunctionToolCall).function.arguments)).toEqual(DEFAULT_TOOL.input);

    messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: '18°C and sunny' });
    h.fake.enqueue({ kind: 'message', text: 'It is 18°C and sunny.' });
    const answer = await client(h).chat.completions.create({ model: MODEL, messages, tools });
    expect(answer.choices[0]!.message.content).toBe('It is 18°C and sunny.');
    expect(h.fake.last().json.messages).toEqual([
      { role: 'user', content: 'Weather in SF?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: "I'll check the weather for you." },
          { type: 'tool_use', id: 'toolu_01abc', name: DEFAULT_TOOL.name, input: DEFAULT_TOOL.input },
        ],
      },
      // The modifier lands on the last user turn, after the tool result.
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01abc', content: '18°C and sunny' }, { type: 'text', text: APPEND }] },
    ]);
  });

  it('runTools (streaming) calls the function with parsed arguments and finishes the loop', async () => {
    h.fake.enqueue(
      { kind: 'stream', stream: 'tool_use', tool: { id: 'toolu_run', name: 'get_weather', input: { location: 'Paris' } } },
      { kind: 'stream', stream: 'text', text: ['Sunny', ' in Paris.'] },
    );
    const calls: unknown[] = [];
    const runner = client(h).chat.completions.runTools({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { location: { type: 'string' } } },
            parse: JSON.parse,
            function: (args: { location: string }) => {
              calls.push(args);
              return { temp: 21 };
            },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe('Sunny in Paris.');
    expect(calls).toEqual([{ location: 'Paris' }]);
    const second = h.fake.requests[1]!.json;
    expect(second.messages[2].content[0]).toEqual({ type: 'tool_result', tool_use_id: 'toolu_run', content: '{"temp":21}' });
  });

  it('image input: data URLs become base64 blocks, https URLs URL sources', async () => {
    await client(h).chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          ],
        },
      ],
    });
    expect(h.fake.last().json.messages[0].content).toEqual([
      { type: 'text', text: 'Compare these.' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'text', text: APPEND },
    ]);
  });

  it('stop sequences go to stop_sequences and a stop_sequence stop finishes with stop', async () => {
    h.fake.enqueue({ kind: 'message', text: 'one two', stop_reason: 'stop_sequence', stop_sequence: 'three' });
    const c = await client(h).chat.completions.create({ model: MODEL, stop: ['three', 'END'], messages: [{ role: 'user', content: 'Count' }] });
    expect(h.fake.last().json.stop_sequences).toEqual(['three', 'END']);
    expect(c.choices[0]!.finish_reason).toBe('stop');
    await client(h).chat.completions.create({ model: MODEL, stop: 'END', messages: [{ role: 'user', content: 'Count' }] });
    expect(h.fake.last().json.stop_sequences).toEqual(['END']);
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
  ] as const)('non-stream finish reason: %s -> %s', async (stop, finish) => {
    h.fake.enqueue({ kind: 'message', stop_reason: stop, ...(stop === 'tool_use' ? { tool_use: [{ name: 'f', input: {} }] } : {}) });
    const c = await client(h).chat.completions.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'x' }] });
    expect(c.choices[0]!.finish_reason).toBe(finish);
    expect(h.fake.last().json.max_tokens).toBe(50);
  });

  it.each([
    ['max_tokens', 'length'],
    ['refusal', 'content_filter'],
    ['stop_sequence', 'stop'],
  ] as const)('stream finish reason: %s -> %s', async (stop, finish) => {
    h.fake.enqueue({ kind: 'stream', stream: 'text', stop_reason: stop });
    const final = await client(h).chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe(finish);
  });

  it('usage counts cache reads and writes in prompt_tokens (non-stream and stream)', async () => {
    const usage = { input_tokens: 12, output_tokens: 8, cache_read_input_tokens: 2048, cache_creation_input_tokens: 100 };
    h.fake.enqueue({ kind: 'message', usage }, { kind: 'stream', stream: 'text', usage });
    const expected = { prompt_tokens: 2160, completion_tokens: 8, total_tokens: 2168, prompt_tokens_details: { cached_tokens: 2048 } };
    const c = await client(h).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    expect(c.usage).toMatchObject(expected);
    const final = await client(h)
      .chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(final.usage).toMatchObject(expected);
  });

  it('thinking streams as reasoning_content deltas and comes back as message.reasoning_content', async () => {
    h.fake.enqueue({ kind: 'stream', stream: 'thinking' }, { kind: 'message', thinking: [{ thinking: 'Hmm.' }], text: 'Done.' });
    const stream = await client(h).chat.completions.create({ model: MODEL, reasoning_effort: 'medium', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const reasoning: string[] = [];
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string } | undefined;
      if (delta?.reasoning_content) reasoning.push(delta.reasoning_content);
      content += delta?.content ?? '';
    }
    expect(reasoning).toEqual(DEFAULT_THINKING);
    expect(content).toBe(DEFAULT_TEXT_PIECES.join(''));
    expect(h.fake.requests[0]!.json).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 8192 }, max_tokens: 16384 });

    const c = await client(h).chat.completions.create({ model: MODEL, reasoning_effort: 'low', messages: [{ role: 'user', content: 'x' }] });
    expect(c.choices[0]!.message).toMatchObject({ content: 'Done.', reasoning_content: 'Hmm.' });
  });

  it('json_schema response_format becomes output_config.format', async () => {
    h.fake.enqueue({ kind: 'message', text: '{"name":"Ada"}' });
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    const c = await client(h).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Name?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', strict: true, schema } },
    });
    expect(JSON.parse(c.choices[0]!.message.content!)).toEqual({ name: 'Ada' });
    expect(h.fake.last().json.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('history keeps the OpenAI request and the forwarded Anthropic request', async () => {
    h.fake.enqueue({ kind: 'stream', stream: 'text', usage: { input_tokens: 7, output_tokens: 3, cache_read_input_tokens: 5 } });
    const body = { model: MODEL, stream: true, messages: [{ role: 'user', content: 'remember me' }], temperature: 0.2 };
    const res = await post(h, body);
    await res.text();
    const row = await lastRow(h);
    expect(row).toMatchObject({ dialect: 'openai', path: '/openai/v1/chat/completions', model: MODEL, stream: true, status: 200, outcome: 'ok', modified: true, stopReason: 'end_turn' });
    expect(row.usage).toEqual({ input: 7, output: 3, cacheRead: 5, cacheCreation: 0 });
    expect(JSON.parse(row.originalBody!)).toEqual(body);
    expect(JSON.parse(row.forwardedBody!)).toEqual(h.fake.last().json);
    expect(JSON.parse(row.forwardedBody!)).toMatchObject({ temperature: 0.2, messages: [{ role: 'user', content: `remember me${APPEND}` }] });
    expect(row.requestHeaders.authorization).not.toContain('sk-test');
  });

  it('models: the list and one model in OpenAI shape', async () => {
    const ids: string[] = [];
    for await (const m of client(h).models.list()) {
      expect(m).toMatchObject({ object: 'model', owned_by: 'anthropic' });
      ids.push(m.id);
    }
    expect(ids).toEqual(MODELS.map((m) => m.id));
    expect(h.fake.last().path).toBe('/v1/models?limit=1000');
    const sonnet = (await client(h).models.list()).data.find((m) => m.id === MODEL)!;
    expect(sonnet.created).toBe(Date.parse('2025-09-29T00:00:00Z') / 1000);

    h.fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'model', ...MODELS[0] }) });
    const one = await client(h).models.retrieve(MODELS[0]!.id);
    expect(one).toEqual({ id: MODELS[0]!.id, object: 'model', created: Date.parse(MODELS[0]!.created_at) / 1000, owned_by: 'anthropic' });
    expect(h.fake.last().path).toBe(`/v1/models/${MODELS[0]!.id}`);
  });
});

describe('chat completion errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ idleTimeoutMs: 400 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it.each([
    [400, OpenAI.BadRequestError, 'invalid_request_error', null],
    [401, OpenAI.AuthenticationError, 'invalid_request_error', 'invalid_api_key'],
    [429, OpenAI.RateLimitError, 'requests', 'rate_limit_exceeded'],
    [529, OpenAI.InternalServerError, 'server_error', 'overloaded'],
  ] as const)('upstream %i -> the SDK raises %o with OpenAI type and code', async (status, ErrorClass, type, code) => {
    h.fake.enqueue({ kind: 'error', status, retryAfter: null });
    const err = await client(h)
      .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(status);
    expect(e.type).toBe(type);
    expect(e.code).toBe(code);
    expect(e.requestID).toBe(h.fake.responses[0]!.headers['request-id']);
    expect((await lastRow(h)).outcome).toBe('upstream_error');
  });

  it('an upstream error on a stream request is a plain error response, and retry hints pass through', async () => {
    h.fake.enqueue({ kind: 'error', status: 429, retryAfter: '7' });
    const res = await post(h, { model: MODEL, stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('x-should-retry')).toBe('true');
    expect(await res.json()).toEqual({
      error: { message: expect.stringContaining('rate limit'), type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('a mid-stream upstream error reaches the SDK as an APIError', async () => {
    h.fake.enqueue({ kind: 'stream', stream: 'error_midway', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const stream = await client(h).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'x' }] });
    let content = '';
    const err = await (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/Overloaded/);
    expect(content).toBe(DEFAULT_TEXT_PIECES.slice(0, 2).join(''));
    expect((await lastRow(h)).error).toMatch(/overloaded_error/);
  });

  it('a stalled stream ends with an OpenAI error event, not a silent stop', async () => {
    h.fake.enqueue({ kind: 'stall', afterEvents: 4 });
    const res = await post(h, { model: MODEL, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const text = await res.text();
    expect(text).toContain('"content":"Hello"');
    expect(text).toMatch(/data: \{"error":\{"message":"[^"]*timed out[^"]*","type":"api_error","param":null,"code":"upstream_timeout"\}\}\n\n$/);
    expect(text).not.toContain('[DONE]');
    expect((await lastRow(h)).error).toMatch(/UPSTREAM_TIMEOUT/);
  });

  it('a silent upstream times out with an OpenAI-shaped 504', async () => {
    h.fake.enqueue({ kind: 'hang' });
    const err = await client(h)
      .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_timeout');
  });

  it('an unsupported parameter is a 400 naming it, and nothing is forwarded', async () => {
    const err = await client(h)
      .chat.completions.create({ model: MODEL, n: 2, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.param).toBe('n');
    expect(e.code).toBe('unsupported_parameter');
    expect(e.message).toContain("'n'");
    expect(h.fake.requests).toHaveLength(0);
    const row = await lastRow(h);
    expect(row).toMatchObject({ status: 400, outcome: 'proxy_error', dialect: 'openai' });
    expect(JSON.parse(row.originalBody!)).toMatchObject({ n: 2 });
    expect(row.forwardedBody).toBeNull();
  });

  it('invalid tool-call arguments are a clear 400', async () => {
    const res = await post(h, {
      model: MODEL,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{oops' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'r' },
      ],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; param: string; type: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages[1].tool_calls[0].function.arguments' });
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it('invalid JSON is an OpenAI-shaped 400', async () => {
    const res = await post(h, '{"model":');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { message: expect.stringMatching(/not valid JSON/), type: 'invalid_request_error', param: null, code: 'invalid_json' },
    });
    expect(h.fake.requests).toHaveLength(0);
  });

  it('unknown OpenAI paths are an OpenAI-shaped 404', async () => {
    const res = await fetch(`${h.baseUrl}/openai/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
    expect(h.fake.requests).toHaveLength(0);
  });

  it('an unreachable upstream is an OpenAI-shaped 502 the SDK raises', async () => {
    const dead = await startHarness({ upstreamUrl: 'http://127.0.0.1:9' });
    try {
      const err = await client(dead)
        .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      const e = err as InstanceType<typeof OpenAI.APIError>;
      expect(e.status).toBe(502);
      expect(e.code).toBe('upstream_unreachable');
      expect(e.message).toMatch(/ECONNREFUSED/);
      const models = await client(dead).models.list().catch((x: unknown) => x);
      expect((models as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    } finally {
      await dead.close();
    }
  });
});

describe('credentials', () => {
  let h: Harness;
  const KEY = 'sk-ant-api03-configured-DO-NOT-LEAK';
  beforeAll(async () => {
    h = await startHarness({ apiKey: KEY });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it('a configured key replaces the client key', async () => {
    await client(h).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    expect(h.fake.last().headers['x-api-key']).toBe(KEY);
    expect(h.fake.last().headers.authorization).toBeUndefined();
  });

  it('without a configured key an Anthropic API key sent as Bearer goes upstream as x-api-key', async () => {
    const plain = await startHarness({}, { fake: h.fake });
    try {
      const c = new OpenAI({ apiKey: 'sk-ant-api03-client-key', baseURL: `${plain.baseUrl}/openai/v1`, maxRetries: 0 });
      await c.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
      expect(h.fake.last().headers['x-api-key']).toBe('sk-ant-api03-client-key');
      expect(h.fake.last().headers.authorization).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
