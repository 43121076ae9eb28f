import { describe, expect, it } from 'vitest';
import { FTS_FIELD_CAP, searchableBytes, searchableText } from './search-text.js';

const cases: Record<string, Buffer> = {
  'empty': Buffer.alloc(0),
  'ascii request': Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello world' }] })),
  'non-ASCII request': Buffer.from(JSON.stringify({ system: 'Résumé — “quoted” ✓', messages: [{ role: 'user', content: [{ type: 'text', text: '日本語 🙂 naïve' }] }] })),
  'escapes below U+0080': Buffer.from('{"a":"\\u001b[31mred\\u001b[0m \\n\\t \\"q\\""}'),
  'escape of é': Buffer.from('{"a":"caf\\u00e9 au lait"}'),
  'escaped emoji pair': Buffer.from('{"a":"smile \\ud83d\\ude42"}'),
  'opaque by characters, not bytes': Buffer.from(JSON.stringify({ a: 'é'.repeat(300), b: 'x'.repeat(600), c: 'é'.repeat(600) })),
  'no-break space keeps a long string searchable': Buffer.from(JSON.stringify({ a: `${'y'.repeat(400)}\u00a0${'z'.repeat(400)}`, b: `${'à'.repeat(300)}` })),
  'longer than the cap': Buffer.from(JSON.stringify({ a: Array.from({ length: 60_000 }, (_, i) => `wörd${i}`).join(' ') })),
  'array at the top': Buffer.from('[" première ", ["deux"], {"k":"trois"}, 4, null, true]'),
  'primitive JSON': Buffer.from('"just a string"'),
  'number JSON': Buffer.from('42'),
  'SSE stream': Buffer.from('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bon"}}\n\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"jour é"}}\n\n'),
  'plain text': Buffer.from('not json at all — é'),
  'broken JSON': Buffer.from('{ "a": "é", '),
  'BOM first': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"b"}')]),
  'leading whitespace': Buffer.from(' \n\t{"a":"spaced é"}'),
  'invalid UTF-8': Buffer.concat([Buffer.from('{"a":"bad '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(' end"}')]),
};

describe('searchableBytes', () => {
  for (const [name, bytes] of Object.entries(cases)) {
    it(`equals searchableText of the decoded body: ${name}`, () => {
      expect(searchableBytes(bytes)).toEqual(searchableText(bytes.toString('utf8')));
    });
  }

  it('caps the text like searchableText', () => {
    expect(searchableBytes(cases['longer than the cap']!)!.length).toBe(FTS_FIELD_CAP);
  });

  it('decodes the values it keeps', () => {
    expect(searchableBytes(cases['non-ASCII request']!)).toContain('日本語 🙂 naïve');
  });
});
