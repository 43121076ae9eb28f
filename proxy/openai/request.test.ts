import { describe, expect, it } from 'vitest';
import { JSON_OBJECT_INSTRUCTION, translateRequest } from './request.js';
import { DEFAULT_MAX_TOKENS } from './thinking.js';
import { MODEL, user, base, refusal } from './testing.js';

describe('translateRequest: top-level parameters', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['default max_tokens', {}, { max_tokens: DEFAULT_MAX_TOKENS }],
    ['max_tokens', { max_tokens: 100 }, { max_tokens: 100 }],
    ['max_completion_tokens wins over max_tokens', { max_tokens: 100, max_completion_tokens: 200 }, { max_tokens: 200 }],
    ['temperature within 0..1 passes', { temperature: 0.3 }, { temperature: 0.3 }],
    ['temperature above 1 is clamped', { temperature: 1.7 }, { temperature: 1 }],
    ['top_p', { top_p: 0.9 }, { top_p: 0.9 }],
    ['stop string', { stop: 'END' }, { stop_sequences: ['END'] }],
    ['stop array', { stop: ['a', 'b'] }, { stop_sequences: ['a', 'b'] }],
    ['user -> metadata.user_id', { user: 'u-1' }, { metadata: { user_id: 'u-1' } }],
    ['safety_identifier wins over user', { user: 'u-1', safety_identifier: 's-1' }, { metadata: { user_id: 's-1' } }],
    ['stream', { stream: true }, { stream: true }],
    ['service_tier default -> standard_only', { service_tier: 'default' }, { service_tier: 'standard_only' }],
    [
      'json_schema -> output_config.format',
      { response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } } } } } },
      { output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } } },
    ],
    ['json_object -> system instruction', { response_format: { type: 'json_object' } }, { system: JSON_OBJECT_INSTRUCTION }],
  ];
  it.each(cases)('%s', (_name, extra, expected) => {
    expect(translateRequest(base(extra)).anthropic).toMatchObject(expected);
  });

  const absent: Array<[string, Record<string, unknown>, string[]]> = [
    ['nulls are absent', { temperature: null, top_p: null, stop: null, user: null, tools: null }, ['temperature', 'top_p', 'stop_sequences', 'metadata', 'tools']],
    ['stream false is not sent', { stream: false }, ['stream']],
    ['response_format text', { response_format: { type: 'text' } }, ['output_config', 'system']],
    ['service_tier auto', { service_tier: 'auto' }, ['service_tier']],
    ['ignored hints', { seed: 1, store: true, metadata: { a: 'b' }, prompt_cache_key: 'k' }, ['seed', 'store', 'prompt_cache_key']],
    ['no-op values of refusable params', { n: 1, logprobs: false, frequency_penalty: 0, presence_penalty: 0, logit_bias: {}, modalities: ['text'] }, ['n', 'logprobs', 'frequency_penalty']],
  ];
  it.each(absent)('%s', (_name, extra, keys) => {
    const out = translateRequest(base(extra)).anthropic;
    for (const k of keys) expect(out).not.toHaveProperty(k);
    expect(out.metadata).toBeUndefined();
  });

  it('passes the model through and reports stream flags', () => {
    expect(translateRequest(base({ model: 'my-custom-model' })).model).toBe('my-custom-model');
    expect(translateRequest(base({ stream: true, stream_options: { include_usage: true } }))).toMatchObject({ stream: true, includeUsage: true });
    expect(translateRequest(base({ stream: true }))).toMatchObject({ stream: true, includeUsage: false });
    // include_usage means nothing without streaming.
    expect(translateRequest(base({ stream_options: { include_usage: true } }))).toMatchObject({ stream: false, includeUsage: false });
  });

  it('appends the JSON instruction after existing system text', () => {
    const out = translateRequest({
      model: MODEL,
      messages: [{ role: 'system', content: 'Be terse.' }, user('Hi')],
      response_format: { type: 'json_object' },
    }).anthropic;
    expect(out.system).toBe(`Be terse.\n\n${JSON_OBJECT_INSTRUCTION}`);
  });
});

describe('translateRequest: refusals name the parameter', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['n > 1', { n: 2 }, 'n'],
    ['logprobs', { logprobs: true }, 'logprobs'],
    ['top_logprobs', { top_logprobs: 3 }, 'top_logprobs'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, 'logit_bias'],
    ['frequency_penalty', { frequency_penalty: 0.5 }, 'frequency_penalty'],
    ['presence_penalty', { presence_penalty: -1 }, 'presence_penalty'],
    ['audio', { audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
    ['modalities with audio', { modalities: ['text', 'audio'] }, 'modalities'],
    ['prediction', { prediction: { type: 'content', content: 'x' } }, 'prediction'],
    ['functions', { functions: [{ name: 'f' }] }, 'functions'],
    ['function_call', { function_call: 'auto' }, 'function_call'],
    ['web_search_options', { web_search_options: {} }, 'web_search_options'],
    ['verbosity', { verbosity: 'high' }, 'verbosity'],
    ['service_tier flex', { service_tier: 'flex' }, 'service_tier'],
    ['unknown parameter', { frobnicate: true }, 'frobnicate'],
  ];
  it.each(cases)('%s', (_name, extra, param) => {
    const err = refusal(base(extra));
    expect(err.code).toBe('UNSUPPORTED_PARAMETER');
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toContain(`'${param}'`);
  });

  const invalid: Array<[string, unknown, string]> = [
    ['body not an object', [], 'body'],
    ['missing model', { messages: [user('x')] }, 'model'],
    ['empty messages', { model: MODEL, messages: [] }, 'messages'],
    ['only system messages', { model: MODEL, messages: [{ role: 'system', content: 'x' }] }, 'messages'],
    ['temperature out of range', base({ temperature: 3 }), 'temperature'],
    ['top_p out of range', base({ top_p: 1.5 }), 'top_p'],
    ['max_tokens not an integer', base({ max_tokens: 1.5 }), 'max_tokens'],
    ['max_completion_tokens zero', base({ max_completion_tokens: 0 }), 'max_completion_tokens'],
    ['empty stop', base({ stop: [''] }), 'stop'],
    ['bad reasoning_effort', base({ reasoning_effort: 'extreme' }), 'reasoning_effort'],
    ['bad response_format', base({ response_format: { type: 'yaml' } }), 'response_format.type'],
    ['json_schema without schema', base({ response_format: { type: 'json_schema', json_schema: { name: 'x' } } }), 'response_format.json_schema.schema'],
    ['unknown role', { model: MODEL, messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
  ];
  it.each(invalid)('%s', (_name, body, param) => {
    const err = refusal(body);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
  });
});

describe('translateRequest: messages', () => {
  it('moves system and developer messages to system, in order', () => {
    const out = translateRequest({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Hi'),
        { role: 'system', content: 'Late rule.' },
      ],
    }).anthropic;
    expect(out.system).toBe('You are helpful.\n\nAnswer in French.\n\nLate rule.');
    expect(out.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('keeps cache breakpoints on system parts as blocks', () => {
    const out = translateRequest({
      model: MODEL,
      messages: [{ role: 'system', content: [{ type: 'text', text: 'Long rules', prompt_cache_breakpoint: { mode: 'explicit' } }] }, user('Hi')],
    }).anthropic;
    expect(out.system).toEqual([{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral' } }]);
  });

  const parts: Array<[string, unknown, unknown]> = [
    ['text part', { type: 'text', text: 'hello' }, { type: 'text', text: 'hello' }],
    [
      'base64 data URL image',
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    ],
    [
      'https image',
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ],
    [
      'PDF file data',
      { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
    ],
    [
      'plain-text file data',
      { type: 'file', file: { file_data: `data:text/plain;base64,${Buffer.from('notes').toString('base64')}` } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } },
    ],
    [
      'cache breakpoint',
      { type: 'text', text: 'big', prompt_cache_breakpoint: { mode: 'explicit' } },
      { type: 'text', text: 'big', cache_control: { type: 'ephemeral' } },
    ],
  ];
  it.each(parts)('user content part: %s', (_name, part, block) => {
    const out = translateRequest(base({ messages: [user([part])] })).anthropic;
    expect(out.messages).toEqual([{ role: 'user', content: [block] }]);
  });

  const badParts: Array<[string, unknown, string, string]> = [
    ['ftp image', { type: 'image_url', image_url: { url: 'ftp://x/y.png' } }, 'INVALID_REQUEST', 'messages[0].content[0].image_url.url'],
    ['svg data URL', { type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } }, 'INVALID_REQUEST', 'messages[0].content[0].image_url.url'],
    ['input_audio', { type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }, 'UNSUPPORTED_PARAMETER', 'messages[0].content[0].input_audio'],
    ['file id', { type: 'file', file: { file_id: 'file-123' } }, 'UNSUPPORTED_PARAMETER', 'messages[0].content[0].file.file_id'],
    ['unknown part', { type: 'video', video: {} }, 'INVALID_REQUEST', 'messages[0].content[0].type'],
  ];
  it.each(badParts)('refuses part: %s', (_name, part, code, param) => {
    const err = refusal(base({ messages: [user([part])] }));
    expect(err.code).toBe(code);
    expect(err.param).toBe(param);
  });

  it('turns assistant tool_calls into tool_use and tool messages into one user turn of tool_results', () => {
    const out = translateRequest({
      model: MODEL,
      messages: [
        user('Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24' }, { type: 'text', text: 'C' }] },
      ],
    }).anthropic;
    expect(out.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '24C' },
        ],
      },
    ]);
  });

  it('assistant with only tool calls and null content; empty arguments mean {}', () => {
    const out = translateRequest({
      model: MODEL,
      messages: [
        user('now?'),
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '' } }] },
        { role: 'tool', tool_call_id: 'c', content: '12:00' },
      ],
    }).anthropic;
    expect((out.messages as unknown[])[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'now', input: {} }] });
  });

  it('refuses tool call arguments that are not a JSON object, naming the path', () => {
    for (const args of ['{not json', '[1,2]']) {
      const err = refusal({
        model: MODEL,
        messages: [user('x'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }],
      });
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.param).toBe('messages[1].tool_calls[0].function.arguments');
    }
  });

  it('merges consecutive same-role messages and puts tool results first', () => {
    const out = translateRequest({
      model: MODEL,
      messages: [
        user('one'),
        user([{ type: 'text', text: 'two' }]),
        { role: 'assistant', content: 'a' },
        { role: 'assistant', content: '' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
        user('three'),
        { role: 'tool', tool_call_id: 't', content: 'r' },
      ],
    }).anthropic;
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'no' }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }, { type: 'text', text: 'three' }] },
    ]);
  });

  it('refuses legacy function messages and assistant function_call', () => {
    expect(refusal(base({ messages: [{ role: 'function', name: 'f', content: 'x' }] })).param).toBe('messages[0].role');
    expect(refusal(base({ messages: [user('x'), { role: 'assistant', function_call: { name: 'f', arguments: '{}' } }] })).param).toBe(
      'messages[1].function_call',
    );
  });
});
