import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { FTS_FIELD_CAP, searchableBytes, searchableText, toFtsQuery } from './search-text.js';

describe('searchableText', () => {
  it('returns null for missing or empty bodies', () => {
    expect(searchableText(null)).toBeNull();
    expect(searchableText(undefined)).toBeNull();
    expect(searchableText('')).toBeNull();
  });

  it('reduces JSON to its string values, decoding escapes', () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'first line\nsecond line café' }] });
    // What Python's json.dumps sends by default: non-ASCII as \u escapes.
    const escaped = body.replace('é', '\\u00e9');
    for (const b of [body, escaped]) {
      const text = searchableText(b)!;
      expect(text.split('\n')).toEqual(['user', 'first line', 'second line café']);
    }
  });

  it('skips long opaque strings such as base64 image data', () => {
    const data = 'A'.repeat(5000);
    const body = JSON.stringify({ content: [{ type: 'image', source: { type: 'base64', data } }, { type: 'text', text: 'what is this' }] });
    const text = searchableText(body)!;
    expect(text).not.toContain(data);
    expect(text).toContain('what is this');
  });

  it('re-joins text deltas of an SSE stream so words split across events are whole', () => {
    const sse = [
      'event: message_start',
      'data: {"type":"message_start","message":{"id":"msg_1","role":"assistant","content":[]}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo wor"}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ld"}}',
      '',
      'data: [DONE]',
      '',
    ].join('\n');
    const text = searchableText(sse)!;
    expect(text).toContain('Hello world');
    expect(text).toContain('msg_1');
  });

  it('re-joins OpenAI chunk deltas despite the id and model repeated in every chunk', () => {
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'claude-x', choices: [{ index: 0, delta: { content } }] })}\n\n`;
    const text = searchableText(chunk('Bon') + chunk('jour le mo') + chunk('nde') + 'data: [DONE]\n\n')!;
    expect(text).toContain('Bonjour le monde');
    expect(text).toContain('claude-x');
  });

  it('indexes other text as is, and caps every field', () => {
    expect(searchableText('plain text, not JSON')).toBe('plain text, not JSON');
    expect(searchableText('{ broken json')).toBe('{ broken json');
    const huge = 'word '.repeat(FTS_FIELD_CAP);
    expect(searchableText(huge)!.length).toBe(FTS_FIELD_CAP);
    expect(searchableText(JSON.stringify({ a: huge }))!.length).toBe(FTS_FIELD_CAP);
  });
});

describe('toFtsQuery', () => {
  it('quotes every term as a prefix phrase and ANDs them', () => {
    expect(toFtsQuery('hello world')).toBe('"hello"* AND "world"*');
    expect(toFtsQuery('say "hi"')).toBe('"say"* AND """hi"""*');
  });

  it('returns null when nothing searchable remains', () => {
    for (const input of ['', '   ', '---', '()', '"', '*', ':', '\u0000\u0001', '\ud800']) {
      expect(toFtsQuery(input), JSON.stringify(input)).toBeNull();
    }
  });

  it('limits the number of terms', () => {
    const q = toFtsQuery(Array.from({ length: 100 }, (_, i) => `t${i}`).join(' '))!;
    expect(q.split(' AND ')).toHaveLength(32);
  });

  describe('against a real FTS5 table', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`);
    const docs = [
      'Please review this TypeScript code',
      'claude-sonnet-4-5 answered in Français with café',
      'NOT a keyword, OR is it? NEAR(the end) col:value prefix*',
      '日本語 テキスト and emoji 🎉 party',
      'path /v1/messages?beta=true',
    ];
    const insert = db.prepare('INSERT INTO t(rowid, body) VALUES (?, ?)');
    docs.forEach((d, i) => insert.run(i + 1, d));
    const search = (input: string): number[] => {
      const q = toFtsQuery(input);
      if (q === null) return [];
      return db.prepare<[string], { rowid: number }>('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').all(q).map((r) => r.rowid);
    };
    afterAll(() => db.close());

    it('never throws on hostile input', () => {
      const hostile = [
        '"', '""', "'", "' OR 1=1 --", '"; DROP TABLE t; --', 'a AND', 'OR', 'NOT', 'AND OR NOT', 'NEAR(', 'NEAR(a b, 2)',
        '(', ')', '(()', 'a:b', 'body:review', '*', 'a*b', '^start', '-negated', '+plus', '{a b}:c', '\\', '\u0000x',
        'x\u0000y', '\ud83d', '🎉', 'Ω≈ç√', 'a'.repeat(10_000), '" OR "a', 'col:"x"', '$$', '@@', '%_', '\t\n\r',
      ];
      for (const input of hostile) expect(() => search(input), JSON.stringify(input)).not.toThrow();
    });

    it('finds words, prefixes, phrases with punctuation, and ignores diacritics and case', () => {
      expect(search('typescript')).toEqual([1]);
      expect(search('Type')).toEqual([1]);
      expect(search('review code')).toEqual([1]);
      expect(search('review missing')).toEqual([]);
      expect(search('sonnet-4-5')).toEqual([2]);
      expect(search('francais cafe')).toEqual([2]);
      expect(search('/v1/messages?beta=true')).toEqual([5]);
    });

    it('treats operators and syntax as literal text', () => {
      expect(search('NOT')).toEqual([3]);
      expect(search('OR keyword')).toEqual([3]);
      expect(search('NEAR(the')).toEqual([3]);
      expect(search('col:value')).toEqual([3]);
      expect(search('prefix*')).toEqual([3]);
      expect(search('-review')).toEqual([1]);
    });

    it('matches non-Latin scripts and emoji-adjacent words', () => {
      expect(search('日本語')).toEqual([4]);
      expect(search('party 🎉')).toEqual([4]);
    });
  });
});

describe('depth', () => {
  const depth = 10_000;
  it('extracts text from JSON nested 10 000 levels deep, as bytes and as text', () => {
    const json = `{"a":${'['.repeat(depth)}"deepword"${']'.repeat(depth)},"b":"top"}`;
    expect(searchableText(json)).toBe('deepword\ntop');
    expect(searchableBytes(Buffer.from(json))).toBe('deepword\ntop');
  });

  it('extracts text from an SSE event nested 10 000 levels deep', () => {
    const data = `{"type":"x","index":0,"delta":{"text":${'['.repeat(depth)}"deepdelta"${']'.repeat(depth)}}}`;
    expect(searchableText(`event: x\ndata: ${data}\n\n`)).toContain('deepdelta');
  });
});
