import { describe, expect, it } from 'vitest';
import { prepareByParsing, prepareMessagesBody } from './body.js';
import { ProxyError } from './errors.js';
import { applyModifier } from '../modifier/modifier.js';

/** The definition prepareMessagesBody must match byte for byte: decode, parse, modify, encode. */
function reference(raw: Buffer, text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return { error: 'INVALID_JSON', detail: (err as Error).message };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'INVALID_REQUEST' };
  const body = parsed as Record<string, unknown>;
  const result = applyModifier(body, text);
  return {
    model: typeof body.model === 'string' ? body.model : null,
    stream: body.stream === true,
    modified: result.modified,
    forwarded: forwardedForm(raw, result.modified ? Buffer.from(JSON.stringify(result.body)) : raw),
  };
}

/** Bodies already in JSON.stringify's form must come out byte for byte; others keep the
 * client's spelling where the modifier did not write, so they must parse to the same value. */
function forwardedForm(raw: Buffer, forwarded: Buffer): string {
  if (forwarded === raw) return 'the received bytes';
  const text = raw.toString('utf8');
  let canonical = false;
  try {
    canonical = JSON.stringify(JSON.parse(text)) === text;
  } catch {
    // not JSON: no result to compare anyway
  }
  return canonical ? forwarded.toString('hex') : JSON.stringify(JSON.parse(forwarded.toString('utf8')));
}

function actual(raw: Buffer, text: string): unknown {
  try {
    const p = prepareMessagesBody(raw, text);
    return { model: p.model, stream: p.stream, modified: p.modified, forwarded: forwardedForm(raw, p.forwarded) };
  } catch (err) {
    const e = err as ProxyError;
    if (e.code === 'INVALID_JSON') return { error: e.code, detail: (reference(raw, text) as { detail?: string }).detail, message: e.message };
    return { error: e.code };
  }
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const msg = (content: unknown, extra: Record<string, unknown> = {}): Buffer =>
  json({ model: 'claude-sonnet-4-5', max_tokens: 64, stream: true, ...extra, messages: [{ role: 'user', content }] });

const BODIES: Record<string, Buffer> = {
  ascii: msg('Say hello'),
  unicode: msg('Résumé — naïve café “quoted” ✓ 日本語 🙂'),
  blocks: msg([
    { type: 'text', text: 'first ✓', cache_control: { type: 'ephemeral' } },
    { type: 'tool_result', tool_use_id: 'toolu_01', content: 'output — 🙂\n\tindented' },
  ]),
  'unicode model and keys': json({ model: 'modèle-✓', 'clé': 'valeur', messages: [{ role: 'user', content: 'x' }] }),
  'escapes below U+0080': Buffer.from('{"model":"m","messages":[{"role":"user","content":"\\u001b[31mred\\u001b[0m \\u0041 \\n\\t\\"q\\" \\\\ \\/"}]}'),
  'escape of é': Buffer.from('{"model":"m","messages":[{"role":"user","content":"caf\\u00e9"}]}'),
  'escape of an emoji pair': Buffer.from('{"model":"m","messages":[{"role":"user","content":"\\ud83d\\ude42"}]}'),
  'escape of a lone surrogate': Buffer.from('{"model":"m","messages":[{"role":"user","content":"x\\ud800y"}]}'),
  'escaped backslash then u00e9': Buffer.from('{"model":"m","messages":[{"role":"user","content":"\\\\u00e9 literal"}]}'),
  'raw U+0085, U+00A0, U+2028': msg('a\u0085b\u00a0c\u2028d'),
  'invalid UTF-8 in a string': Buffer.concat([Buffer.from('{"model":"m","messages":[{"role":"user","content":"bad '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]),
  'BOM first': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), msg('x')]),
  'invalid JSON after non-ASCII': Buffer.from('{"model":"m","messages":[{"role":"user","content":"日本"}],}'),
  'non-ASCII outside strings': Buffer.from('{"model":"m", é "messages":[]}'),
  'array body': Buffer.from('[1,2]'),
  'number body': Buffer.from('42'),
  'assistant last (prefill)': json({ model: 'm', messages: [{ role: 'user', content: 'q ✓' }, { role: 'assistant', content: 'The answer —' }] }),
  'no user message': json({ model: 'm', messages: [{ role: 'assistant', content: 'x' }] }),
  'messages not an array': json({ model: 'm', messages: 'nope' }),
  'numbers, duplicates, __proto__': Buffer.from('{"model":"m","n":[1.0,-0,1e400,0.1,12345678901234567890],"a":1,"a":"twice ✓","__proto__":{"x":1},"2":"b","1":"a","messages":[{"role":"user","content":"x"}]}'),
  'pretty printed': Buffer.from(JSON.stringify(JSON.parse(msg('spaced — out').toString()), null, 2)),
};

const MODIFIERS: Record<string, string> = {
  empty: '',
  ascii: '\n\nAnswer briefly.',
  unicode: '\n\nRéponds — en français 🙂 “merci”',
  'control characters': 'a\u0000b\u001fc\u007f',
  'lone surrogate': 'x\ud800y',
  'U+0085, U+00A0, U+2028': '\u0085\u00a0\u2028',
};

describe('prepareMessagesBody', () => {
  for (const [bodyName, raw] of Object.entries(BODIES)) {
    for (const [modName, text] of Object.entries(MODIFIERS)) {
      it(`matches decode → parse → modify → encode: ${bodyName}, modifier ${modName}`, () => {
        const want = reference(raw, text) as Record<string, unknown>;
        const got = actual(raw, text) as Record<string, unknown>;
        if ('error' in want) {
          expect(got.error).toBe(want.error);
          if (want.error === 'INVALID_JSON') expect(got.message).toContain(want.detail as string);
        } else {
          expect(got).toEqual(want);
        }
      });
    }
  }

  it('returns the received bytes themselves when nothing changed', () => {
    const raw = BODIES.unicode!;
    expect(prepareMessagesBody(raw, '').forwarded).toBe(raw);
    expect(prepareMessagesBody(BODIES['escape of é']!, '').forwarded).toBe(BODIES['escape of é']);
  });
});

describe('prepareMessagesBody errors', () => {
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      return `${(err as ProxyError).code}: ${(err as Error).message}`;
    }
    return 'no error';
  };

  it.each(['invalid JSON after non-ASCII', 'non-ASCII outside strings', 'BOM first', 'array body', 'number body'])('words %s as the parsed road does', (name) => {
    const raw = BODIES[name]!;
    const want = message(() => prepareByParsing(raw, ' x'));
    expect(want).not.toBe('no error');
    expect(message(() => prepareMessagesBody(raw, ' x'))).toBe(want);
    expect(message(() => prepareMessagesBody(raw, ''))).toBe(want);
  });
});
