import { describe, expect, it } from 'vitest';
import { applyModifier, lastUserMessageIndex } from './modifier.js';

const img = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
const cached = { type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } };
const toolResult = { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '42' }], cache_control: { type: 'ephemeral', ttl: '1h' } };

describe('applyModifier', () => {
  const cases: Array<{ name: string; messages: unknown[]; text: string; expected: unknown[]; index: number | null }> = [
    {
      name: 'string content gets the text concatenated',
      messages: [{ role: 'user', content: 'Hello' }],
      text: ' and say moo',
      expected: [{ role: 'user', content: 'Hello and say moo' }],
      index: 0,
    },
    {
      name: 'array content gets a trailing text block without cache_control',
      messages: [{ role: 'user', content: [cached, img] }],
      text: 'Be brief.',
      expected: [{ role: 'user', content: [cached, img, { type: 'text', text: 'Be brief.' }] }],
      index: 0,
    },
    {
      name: 'tool_result turns keep their blocks',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'calc', input: {} }] },
        { role: 'user', content: [toolResult] },
      ],
      text: 'X',
      expected: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'calc', input: {} }] },
        { role: 'user', content: [toolResult, { type: 'text', text: 'X' }] },
      ],
      index: 2,
    },
    {
      name: 'an assistant prefill stays last and unchanged',
      messages: [
        { role: 'user', content: 'Write JSON' },
        { role: 'assistant', content: '{' },
      ],
      text: ' please',
      expected: [
        { role: 'user', content: 'Write JSON please' },
        { role: 'assistant', content: '{' },
      ],
      index: 0,
    },
    {
      name: 'a trailing system-role message is skipped',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'reminder' },
      ],
      text: '!',
      expected: [
        { role: 'user', content: 'hi!' },
        { role: 'system', content: 'reminder' },
      ],
      index: 0,
    },
    {
      name: 'empty string content still receives the text',
      messages: [{ role: 'user', content: '' }],
      text: 'x',
      expected: [{ role: 'user', content: 'x' }],
      index: 0,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const body = { model: 'm', messages: c.messages, max_tokens: 5 };
      const before = JSON.stringify(body);
      const result = applyModifier(body, c.text);
      expect(result.modified).toBe(true);
      expect(result.messageIndex).toBe(c.index);
      expect((result.body as typeof body).messages).toEqual(c.expected);
      expect(JSON.stringify(body)).toBe(before); // input untouched
    });
  }

  it('leaves every existing block byte-identical when serialized', () => {
    const blocks = [cached, img, toolResult];
    const body = { messages: [{ role: 'user', content: blocks }] };
    const out = applyModifier(body, 'tail').body as typeof body;
    const content = out.messages[0]!.content as unknown[];
    blocks.forEach((b, i) => expect(JSON.stringify(content[i])).toBe(JSON.stringify(b)));
    expect(content[3]).toEqual({ type: 'text', text: 'tail' });
    expect(content[3]).not.toHaveProperty('cache_control');
  });

  it('keeps unknown fields and key order', () => {
    const body = { z_unknown: 1, model: 'm', messages: [{ role: 'user', content: 'a', extra: true }], a_last: [1] };
    const out = applyModifier(body, 'b').body;
    expect(Object.keys(out)).toEqual(['z_unknown', 'model', 'messages', 'a_last']);
    expect(JSON.stringify(out)).toBe('{"z_unknown":1,"model":"m","messages":[{"role":"user","content":"ab","extra":true}],"a_last":[1]}');
  });

  it.each([
    ['empty text', { messages: [{ role: 'user', content: 'a' }] }, ''],
    ['no user message', { messages: [{ role: 'assistant', content: 'a' }] }, 'x'],
    ['no messages', { model: 'm' }, 'x'],
    ['messages not an array', { messages: 'nope' }, 'x'],
    ['content neither string nor array', { messages: [{ role: 'user', content: null }] }, 'x'],
    ['not an object', ['a'], 'x'],
  ])('is a no-op for %s (same object back)', (_name, body, text) => {
    const result = applyModifier(body, text);
    expect(result.modified).toBe(false);
    expect(result.body).toBe(body);
    expect(result.messageIndex).toBeNull();
  });

  describe('with automatic caching (a top-level cache_control)', () => {
    const auto = { type: 'ephemeral', ttl: '1h' };
    const cases: Array<{ name: string; messages: unknown[]; expected: unknown[] }> = [
      {
        name: 'string content becomes one block carrying the breakpoint, then the text',
        messages: [{ role: 'user', content: 'Hello' }],
        expected: [{ role: 'user', content: [{ type: 'text', text: 'Hello', cache_control: auto }, { type: 'text', text: ' X' }] }],
      },
      {
        name: 'array content: the breakpoint goes on the last original block',
        messages: [{ role: 'user', content: [img, { type: 'text', text: 'q' }] }],
        expected: [{ role: 'user', content: [img, { type: 'text', text: 'q', cache_control: auto }, { type: 'text', text: ' X' }] }],
      },
      {
        name: 'a last block with its own breakpoint keeps it',
        messages: [{ role: 'user', content: [toolResult] }],
        expected: [{ role: 'user', content: [toolResult, { type: 'text', text: ' X' }] }],
      },
      {
        name: 'before an assistant prefill, the breakpoint stays before the appended text',
        messages: [{ role: 'user', content: 'Write JSON' }, { role: 'assistant', content: '{' }],
        expected: [{ role: 'user', content: [{ type: 'text', text: 'Write JSON', cache_control: auto }, { type: 'text', text: ' X' }] }, { role: 'assistant', content: '{' }],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const body = { model: 'm', cache_control: auto, messages: c.messages, max_tokens: 5 };
        const before = JSON.stringify(body);
        const out = applyModifier(body, ' X').body as Record<string, unknown>;
        expect(out.messages).toEqual(c.expected);
        expect(Object.keys(out)).toEqual(['model', 'messages', 'max_tokens']);
        expect(JSON.stringify(body)).toBe(before);
        // Same number of breakpoints: the automatic one became one explicit one at most.
        const explicit = (JSON.stringify(out).match(/"cache_control"/g) ?? []).length;
        expect(explicit).toBe(1);
      });
    }

    it('leaves the request alone when there is no block to carry the breakpoint', () => {
      const body = { cache_control: auto, messages: [{ role: 'user', content: [] }] };
      const out = applyModifier(body, ' X').body;
      expect(out).toEqual({ cache_control: auto, messages: [{ role: 'user', content: [{ type: 'text', text: ' X' }] }] });
    });

    it('keeps every other block byte-identical', () => {
      const blocks = [cached, img, { type: 'text', text: 'last' }];
      const body = { cache_control: { type: 'ephemeral' }, messages: [{ role: 'user', content: blocks }] };
      const content = (applyModifier(body, 'tail').body as typeof body).messages[0]!.content as unknown[];
      blocks.slice(0, -1).forEach((b, i) => expect(JSON.stringify(content[i])).toBe(JSON.stringify(b)));
      expect(JSON.stringify(content[2])).toBe('{"type":"text","text":"last","cache_control":{"type":"ephemeral"}}');
    });
  });

  it('finds the last user message index', () => {
    expect(lastUserMessageIndex([{ role: 'user' }, { role: 'assistant' }, { role: 'user' }, { role: 'assistant' }])).toBe(2);
    expect(lastUserMessageIndex([null, 'x', { role: 'assistant' }])).toBe(-1);
  });
});
