import { describe, expect, it } from 'vitest';
import { prepareByParsing } from '../http/body.js';
import { loadFixture } from '../history/fixtures.js';
import { looseStringify, randomMessagesBody, randomModifier, seeded } from './messages-gen.js';
import { applyByteEdits } from '../lib/byte-edits.js';
import { spliceMessagesBody, type SplicedBody } from './splice.js';

const RUNS = 4000;

/** Bytes `a` and `b` share at the start plus at the end (at most `a`'s length). */
function commonEnds(a: Buffer, b: Buffer): number {
  let p = 0;
  while (p < a.length && a[p] === b[p]) p++;
  let q = 0;
  while (q < a.length - p && a[a.length - 1 - q] === b[b.length - 1 - q]) q++;
  return p + q;
}

/** The splice's edits are what made its forwarded bytes (the history stores them instead), or null when it forwards the body as received. */
function expectEditsMake(raw: Buffer, got: SplicedBody): void {
  if (got.modified) expect(applyByteEdits(raw, got.edits!).equals(got.forwarded)).toBe(true);
  else expect(got.edits).toBeNull();
}

/** What the parsed road gives, or the error code it throws. */
function parsed(raw: Buffer, text: string): ReturnType<typeof prepareByParsing> | string {
  try {
    return prepareByParsing(raw, text);
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('spliceMessagesBody on bodies in JSON.stringify form', () => {
  it(`is byte-identical to parse, modify, stringify (${RUNS} generated bodies)`, () => {
    const r = seeded(9);
    let changed = 0;
    for (let n = 0; n < RUNS; n++) {
      const raw = Buffer.from(JSON.stringify(randomMessagesBody(r)));
      const text = randomModifier(r);
      const want = parsed(raw, text);
      const got = spliceMessagesBody(raw, text);
      expect(typeof want).toBe('object');
      expect(got, raw.toString()).not.toBeNull(); // the byte road takes every one of them
      const { edits: _edits, ...rest } = got!;
      const { edits: _none, ...wanted } = want as ReturnType<typeof prepareByParsing>;
      expect({ ...rest, forwarded: got!.forwarded.toString() }, `${raw.toString()} + ${JSON.stringify(text)}`).toEqual({
        ...wanted,
        forwarded: wanted.forwarded.toString(),
      });
      expectEditsMake(raw, got!);
      if (got!.modified) changed++;
      else expect(got!.forwarded).toBe(raw);
    }
    expect(changed).toBeGreaterThan(RUNS / 2);
  });
});

describe('spliceMessagesBody on bodies spelled otherwise', () => {
  it(`keeps the client's bytes and parses to what the parsed road forwards (${RUNS} generated bodies)`, () => {
    const r = seeded(26);
    let spliced = 0;
    for (let n = 0; n < RUNS; n++) {
      const value = randomMessagesBody(r);
      const raw = Buffer.from(looseStringify(r, value));
      const text = randomModifier(r);
      const want = parsed(raw, text);
      expect(typeof want, raw.toString()).toBe('object');
      const w = want as ReturnType<typeof prepareByParsing>;
      const got = spliceMessagesBody(raw, text);
      if (!got) continue;
      spliced++;
      const context = `${raw.toString()} + ${JSON.stringify(text)}`;
      expectEditsMake(raw, got);
      expect({ model: got.model, stream: got.stream, modified: got.modified }, context).toEqual({ model: w.model, stream: w.stream, modified: w.modified });
      if (!got.modified) {
        expect(got.forwarded).toBe(raw);
        continue;
      }
      // Same value, same key order: stringifying both gives the same text.
      expect(JSON.stringify(JSON.parse(got.forwarded.toString())), context).toBe(w.forwarded.toString());
      // Without a breakpoint to move, the text goes in at one place: every other byte is
      // the client's own, in a prefix and a suffix of the received body.
      if (!('cache_control' in value)) expect(commonEnds(raw, got.forwarded), context).toBeGreaterThanOrEqual(raw.length);
    }
    // Only a repeated top-level cache_control (none generated) may send a body to parsing.
    expect(spliced).toBe(RUNS);
  });
});

describe('spliceMessagesBody on real Claude Code requests', () => {
  const bodies = [...loadFixture('claude-code-2.1.197-session.jsonl'), ...loadFixture('claude-code-2.1.197-subagent.jsonl')].map((f) => Buffer.from(f.body));
  const withAutoCaching = bodies.map((b) => Buffer.from(JSON.stringify({ cache_control: { type: 'ephemeral' }, ...(JSON.parse(b.toString()) as object) })));

  for (const [name, set] of [['as sent', bodies], ['with automatic caching', withAutoCaching]] as const) {
    it(`takes the byte road and matches the parsed road byte for byte: ${name}`, () => {
      for (const raw of set) {
        for (const text of ['', '\n\nAnswer in French. "Quoted" \\ 🙂 \u2028']) {
          const got = spliceMessagesBody(raw, text);
          const want = prepareByParsing(raw, text);
          expect(got).not.toBeNull();
          expect(got!.forwarded.equals(want.forwarded)).toBe(true);
          expectEditsMake(raw, got!);
          expect([got!.model, got!.stream, got!.modified]).toEqual([want.model, want.stream, want.modified]);
          expect(got!.model).toMatch(/^claude-/);
        }
      }
    });
  }

  it('moves an automatic breakpoint onto the last block', () => {
    const out = JSON.parse(spliceMessagesBody(withAutoCaching[0]!, ' X')!.forwarded.toString()) as Record<string, unknown>;
    expect(out).not.toHaveProperty('cache_control');
    const messages = out.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    const last = messages.filter((m) => m.role === 'user').pop()!.content;
    expect(last[last.length - 1]).toEqual({ type: 'text', text: ' X' });
    expect(last[last.length - 2]).toHaveProperty('cache_control');
  });
});

describe('spliceMessagesBody leaves to parsing what it cannot be sure of', () => {
  const body = (s: string): Buffer => Buffer.from(s);
  it.each([
    ['invalid JSON', '{"model":"m","messages":[{"role":"user","content":"x"}],}'],
    ['a trailing garbage byte', '{"messages":[]}x'],
    ['a raw control character in a string', '{"messages":[{"role":"user","content":"a\u0001b"}]}'],
    ['a raw newline in a string', '{ "messages": [{"role":"user","content":"a\nb"}]}'],
    ['a bad escape', '{"messages":[{"role":"user","content":"a\\xb"}]}'],
    ['a short unicode escape', '{"messages":[{"role":"user","content":"a\\u12"}]}'],
    ['a leading zero', '{"n":01,"messages":[]}'],
    ['a lone minus', '{"n":-,"messages":[]}'],
    ['a BOM', '\ufeff{"messages":[]}'],
    ['an array body', '[1,2]'],
    ['a string body', '"x"'],
    ['a repeated top-level cache_control', '{"cache_control":{},"cache_control":{"type":"ephemeral"},"messages":[{"role":"user","content":"x"}]}'],
  ])('%s', (_name, text) => {
    expect(spliceMessagesBody(body(text), ' more')).toBeNull();
  });

  it('invalid UTF-8, which decoding would replace', () => {
    const raw = Buffer.concat([body('{"messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28]), body('"}]}')]);
    expect(spliceMessagesBody(raw, ' more')).toBeNull();
  });

  it('a modifier text with a lone surrogate, which could pair with the content', () => {
    const raw = body('{"messages":[{"role":"user","content":"\\ud83d"}]}');
    expect(spliceMessagesBody(raw, '\ude42')).toBeNull();
    expect(spliceMessagesBody(raw, '🙂')).not.toBeNull();
  });

  it('reads repeated keys as JSON.parse does: the last one counts', () => {
    const raw = body('{"model":"a","model":"b","messages":[{"content":"old","role":"user","content":"new","role":"user"}],"stream":false,"stream":true}');
    const got = spliceMessagesBody(raw, '!')!;
    expect([got.model, got.stream]).toEqual(['b', true]);
    expect(JSON.parse(got.forwarded.toString())).toEqual({ model: 'b', messages: [{ content: 'new!', role: 'user' }], stream: true });
    const roleLast = body('{"messages":[{"role":"user","content":"x","role":"assistant"}]}');
    expect(spliceMessagesBody(roleLast, '!')!.modified).toBe(false);
  });
});
