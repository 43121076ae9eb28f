import { describe, expect, it } from 'vitest';
import { sseEvents, sseFrame, type StreamKind, type StreamOptions } from '../../test/anthropic-fixtures.js';
import { assembleStream, createStreamAssembler, usageFromAnthropic } from './sse-assembler.js';

const USAGE = { input_tokens: 100, output_tokens: 40, cache_read_input_tokens: 30, cache_creation_input_tokens: 20 };

interface Case {
  kind: StreamKind;
  opts: StreamOptions;
  content: unknown[];
  stopReason: string | null;
  complete: boolean;
  error: { type: string; message: string } | null;
}

const cases: Case[] = [
  {
    kind: 'text',
    opts: { text: ['Bonjour', ', ça ', 'va ?'], usage: USAGE },
    content: [{ type: 'text', text: 'Bonjour, ça va ?' }],
    stopReason: 'end_turn',
    complete: true,
    error: null,
  },
  {
    kind: 'tool_use',
    opts: {
      text: ['Checking'],
      tool: { id: 'toolu_01x', name: 'get_weather', input: { city: 'Zürich', days: [1, 2] } },
      toolFragments: 5,
      usage: USAGE,
    },
    content: [
      { type: 'text', text: 'Checking' },
      { type: 'tool_use', id: 'toolu_01x', name: 'get_weather', input: { city: 'Zürich', days: [1, 2] } },
    ],
    stopReason: 'tool_use',
    complete: true,
    error: null,
  },
  {
    kind: 'thinking',
    opts: { thinking: ['Hmm ', '🤔 ok'], signature: 'c2lnbmF0dXJl', text: ['Answer'], usage: USAGE },
    content: [
      { type: 'thinking', thinking: 'Hmm 🤔 ok', signature: 'c2lnbmF0dXJl' },
      { type: 'text', text: 'Answer' },
    ],
    stopReason: 'end_turn',
    complete: true,
    error: null,
  },
  {
    kind: 'error_midway',
    opts: { text: ['Part', 'ial', ' never'], deltasBeforeError: 2, usage: USAGE },
    content: [{ type: 'text', text: 'Partial' }],
    stopReason: null,
    complete: false,
    error: { type: 'overloaded_error', message: 'Overloaded' },
  },
];

describe('createStreamAssembler over the fixture streams', () => {
  it.each(cases)('$kind', (c) => {
    const events = sseEvents(c.kind, { id: 'msg_01abc', model: 'claude-test', ...c.opts });
    const out = assembleStream(events.join(''));
    expect(out.events).toBe(events.length);
    expect(out.invalidEvents).toBe(0);
    expect(out.complete).toBe(c.complete);
    expect(out.error).toEqual(c.error);
    expect(out.model).toBe('claude-test');
    expect(out.stopReason).toBe(c.stopReason);
    expect(out.message).toMatchObject({
      id: 'msg_01abc',
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      stop_reason: c.stopReason,
      stop_sequence: null,
    });
    expect(out.message!.content).toEqual(c.content);
    if (c.complete) {
      expect(out.usage).toEqual({ input: 100, output: 40, cacheRead: 30, cacheCreation: 20 });
    } else {
      // Only message_start's usage arrived: the full input, a token of output.
      expect(out.usage).toEqual({ input: 100, output: 1, cacheRead: 30, cacheCreation: 20 });
    }
  });

  it('gives the same result however the bytes are split, multi-byte characters included', () => {
    const c = cases[2]!;
    const bytes = Buffer.from(sseEvents(c.kind, { id: 'msg_01abc', ...c.opts }).join(''), 'utf8');
    const expected = assembleStream(bytes);
    expect(expected.message!.content).toEqual(c.content);
    for (let i = 0; i <= bytes.length; i++) {
      const a = createStreamAssembler();
      a.push(bytes.subarray(0, i));
      a.push(bytes.subarray(i));
      expect(a.end()).toEqual(expected);
    }
    const oneByOne = createStreamAssembler();
    for (let i = 0; i < bytes.length; i++) oneByOne.push(bytes.subarray(i, i + 1));
    expect(oneByOne.end()).toEqual(expected);
  });

  it('accepts CRLF line endings', () => {
    const c = cases[1]!;
    const lf = sseEvents(c.kind, { id: 'msg_01abc', ...c.opts }).join('');
    expect(assembleStream(lf.replace(/\n/g, '\r\n'))).toEqual(assembleStream(lf));
  });

  it('joins multi-line data fields before parsing', () => {
    const out = assembleStream(
      sseEvents('text', { text: ['a'] })
        .join('')
        .replace('data: {"type":"message_stop"}', 'data: {"type":\ndata: "message_stop"}'),
    );
    expect(out.complete).toBe(true);
    expect(out.invalidEvents).toBe(0);
  });
});

describe('usage merge', () => {
  it('keeps message_start counters when message_delta only reports output (older API)', () => {
    const out = assembleStream(sseEvents('text', { usage: USAGE, deltaUsage: 'output_only' }).join(''));
    expect(out.usage).toEqual({ input: 100, output: 40, cacheRead: 30, cacheCreation: 20 });
    expect(out.message!.usage).toMatchObject({ input_tokens: 100, output_tokens: 40, service_tier: 'standard' });
  });

  it('overwrites with message_delta totals, ignoring nulls, never adding', () => {
    const events = [
      sseFrame('message_start', {
        type: 'message_start',
        message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 5 } },
      }),
      sseFrame('message_delta', { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 7, input_tokens: null } }),
      sseFrame('message_delta', { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 9, cache_creation_input_tokens: 3 } }),
      sseFrame('message_stop', { type: 'message_stop' }),
    ];
    const out = assembleStream(events.join(''));
    expect(out.usage).toEqual({ input: 10, output: 9, cacheRead: 5, cacheCreation: 3 });
    expect(out.stopReason).toBe('max_tokens');
  });

  it('records the stop sequence', () => {
    const out = assembleStream(sseEvents('text', { stop_reason: 'stop_sequence', stop_sequence: 'END' }).join(''));
    expect(out.message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });
});

describe('damaged streams', () => {
  it('returns what it has when the stream is cut mid-event', () => {
    const full = sseEvents('text', { text: ['one', ' two', ' three'] }).join('');
    const cut = full.slice(0, full.indexOf(' three') + 3);
    const out = assembleStream(cut);
    expect(out.complete).toBe(false);
    expect(out.message!.content).toEqual([{ type: 'text', text: 'one two' }]);
    expect(out.stopReason).toBeNull();
    expect(out.invalidEvents).toBe(1); // the half-written last event
  });

  it('keeps the raw tool input when the stream stops inside it', () => {
    const events = sseEvents('tool_use', { tool: { id: 't', name: 'f', input: { a: 'bcdefghij' } }, toolFragments: 3 });
    const lastFragment = events.findLastIndex((e) => e.includes('input_json_delta'));
    const out = assembleStream(events.slice(0, lastFragment).join(''));
    const tool = (out.message!.content as any[])[1];
    expect(tool.type).toBe('tool_use');
    expect(typeof tool.input).toBe('string');
    expect(JSON.stringify({ a: 'bcdefghij' }).startsWith(tool.input)).toBe(true);
  });

  it('keeps the raw string when the tool input is not valid JSON', () => {
    const base = sseEvents('tool_use', { tool: { name: 'f', input: {} } });
    const events = [
      ...base.slice(0, base.findIndex((e) => e.includes('"type":"tool_use"')) + 1),
      sseFrame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a": tru' } }),
      sseFrame('content_block_stop', { type: 'content_block_stop', index: 1 }),
    ];
    const out = assembleStream(events.join(''));
    expect((out.message!.content as any[])[1].input).toBe('{"a": tru');
  });

  it('leaves an empty tool input as the start event gave it', () => {
    const events = sseEvents('tool_use', { tool: { name: 'noargs', input: {} }, toolFragments: 1 }).filter(
      (e) => !e.includes('"partial_json":"{}"'),
    );
    expect((assembleStream(events.join('')).message!.content as any[])[1].input).toEqual({});
  });

  it('counts and skips events with invalid JSON', () => {
    const events = sseEvents('text', { text: ['a', 'b'] });
    events.splice(4, 0, 'event: content_block_delta\ndata: {not json\n\n', 'event: content_block_delta\ndata: 42\n\n');
    const out = assembleStream(events.join(''));
    expect(out.invalidEvents).toBe(2);
    expect(out.events).toBe(events.length);
    expect(out.message!.content).toEqual([{ type: 'text', text: 'ab' }]);
    expect(out.complete).toBe(true);
  });

  it('is null-safe when nothing usable arrived', () => {
    for (const body of ['', 'garbage', 'event: ping\ndata: {"type":"ping"}\n\n', '<html>502 Bad Gateway</html>']) {
      const out = assembleStream(body);
      expect(out).toMatchObject({ message: null, model: null, stopReason: null, usage: null, error: null, complete: false });
    }
  });

  it('still reads a last event that lacks its blank line', () => {
    const full = sseEvents('text').join('');
    expect(assembleStream(full.slice(0, -2)).complete).toBe(true);
  });

  it('ends once: later pushes are ignored and end() returns the same result', () => {
    const a = createStreamAssembler();
    a.push(sseEvents('text', { text: ['x'] }).join(''));
    const first = a.end();
    a.push(sseFrame('error', { type: 'error', error: { type: 'api_error', message: 'late' } }));
    expect(a.end()).toBe(first);
    expect(first.error).toBeNull();
  });
});

describe('other block types', () => {
  it('carries redacted thinking, server tool use, tool results and citations through', () => {
    const start = sseEvents('text')[0]!;
    const events = [
      start,
      sseFrame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' } }),
      sseFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sseFrame('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }),
      sseFrame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"query": "' } }),
      sseFrame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'weather"}' } }),
      sseFrame('content_block_stop', { type: 'content_block_stop', index: 1 }),
      sseFrame('content_block_start', {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://example.com', title: 'Ex' }] },
      }),
      sseFrame('content_block_stop', { type: 'content_block_stop', index: 2 }),
      sseFrame('content_block_start', { type: 'content_block_start', index: 3, content_block: { type: 'text', text: '', citations: null } }),
      sseFrame('content_block_delta', { type: 'content_block_delta', index: 3, delta: { type: 'citations_delta', citation: { type: 'web_search_result_location', url: 'https://example.com', cited_text: 'sunny' } } }),
      sseFrame('content_block_delta', { type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'Sunny.' } }),
      sseFrame('content_block_stop', { type: 'content_block_stop', index: 3 }),
      sseFrame('some_future_event', { type: 'some_future_event', x: 1 }),
      sseFrame('message_stop', { type: 'message_stop' }),
    ];
    const out = assembleStream(events.join(''));
    expect(out.message!.content).toEqual([
      { type: 'redacted_thinking', data: 'EmwKAhgB' },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'weather' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://example.com', title: 'Ex' }] },
      { type: 'text', text: 'Sunny.', citations: [{ type: 'web_search_result_location', url: 'https://example.com', cited_text: 'sunny' }] },
    ]);
  });
});

describe('usageFromAnthropic', () => {
  it('maps the four counters and treats missing or null ones as 0', () => {
    expect(usageFromAnthropic(USAGE)).toEqual({ input: 100, output: 40, cacheRead: 30, cacheCreation: 20 });
    expect(usageFromAnthropic({ input_tokens: 3, cache_read_input_tokens: null })).toEqual({ input: 3, output: 0, cacheRead: 0, cacheCreation: 0 });
  });

  it('returns null for anything that is not a usage object', () => {
    for (const v of [null, undefined, 5, 'x', [1]]) expect(usageFromAnthropic(v)).toBeNull();
  });
});

describe('agrees with the official SDK', () => {
  it.each(['text', 'tool_use', 'thinking'] as const)('%s: same Message as MessageStream.finalMessage()', async (kind) => {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const { startFakeUpstream } = await import('../../test/fake-upstream.js');
    const fake = await startFakeUpstream();
    try {
      fake.enqueue({ kind: 'stream', stream: kind, usage: USAGE });
      const client = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
      const sdk = await client.messages
        .stream({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .finalMessage();
      const ours = assembleStream(fake.responses[0]!.bytes);
      // The SDK adds client-side conveniences (e.g. parsed_output); compare the API's fields.
      expect(ours.message).toEqual(JSON.parse(JSON.stringify(sdk, (k, v) => (k === 'parsed_output' ? undefined : v))));
    } finally {
      await fake.close();
    }
  });
});
