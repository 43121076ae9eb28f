import { describe, expect, it } from 'vitest';
import { messageJson } from '../../test/anthropic-fixtures.js';
import { translateUpstreamError } from './errors.js';
import { translateModel, translateModelList } from './models.js';
import { finishReason, translateResponse, translateUsage } from './response.js';

describe('finishReason', () => {
  const cases: Array<[unknown, string]> = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
    ['something_new', 'stop'],
  ];
  it.each(cases)('%s -> %s', (stop, finish) => expect(finishReason(stop)).toBe(finish));
});

describe('translateUsage', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'no cache',
      { input_tokens: 25, output_tokens: 12, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      { prompt_tokens: 25, completion_tokens: 12, total_tokens: 37, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } },
    ],
    [
      'cache reads and writes count as prompt tokens',
      { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 },
      { prompt_tokens: 1210, completion_tokens: 5, total_tokens: 1215, prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 200 } },
    ],
    [
      'null cache counters',
      { input_tokens: 3, output_tokens: 4, cache_read_input_tokens: null, cache_creation_input_tokens: null },
      { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } },
    ],
    [
      'thinking tokens become reasoning tokens',
      { input_tokens: 1, output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } },
      { prompt_tokens: 1, completion_tokens: 50, total_tokens: 51, completion_tokens_details: { reasoning_tokens: 30 } },
    ],
  ];
  it.each(cases)('%s', (_name, usage, expected) => expect(translateUsage(usage)).toMatchObject(expected));
});

describe('translateResponse', () => {
  it('maps a text message', () => {
    const msg = messageJson({ id: 'msg_1', text: 'Hello there', usage: { input_tokens: 9, output_tokens: 3 } });
    expect(translateResponse(msg, { model: 'asked', created: 1700000000 })).toEqual({
      id: 'chatcmpl-msg_1',
      object: 'chat.completion',
      created: 1700000000,
      model: msg.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } },
      system_fingerprint: null,
    });
  });

  it('maps tool calls with JSON-string arguments and null content', () => {
    const msg = messageJson({ text: null, tool_use: [{ id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } }] });
    const out = translateResponse(msg, { model: 'm' }) as any;
    expect(out.choices[0].finish_reason).toBe('tool_calls');
    expect(out.choices[0].message.content).toBeNull();
    expect(out.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":[1,2]}' } },
    ]);
    expect(JSON.parse(out.choices[0].message.tool_calls[0].function.arguments)).toEqual({ city: 'Paris', days: [1, 2] });
  });

  it('keeps text next to tool calls and exposes thinking as reasoning_content', () => {
    const msg = messageJson({ text: 'Let me check.', thinking: [{ thinking: 'Plan: ' }, { thinking: 'call the tool.' }], tool_use: [{ name: 'f', input: {} }] });
    const m = (translateResponse(msg, { model: 'm' }) as any).choices[0].message;
    expect(m.content).toBe('Let me check.');
    expect(m.reasoning_content).toBe('Plan: call the tool.');
    expect(m.tool_calls).toHaveLength(1);
  });

  it('gives empty content (not null) when there is neither text nor tool call', () => {
    const m = (translateResponse(messageJson({ text: null, stop_reason: 'max_tokens' }), { model: 'm' }) as any).choices[0];
    expect(m.message.content).toBe('');
    expect(m.finish_reason).toBe('length');
  });

  it('falls back to the requested model', () => {
    expect(translateResponse({ content: [] }, { model: 'asked' }).model).toBe('asked');
  });
});

describe('translateUpstreamError', () => {
  const body = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_1' });
  const cases: Array<[number, unknown, Record<string, unknown>]> = [
    [400, body('invalid_request_error', 'messages: field required'), { type: 'invalid_request_error', code: null, message: 'messages: field required (request id: req_1)' }],
    [401, body('authentication_error', 'invalid x-api-key'), { type: 'invalid_request_error', code: 'invalid_api_key' }],
    [403, body('permission_error', 'nope'), { type: 'permission_error', code: 'permission_denied' }],
    [404, body('not_found_error', 'model: claude-nope'), { type: 'invalid_request_error', code: 'model_not_found' }],
    [413, body('request_too_large', 'too big'), { type: 'invalid_request_error', code: 'request_too_large' }],
    [429, body('rate_limit_error', 'exceed the rate limit of 50 requests per minute'), { type: 'requests', code: 'rate_limit_exceeded' }],
    [429, body('rate_limit_error', 'exceed 40,000 input tokens per minute'), { type: 'tokens', code: 'rate_limit_exceeded' }],
    [500, body('api_error', 'Internal server error'), { type: 'server_error', code: null }],
    [529, body('overloaded_error', 'Overloaded'), { type: 'server_error', code: 'overloaded' }],
    [504, body('timeout_error', 'Request timed out'), { type: 'server_error', code: 'timeout' }],
    [502, '<html>Bad gateway</html>', { type: 'server_error', code: null, message: 'Upstream error 502: <html>Bad gateway</html>' }],
    [418, JSON.stringify(body('teapot_error', 'short and stout')), { type: 'invalid_request_error', code: 'teapot_error' }],
  ];
  it.each(cases)('%i %j', (status, input, expected) => {
    const out = translateUpstreamError(status, input);
    expect(out.error).toMatchObject({ param: null, ...expected });
    expect(Object.keys(out.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });
});

describe('models', () => {
  it('maps the list', () => {
    const list = {
      data: [
        { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
        { type: 'model', id: 'claude-x', display_name: 'X', created_at: 'not a date' },
        { type: 'model' },
      ],
      has_more: false,
    };
    expect(translateModelList(list)).toEqual({
      object: 'list',
      data: [
        { id: 'claude-sonnet-4-5-20250929', object: 'model', created: 1759104000, owned_by: 'anthropic' },
        { id: 'claude-x', object: 'model', created: 0, owned_by: 'anthropic' },
      ],
    });
  });

  it('maps one model and rejects junk', () => {
    expect(translateModel({ id: 'a', created_at: '1970-01-01T00:01:00Z' })).toEqual({ id: 'a', object: 'model', created: 60, owned_by: 'anthropic' });
    expect(translateModel('nope')).toBeNull();
    expect(translateModelList(null)).toEqual({ object: 'list', data: [] });
  });
});
