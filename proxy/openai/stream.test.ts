import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXT_PIECES, DEFAULT_THINKING, DEFAULT_TOOL, sseEvents, sseFrame, type StreamKind, type StreamOptions } from '../../test/anthropic-fixtures.js';
import { createStreamTranslator, type StreamTranslatorOptions } from './stream.js';

/** Data payloads of an OpenAI SSE text, `[DONE]` kept as the string. */
function payloads(sse: string): any[] {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((f) => {
      expect(f.startsWith('data: ')).toBe(true);
      const data = f.slice(6);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

function run(events: string[], opts: Partial<StreamTranslatorOptions> = {}): { perEvent: string[]; tail: string; all: any[] } {
  const t = createStreamTranslator({ model: 'asked', includeUsage: false, created: 1700000000, ...opts });
  const perEvent = events.map((e) => t.push(Buffer.from(e)));
  const tail = t.end();
  return { perEvent, tail, all: payloads(perEvent.join('') + tail) };
}

const deltas = (all: any[]) => all.filter((p) => p !== '[DONE]' && p.choices?.length).map((p) => p.choices[0]);

describe('createStreamTranslator', () => {
  it('text: role first, content deltas, finish chunk, [DONE]', () => {
    const { all, tail } = run(sseEvents('text', { id: 'msg_1', model: 'claude-test' }));
    expect(tail).toBe('');
    const first = all[0];
    expect(first).toMatchObject({ id: 'chatcmpl-msg_1', object: 'chat.completion.chunk', created: 1700000000, model: 'claude-test' });
    expect(first.choices[0]).toEqual({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
    const ds = deltas(all);
    expect(ds.slice(1, -1).map((c) => c.delta.content)).toEqual(DEFAULT_TEXT_PIECES);
    expect(ds[ds.length - 1]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(all[all.length - 1]).toBe('[DONE]');
    expect(all.every((p) => p === '[DONE]' || !('usage' in p))).toBe(true);
  });

  it('flushes each event as it arrives', () => {
    const events = sseEvents('text');
    const { perEvent } = run(events);
    // message_start -> role; block start, ping and block stop -> nothing; each delta -> one chunk.
    expect(perEvent.map((s) => payloads(s).length)).toEqual([1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1]);
    expect(events).toHaveLength(11);
  });

  it('survives events split at any byte, including inside a UTF-8 character', () => {
    const text = ['héllo ', 'wörld ', '🙂'];
    const bytes = Buffer.from(sseEvents('text', { text }).join(''));
    const t = createStreamTranslator({ model: 'm', includeUsage: false });
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += t.push(bytes.subarray(i, i + 1));
    out += t.end();
    expect(deltas(payloads(out)).map((c) => c.delta.content ?? '').join('')).toBe(text.join(''));
  });

  it('tool_use: index, id, type and name first with empty arguments, then fragments', () => {
    const { all } = run(sseEvents('tool_use', { tool: { id: 'toolu_9', ...DEFAULT_TOOL }, toolFragments: 4 }));
    const toolChunks = deltas(all).filter((c) => c.delta.tool_calls);
    expect(toolChunks[0].delta.tool_calls).toEqual([
      { index: 0, id: 'toolu_9', type: 'function', function: { name: DEFAULT_TOOL.name, arguments: '' } },
    ]);
    const rest = toolChunks.slice(1).map((c) => c.delta.tool_calls[0]);
    expect(rest.every((tc) => tc.index === 0 && tc.id === undefined && Object.keys(tc.function).join() === 'arguments')).toBe(true);
    // The API's leading empty fragment is not forwarded.
    expect(rest).toHaveLength(4);
    expect(JSON.parse(rest.map((tc) => tc.function.arguments).join(''))).toEqual(DEFAULT_TOOL.input);
    expect(deltas(all).at(-1).finish_reason).toBe('tool_calls');
  });

  it('numbers several tool calls 0, 1, … regardless of block index', () => {
    const start = (index: number, id: string) =>
      sseFrame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name: 'f', input: {} } });
    const frag = (index: number, partial_json: string) =>
      sseFrame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
    const events = [
      sseEvents('text')[0]!,
      start(1, 'a'),
      frag(1, '{"x":1}'),
      start(2, 'b'),
      frag(2, '{"y":2}'),
      sseFrame('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } }),
      sseFrame('message_stop', { type: 'message_stop' }),
    ];
    const calls = deltas(run(events).all).flatMap((c) => c.delta.tool_calls ?? []);
    expect(calls.map((c: any) => [c.index, c.id, c.function.arguments])).toEqual([
      [0, 'a', ''],
      [0, undefined, '{"x":1}'],
      [1, 'b', ''],
      [1, undefined, '{"y":2}'],
    ]);
  });

  it('a tool without arguments still gets "{}" as its arguments', () => {
    // As the API streams it: only the empty opening fragment, no argument text at all.
    const events = sseEvents('tool_use', { tool: { id: 'toolu_0', name: 'now', input: {} } }).filter(
      (e) => !/"partial_json":"[^"]/.test(e),
    );
    expect(events.some((e) => e.includes('"partial_json":""'))).toBe(true);
    const args = deltas(run(events).all)
      .flatMap((c) => c.delta.tool_calls ?? [])
      .map((tc: any) => tc.function.arguments)
      .join('');
    expect(args).toBe('{}');
  });

  it('thinking: reasoning_content deltas, then content; signatures are not sent', () => {
    const { all } = run(sseEvents('thinking'));
    const ds = deltas(all);
    expect(ds.filter((c) => c.delta.reasoning_content).map((c) => c.delta.reasoning_content)).toEqual(DEFAULT_THINKING);
    expect(JSON.stringify(all)).not.toContain('signature');
    const firstText = ds.findIndex((c) => c.delta.content);
    const lastThought = ds.findLastIndex((c) => c.delta.reasoning_content);
    expect(lastThought).toBeLessThan(firstText);
  });

  const finishes: Array<[StreamKind, StreamOptions, string]> = [
    ['text', { stop_reason: 'end_turn' }, 'stop'],
    ['text', { stop_reason: 'stop_sequence' }, 'stop'],
    ['text', { stop_reason: 'max_tokens' }, 'length'],
    ['text', { stop_reason: 'refusal' }, 'content_filter'],
    ['text', { stop_reason: 'pause_turn' }, 'stop'],
    ['tool_use', {}, 'tool_calls'],
  ];
  it.each(finishes)('%s with %j finishes with %s', (kind, opts, finish) => {
    const ds = deltas(run(sseEvents(kind, opts)).all);
    expect(ds.filter((c) => c.finish_reason !== null).map((c) => c.finish_reason)).toEqual([finish]);
  });

  const usages: Array<[string, StreamOptions, Record<string, unknown>]> = [
    ['plain', { usage: { input_tokens: 20, output_tokens: 7 } }, { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } }],
    [
      'cache read',
      { usage: { input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 900, cache_creation_input_tokens: 100 } },
      { prompt_tokens: 1005, completion_tokens: 7, total_tokens: 1012, prompt_tokens_details: { cached_tokens: 900, cache_write_tokens: 100 } },
    ],
    [
      'older API: message_delta only carries output_tokens',
      { deltaUsage: 'output_only', usage: { input_tokens: 5, output_tokens: 9, cache_read_input_tokens: 50 } },
      { prompt_tokens: 55, completion_tokens: 9, total_tokens: 64, prompt_tokens_details: { cached_tokens: 50, cache_write_tokens: 0 } },
    ],
  ];
  it.each(usages)('include_usage (%s): null usage on chunks, then a usage chunk with no choices before [DONE]', (_name, opts, expected) => {
    const { all } = run(sseEvents('text', opts), { includeUsage: true });
    const [usageChunk, done] = all.slice(-2);
    expect(done).toBe('[DONE]');
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual(expected);
    expect(all.slice(0, -2).every((p) => p.usage === null)).toBe(true);
  });

  it('a mid-stream error event becomes an OpenAI error object and ends the stream', () => {
    const { all, tail } = run(sseEvents('error_midway', { error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const last = all[all.length - 1];
    expect(last).toEqual({ error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded' } });
    expect(all).not.toContain('[DONE]');
    expect(tail).toBe('');
  });

  it('a stream cut before the stop reason ends with an error, not a silent [DONE]', () => {
    const { all } = run(sseEvents('text').slice(0, 4));
    expect(all[all.length - 1]).toMatchObject({ error: { type: 'server_error', code: 'upstream_stream_error' } });
  });

  it('a stream cut after the stop reason is completed', () => {
    const { all } = run(sseEvents('text').slice(0, -1), { includeUsage: true });
    expect(all.at(-1)).toBe('[DONE]');
    expect(all.at(-2).usage).toMatchObject({ completion_tokens: 12 });
  });

  it('fail() emits one error event and nothing after it', () => {
    const t = createStreamTranslator({ model: 'm', includeUsage: false });
    t.push(sseEvents('text')[0]!);
    const err = { message: 'Upstream API timed out (no data for too long).', type: 'api_error', param: null, code: 'upstream_timeout' };
    expect(payloads(t.fail(err))).toEqual([{ error: err }]);
    expect(t.closed).toBe(true);
    expect(t.push(sseEvents('text')[3]!)).toBe('');
    expect(t.end()).toBe('');
    expect(t.fail(err)).toBe('');
  });

  it('uses the given id and falls back to the requested model', () => {
    const events = sseEvents('text').map((e) => e.replace(/"model":"[^"]*"/, '"model":""'));
    const { all } = run(events, { id: 'chatcmpl-fixed', model: 'asked' });
    expect(all[0]).toMatchObject({ id: 'chatcmpl-fixed', model: 'asked' });
  });
});
