import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/bodies.js';
import { commonPrefix, commonSuffix, continuedSplit, splitContinuing, type PreviousBody } from './body-diff.js';
import { splitBody } from './body-split.js';
import { gen, pick, WS } from './json-gen.js';

function naivePrefix(a: Buffer, b: Buffer): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function naiveSuffix(a: Buffer, b: Buffer, max: number): number {
  let n = 0;
  while (n < max && n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

describe('commonPrefix and commonSuffix', () => {
  it('agree with a byte loop, around and across the compare steps', () => {
    const r = rng(7);
    for (const size of [0, 1, 2, 100, 65_535, 65_536, 65_537, 200_000]) {
      const a = Buffer.alloc(size, 0x61);
      for (const at of [0, 1, size >> 1, size - 2, size - 1].filter((x) => x >= 0 && x < size)) {
        const b = Buffer.from(a);
        b[at] = 0x62;
        expect(commonPrefix(a, b)).toBe(at);
        expect(commonSuffix(a, b, size)).toBe(size - 1 - at);
      }
      const longer = Buffer.concat([a, Buffer.from('xyz')]);
      expect(commonPrefix(a, longer)).toBe(size);
      expect(commonSuffix(a, Buffer.concat([Buffer.from('q'), a]), size)).toBe(size);
      const c = Buffer.from(a.map(() => Math.floor(r() * 3)));
      const d = Buffer.from(c);
      if (size > 0) d[Math.floor(r() * size)]! ^= 1;
      expect(commonPrefix(c, d)).toBe(naivePrefix(c, d));
      expect(commonSuffix(c, d, size >> 1)).toBe(naiveSuffix(c, d, size >> 1));
    }
  });
});

/** A request body as its pieces, so a test can make the next turn the way a client does. */
interface Conversation {
  before: string;
  messages: string[];
  /** Whitespace around each comma between messages. */
  seps: string[];
  after: string;
}

const message = (r: () => number): string =>
  pick(r, [
    () => `{"role":"user","content":${gen(r, 3)}}`,
    () => `{"role":"assistant","content":[{"type":"text","text":"ok"},{"type":"tool_use","id":"t","name":"Read","input":${gen(r, 2)}}]}`,
    () => `{ "role" : "user" , "content" : [ {"type":"tool_result","tool_use_id":"t","content":${gen(r, 2)},"cache_control":{"type":"ephemeral"}} ] }`,
  ])();

function text(c: Conversation): Buffer {
  const inner = c.messages.map((m, i) => (i === 0 ? m : `${c.seps[i - 1]},${c.seps[i - 1]}${m}`)).join('');
  return Buffer.from(`${c.before}[${inner}]${c.after}`);
}

function start(r: () => number): Conversation {
  const ws = (): string => pick(r, WS);
  const tools = `[${Array.from({ length: 3 }, () => `{"name":"${'x'.repeat(Math.floor(r() * 80))}","v":${gen(r, 2)}}`).join(',')}]`;
  return {
    before: `${ws()}{${ws()}"model":"claude-x",${ws()}"messages"${ws()}:${ws()}`,
    messages: [message(r)],
    seps: [],
    after: `${ws()},"system":"${'s'.repeat(70)}",${ws()}"tools":${tools},"max_tokens":${Math.floor(r() * 9000)}${ws()}}${ws()}`,
  };
}

type Step = 'append' | 'replace-last' | 'insert-before-last' | 'same' | 'drop-last' | 'system' | 'model' | 'whitespace';
/** Steps a continuing client takes; the fast path must handle each of them. */
const CONTINUING: ReadonlySet<Step> = new Set(['append', 'replace-last', 'insert-before-last', 'same']);

function next(r: () => number, c: Conversation, step: Step): Conversation {
  const ws = (): string => pick(r, WS);
  const messages = [...c.messages];
  const seps = [...c.seps];
  switch (step) {
    case 'append':
      for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
        messages.push(message(r));
        seps.push(ws());
      }
      return { ...c, messages, seps };
    case 'replace-last':
      messages[messages.length - 1] = message(r);
      messages.push(message(r));
      seps.push(ws());
      return { ...c, messages, seps };
    case 'insert-before-last':
      messages.splice(messages.length - 1, 0, message(r), message(r));
      seps.push(ws(), ws());
      return { ...c, messages, seps };
    case 'same':
      return c;
    case 'drop-last':
      if (messages.length > 1) {
        messages.pop();
        seps.pop();
      }
      return { ...c, messages, seps };
    case 'system':
      return { ...c, after: c.after.replace('"system":"s', '"system":"t') };
    case 'model':
      return { ...c, before: c.before.replace('claude-x', 'claude-y') };
    case 'whitespace':
      if (seps.length > 0) seps[Math.floor(r() * seps.length)] += ' ';
      return { ...c, seps };
  }
}

const STEPS: Step[] = ['append', 'append', 'append', 'replace-last', 'insert-before-last', 'same', 'drop-last', 'system', 'model', 'whitespace'];

describe('splitContinuing', () => {
  it('gives exactly what splitBody gives, along generated conversations', () => {
    let continued = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      let conv = start(r);
      let prev: PreviousBody = { bytes: text(conv), split: splitBody(text(conv)) };
      for (let turn = 0; turn < 25; turn++) {
        const step = pick(r, STEPS);
        conv = next(r, conv, step);
        const body = text(conv);
        const expected = splitBody(body);
        const c = splitContinuing(prev, body);
        if (CONTINUING.has(step)) expect(c, `seed ${seed} turn ${turn} ${step}`).not.toBeNull();
        if (c) {
          continued++;
          expect(continuedSplit(prev.split, c), `seed ${seed} turn ${turn} ${step}`).toEqual(expected);
          expect(c.reusedMessages).toBeLessThanOrEqual(prev.split.messages.length);
        }
        prev = { bytes: body, split: c ? continuedSplit(prev.split, c) : expected };
      }
    }
    expect(continued).toBeGreaterThan(300 * 25 * 0.5);
  });

  it('scans only the new messages: the ones before are taken over', () => {
    const r = rng(1);
    const conv = start(r);
    for (let i = 0; i < 50; i++) conv.messages.push(message(r)), conv.seps.push('');
    const prev = { bytes: text(conv), split: splitBody(text(conv)) };
    const c = splitContinuing(prev, text(next(r, conv, 'append')))!;
    expect(c.reusedMessages).toBe(51);
    expect(c.middle.filter((s) => s.kind === 'part').length).toBeLessThanOrEqual(3);
  });

  it('leaves bodies it cannot prove to the whole split', () => {
    const body = Buffer.from('{"messages":[{"role":"user","content":"hi"}],"max_tokens":5}');
    const prev = { bytes: body, split: splitBody(body) };
    for (const t of ['{"messages":[{"role":"user","content":"hi"}],"max_tokens":6}', '{"messages":[],"max_tokens":5}', '{"messages":[{"role":"user","content":"hi"},{"role":"user"],"max_tokens":5}', 'not json']) {
      expect(splitContinuing(prev, Buffer.from(t)), t).toBeNull();
    }
    const none = Buffer.from('{"model":"m"}');
    expect(splitContinuing({ bytes: none, split: splitBody(none) }, body)).toBeNull();
  });
});
