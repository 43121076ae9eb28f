import { describe, expect, it } from 'vitest';
import { blocksText, requestView, responseView, toBlock } from './blocks.js';

describe('requestView', () => {
  it('reads an Anthropic request: system, messages, tools and parameters', () => {
    const v = requestView(
      JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        stream: true,
        system: [{ type: 'text', text: 'Be nice.' }],
        tools: [{ name: 'get_weather', input_schema: {} }, { type: 'web_search_20250305', name: 'web_search' }],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18°C' }], is_error: false }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(4096) } }] },
        ],
      }),
    );
    expect(v).not.toBeNull();
    expect(v!.model).toBe('claude-sonnet-4-5');
    expect(v!.system).toEqual([{ type: 'text', text: 'Be nice.' }]);
    expect(v!.tools).toEqual(['get_weather', 'web_search']);
    expect(v!.params).toEqual([
      ['max_tokens', '1024'],
      ['stream', 'true'],
    ]);
    const [, assistant, user] = v!.messages;
    expect(assistant!.blocks[0]).toEqual({ type: 'thinking', text: 'hmm', redacted: false });
    expect(assistant!.blocks[1]).toEqual({ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: '{\n  "city": "Paris"\n}' });
    expect(user!.blocks[0]).toEqual({ type: 'tool_result', toolUseId: 'toolu_1', isError: false, content: [{ type: 'text', text: '18°C' }] });
    expect(user!.blocks[1]).toEqual({ type: 'image', description: 'image/png, ~3 KB' });
  });

  it('reads an OpenAI request with tool calls and tool messages', () => {
    const v = requestView(
      JSON.stringify({
        model: 'claude-haiku-4-5',
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'done' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
      }),
    );
    expect(v!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(v!.messages[1]!.blocks[1]).toEqual({ type: 'image', description: 'data:image/png;base64' });
    expect(v!.messages[2]!.blocks).toEqual([{ type: 'tool_use', id: 'call_1', name: 'f', input: '{\n  "x": 1\n}' }]);
    expect(v!.messages[3]!.blocks[0]).toMatchObject({ type: 'tool_result', toolUseId: 'call_1', content: [{ type: 'text', text: 'done' }] });
    expect(v!.tools).toEqual(['f']);
  });

  it('is null for bodies that are not JSON objects', () => {
    expect(requestView('nope')).toBeNull();
    expect(requestView(null)).toBeNull();
    expect(requestView('[1]')).toBeNull();
  });
});

describe('responseView', () => {
  it('prefers the assembled message of a stream', () => {
    const assembled = JSON.stringify({ type: 'message', model: 'claude-sonnet-4-5', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Hello' }, { type: 'redacted_thinking', data: 'x' }] });
    const v = responseView(assembled, 'event: message_start\ndata: {}\n\n');
    expect(v).toEqual({ model: 'claude-sonnet-4-5', stopReason: 'end_turn', error: null, blocks: [{ type: 'text', text: 'Hello' }, { type: 'thinking', text: '', redacted: true }] });
  });

  it('reads a plain JSON message, an OpenAI completion and both error shapes', () => {
    expect(responseView(null, JSON.stringify({ type: 'message', content: [{ type: 'text', text: 'x' }], stop_reason: 'max_tokens' }))?.stopReason).toBe('max_tokens');
    const oa = responseView(null, JSON.stringify({ model: 'm', choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'Hi' } }] }));
    expect(oa).toMatchObject({ stopReason: 'stop', blocks: [{ type: 'text', text: 'Hi' }] });
    expect(responseView(null, JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }))?.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(responseView(null, JSON.stringify({ error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } }))?.error).toEqual({ type: 'invalid_request_error', message: 'bad' });
    expect(responseView(null, 'event: ping\n\n')).toBeNull();
  });
});

it('keeps unknown blocks as JSON and joins text for copying', () => {
  expect(toBlock({ type: 'web_search_tool_result', content: [] })).toEqual({ type: 'other', blockType: 'web_search_tool_result', json: '{\n  "type": "web_search_tool_result",\n  "content": []\n}' });
  expect(blocksText([{ type: 'text', text: 'a' }, { type: 'thinking', text: 'b', redacted: false }, { type: 'text', text: 'c' }])).toBe('a\n\nc');
});
