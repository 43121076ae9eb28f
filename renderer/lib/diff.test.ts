import { describe, expect, it } from 'vitest';
import { applyModifier } from '../../proxy/modifier/modifier.js';
import { contentAsText, jsonDiff, modifierDiff, prettyJson, textDiff } from './diff.js';

const request = (content: unknown) => ({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content }] });

function roundTrip(body: unknown, text: string) {
  const forwarded = applyModifier(body, text).body;
  return modifierDiff(JSON.stringify(body), JSON.stringify(forwarded));
}

describe('modifierDiff', () => {
  it('shows text appended to string content as one insertion', () => {
    const d = roundTrip(request('Write a haiku.'), ' Answer in French.');
    expect(d).toMatchObject({ kind: 'diff', messageIndex: 2, added: ' Answer in French.' });
    if (d.kind !== 'diff') throw new Error('expected a diff');
    expect(d.parts).toEqual([
      { kind: 'same', text: 'Write a haiku.' },
      { kind: 'added', text: ' Answer in French.' },
    ]);
  });

  it('shows a new trailing text block for array content', () => {
    const d = roundTrip(request([{ type: 'text', text: 'Look:', cache_control: { type: 'ephemeral' } }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }]), 'Be brief.');
    if (d.kind !== 'diff') throw new Error('expected a diff');
    expect(d.added).toBe('\n\nBe brief.');
    expect(d.parts.filter((p) => p.kind === 'removed')).toEqual([]);
    expect(d.parts.map((p) => p.text).join('')).toBe('Look:\n\n[image]\n\nBe brief.');
  });

  it('compares an OpenAI request with its translated, modified Anthropic body', () => {
    const original = JSON.stringify({ model: 'claude-haiku-4-5', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    const forwarded = JSON.stringify({ model: 'claude-haiku-4-5', system: 'sys', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'text', text: ' (be kind)' }] }] });
    const d = modifierDiff(original, forwarded);
    expect(d).toMatchObject({ kind: 'diff', added: '\n\n (be kind)' });
  });

  it('reports unchanged and unavailable cases', () => {
    const body = JSON.stringify(request('same'));
    expect(modifierDiff(body, body)).toEqual({ kind: 'unchanged' });
    expect(modifierDiff('not json', body).kind).toBe('unavailable');
    expect(modifierDiff(null, body).kind).toBe('unavailable');
    expect(modifierDiff(JSON.stringify({ messages: [] }), JSON.stringify({ messages: [] })).kind).toBe('unavailable');
  });
});

describe('textDiff', () => {
  it('falls back to a line diff for very different large texts', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `line ${i} alpha`).join('\n');
    const b = Array.from({ length: 3000 }, (_, i) => `line ${i * 7} beta`).join('\n');
    const parts = textDiff(a, b);
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(a);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(b);
  });

  it('is empty for two empty strings', () => {
    expect(textDiff('', '')).toEqual([]);
  });
});

describe('helpers', () => {
  it('renders content blocks as readable text', () => {
    expect(contentAsText('plain')).toBe('plain');
    expect(contentAsText([{ type: 'text', text: 'a' }, { type: 'tool_result', tool_use_id: 'x' }])).toBe('a\n\n[tool_result]');
    expect(contentAsText(undefined)).toBe('');
  });

  it('pretty-prints JSON and leaves other text alone', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('data: x')).toBe('data: x');
    expect(prettyJson(null)).toBe('');
  });

  it('diffs whole bodies line by line', () => {
    const parts = jsonDiff('{"a":1,"b":2}', '{"a":1,"b":3}');
    expect(parts.find((p) => p.kind === 'removed')?.text).toContain('"b": 2');
    expect(parts.find((p) => p.kind === 'added')?.text).toContain('"b": 3');
  });
});

describe('textDiff trimming', () => {
  it('diffs only the changed middle', () => {
    expect(textDiff('abcXYZdef', 'abcQdef')).toEqual([
      { kind: 'same', text: 'abc' },
      { kind: 'removed', text: 'XYZ' },
      { kind: 'added', text: 'Q' },
      { kind: 'same', text: 'def' },
    ]);
  });

  it('shows a pure deletion', () => {
    expect(textDiff('hello world', 'hello')).toEqual([
      { kind: 'same', text: 'hello' },
      { kind: 'removed', text: ' world' },
    ]);
  });

  it('does not double count a repeated character at the prefix/suffix seam', () => {
    const parts = textDiff('aa', 'aaa');
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe('aa');
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe('aaa');
  });
});
