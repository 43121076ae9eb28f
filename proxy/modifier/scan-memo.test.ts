import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../history/fixtures.js';
import { looseStringify, randomMessagesBody, randomString, seeded, type Rand } from './messages-gen.js';
import { ScanMemo } from './scan-memo.js';
import { scanMessagesBody } from './scan-messages.js';
import { spliceMessagesBody } from './splice.js';

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A spelled member, `"key":value` in some spelling, kept as bytes so that later turns repeat it exactly. */
const member = (r: Rand, key: string, value: unknown): string => `${looseStringify(r, key)}${pick(r, ['', ' '])}:${looseStringify(r, value, false)}`;

/** A long value, of escapes and odd characters too: what makes a body worth remembering. */
const big = (r: Rand, kb: number): unknown => [{ name: 'tool', description: Array.from({ length: kb * 200 }, () => randomString(r, 4) || 'x').join(' ') }];

/** One conversation: a head, messages and a tail, each spelled once and re-sent as the same bytes. */
class Conversation {
  head: string[];
  tail: string[];
  messages: string[] = [];
  readonly #open: string;
  readonly #separator: string;
  constructor(readonly r: Rand) {
    this.#open = `${looseStringify(r, 'messages')}:[`;
    this.#separator = `,${pick(r, ['', '', ' ', '\n'])}`;
    const body = randomMessagesBody(r);
    const others = Object.entries(body).filter(([k]) => k !== 'messages');
    const split = Math.floor(r() * (others.length + 1));
    this.head = others.slice(0, split).map(([k, v]) => member(r, k, v));
    this.tail = others.slice(split).map(([k, v]) => member(r, k, v));
    // Before the messages (as SDK callers write bodies) or after them (as Claude Code does).
    const side = r() < 0.5 ? this.head : this.tail;
    side.splice(Math.floor(r() * (side.length + 1)), 0, member(r, pick(r, ['tools', 'system', 'x']), big(r, 8 + Math.floor(r() * 24))));
    if (r() < 0.05) this.tail.push(member(r, 'messages', []));
    this.grow(2 + Math.floor(r() * 4));
  }

  #message(): string {
    const r = this.r;
    const m = (randomMessagesBody(r).messages as unknown[] | string)[0] ?? { role: 'user', content: 'x' };
    // Some turns are long (a file read), so that bodies pass the memo's size floor.
    if (r() < 0.3) return looseStringify(r, { role: pick(r, ['user', 'assistant']), content: [{ type: 'tool_result', content: JSON.stringify(big(r, 12)) }] }, false);
    return looseStringify(r, m, false);
  }

  grow(n: number): void {
    for (let i = 0; i < n; i++) this.messages.push(this.#message());
  }

  /** The next turn: the last messages changed, dropped or kept, new ones after; now and then a member before or after the messages re-spelled. */
  next(): void {
    const r = this.r;
    const k = r();
    if (k < 0.3 && this.messages.length > 1) this.messages.pop();
    else if (k < 0.5 && this.messages.length > 0) this.messages[this.messages.length - 1] = this.#message();
    this.grow(Math.floor(r() * 4));
    if (r() < 0.1 && this.tail.length > 0) this.tail[Math.floor(r() * this.tail.length)] = member(r, 'metadata', randomString(r, 3));
    if (r() < 0.05) this.head.push(member(r, 'temperature', 1));
  }

  body(): Buffer {
    const messages = `${this.#open}${this.messages.join(this.#separator)}]`;
    return Buffer.from(`{${[...this.head, messages, ...this.tail].join(',')}}`);
  }
}

/** A conversation whose every body is past the memo's size floor, with a large member before a last one. */
function longConversation(r: Rand): Conversation {
  const c = new Conversation(r);
  c.tail.push(member(r, 'tools', big(r, 40)), member(r, 'max_tokens', 5));
  return c;
}

/** The body with one byte changed somewhere: mostly invalid, sometimes not. */
function corrupt(r: Rand, b: Buffer): Buffer {
  const c = Buffer.from(b);
  c[Math.floor(r() * c.length)] = pick(r, [0x22, 0x5c, 0x7b, 0x5d, 0x2c, 0x01, 0x61, 0xff]);
  return c;
}

describe('ScanMemo', () => {
  it('answers as the whole scan does on interleaved conversations, odd spellings, edits and corrupted bodies', () => {
    let hits = 0;
    let bodies = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const r = seeded(seed);
      const memo = new ScanMemo();
      const convs = Array.from({ length: 1 + Math.floor(r() * 4) }, () => new Conversation(r));
      for (let step = 0; step < 40; step++) {
        const c = pick(r, convs);
        c.next();
        const sent = c.body();
        const raw = r() < 0.1 ? corrupt(r, sent) : sent;
        const expected = scanMessagesBody(raw);
        const got = memo.scan(raw);
        if (!isDeepStrictEqual(got, expected)) expect({ seed, step, got }).toEqual({ seed, step, got: expected });
        bodies++;
      }
      hits += memo.hits;
    }
    // The test is about the cut path: a good share of its bodies must have taken it.
    expect(hits).toBeGreaterThan(bodies / 5);
  });

  it('splices a continuation into the same bytes as without it', () => {
    const r = seeded(99);
    const memo = new ScanMemo();
    const c = new Conversation(r);
    for (let step = 0; step < 30; step++) {
      c.next();
      const raw = c.body();
      const text = '\n\nAppended "text".';
      const [cut, whole] = [spliceMessagesBody(raw, text, memo), spliceMessagesBody(raw, text)];
      expect(cut?.modified).toBe(whole?.modified);
      expect(cut === null ? whole === null : whole !== null && cut.forwarded.equals(whole.forwarded)).toBe(true);
    }
    expect(memo.hits).toBeGreaterThan(5);
  });

  it("cuts Claude Code's real turns: the fixture session, each request continuing the one before", () => {
    const memo = new ScanMemo();
    for (const req of loadFixture('claude-code-2.1.197-session.jsonl')) {
      const raw = Buffer.from(req.body);
      expect(memo.scan(raw)).toEqual(scanMessagesBody(raw));
    }
    expect(memo.hits).toBeGreaterThan(0);
  });

  it('gives no answer for a continuation whose new bytes, kept bytes or tail break the JSON', () => {
    const r = seeded(7);
    const c = longConversation(r);
    const memo = new ScanMemo();
    memo.scan(c.body());
    c.grow(2);
    c.messages.push('{"role":"user","content":"ok"}');
    const next = c.body();
    // In the new message, in the first (kept) message, and in the last member (after the array).
    for (const where of [next.lastIndexOf('"ok"') + 1, next.indexOf('[') + 2, next.length - 2]) {
      expect(where).toBeGreaterThan(0);
      const broken = Buffer.from(next);
      broken[where] = 0x01;
      expect(scanMessagesBody(broken)).toBeNull();
      expect(memo.scan(broken)).toBeNull();
    }
    expect(memo.scan(next)).toEqual(scanMessagesBody(next));
    expect(memo.hits).toBeGreaterThan(0);
  });

  it('forgets a remembered body whose buffer was transferred away', () => {
    const r = seeded(3);
    const c = longConversation(r);
    const memo = new ScanMemo();
    const first = Buffer.alloc(c.body().length);
    c.body().copy(first);
    memo.scan(first);
    structuredClone(first.buffer, { transfer: [first.buffer] });
    c.grow(2);
    const raw = c.body();
    expect(memo.scan(raw)).toEqual(scanMessagesBody(raw));
  });
});
