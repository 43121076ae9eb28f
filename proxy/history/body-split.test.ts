import { describe, expect, it } from 'vitest';
import { splitBody, type SplitBody } from './body-split.js';
import { loadFixture } from './fixtures.js';
import { topLevelMembers } from './json-spans.js';
import { decodeManifest, encodeManifest } from './manifest.js';
import { rng } from '../../bench/bodies.js';
import { gen, STRINGS, WS } from './json-gen.js';


/** A request-shaped body with odd whitespace, duplicate keys and a random key order. */
function genBody(r: () => number): Buffer {
  const ws = (): string => WS[Math.floor(r() * WS.length)]!;
  const members: string[] = [];
  const keys = ['model', 'messages', 'system', 'tools', 'max_tokens', 'metadata', 'messages'];
  for (const key of keys) {
    if (r() < 0.3) continue;
    let value: string;
    if (key === 'messages') {
      const n = Math.floor(r() * 5);
      const msgs = Array.from({ length: n }, () => `${ws()}{"role":"user","content":${gen(r, 3)}}${ws()}`);
      value = `[${msgs.join(',')}]`;
    } else if (key === 'tools' || key === 'system') {
      value = `[${Array.from({ length: 3 }, () => `{"name":"${'x'.repeat(Math.floor(r() * 60))}","v":${gen(r, 3)}}`).join(',')}]`;
    } else {
      value = gen(r, 2);
    }
    members.push(`${ws()}"${key}"${ws()}:${ws()}${value}${ws()}`);
  }
  const text = `${ws()}{${members.join(',')}}${ws()}`;
  const buf = Buffer.from(text);
  // Sometimes raw invalid UTF-8 inside a string, which JSON text cannot carry but a client may send.
  if (r() < 0.2) {
    const at = buf.indexOf('"a"');
    if (at >= 0) buf[at + 1] = 0xff;
  }
  return buf;
}

function rebuild(body: Buffer, split: SplitBody): Buffer {
  return Buffer.concat(split.segments.map((s) => body.subarray(s.start, s.end)));
}

describe('splitBody', () => {
  it('rebuilds every generated body byte for byte, and its segments tile the body', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const body = genBody(rng(seed));
      const split = splitBody(body);
      expect(rebuild(body, split).equals(body), `seed ${seed}`).toBe(true);
      let at = 0;
      for (const s of split.segments) {
        expect(s.start, `seed ${seed}`).toBe(at);
        at = s.end;
      }
      expect(at).toBe(body.length);
    }
  });

  it('makes each message a part whose bytes parse as that message', () => {
    const body = Buffer.from('{ "model":"m" ,"messages" : [ {"role":"user","content":"hi"} ,\n{"role":"assistant","content":[]} ] , "max_tokens":5}');
    const split = splitBody(body);
    const messages = split.messages.map((i) => split.segments[i]!).map((s) => JSON.parse(body.subarray(s.start, s.end).toString()));
    expect(messages).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant', content: [] }]);
  });

  it('stores what it cannot follow whole: not JSON, truncated, an array, trailing bytes', () => {
    for (const text of ['event: x\ndata: {}\n\n', '{"messages":[{"role":"user"', '[1,2]', '{"a":1} x', '{"a":"unterminated}', '{"a" 1}', '']) {
      const body = Buffer.from(text);
      const split = splitBody(body);
      expect(split.segments.length, text).toBeLessThanOrEqual(1);
      expect(rebuild(body, split).equals(body)).toBe(true);
      if (text !== '') expect(split.segments[0]).toMatchObject({ kind: 'part', part: 'whole' });
    }
  });

  it('follows 10 000 nesting levels without recursion', () => {
    const deep = `{"messages":[{"role":"user","content":${'['.repeat(10_000)}${']'.repeat(10_000)}}],"x":1}`;
    const body = Buffer.from(deep);
    const split = splitBody(body);
    expect(split.messages).toHaveLength(1);
    expect(rebuild(body, split).equals(body)).toBe(true);
  });

  it('splits the real Claude Code requests into messages, system and tools, and rebuilds them exactly', () => {
    for (const req of [...loadFixture('claude-code-2.1.197-session.jsonl'), ...loadFixture('claude-code-2.1.197-subagent.jsonl')]) {
      const body = Buffer.from(req.body);
      const split = splitBody(body);
      const parsed = JSON.parse(req.body) as { messages: unknown[] };
      expect(split.messages).toHaveLength(parsed.messages.length);
      expect(split.segments.filter((s) => s.kind === 'part').map((s) => (s as { part: string }).part)).toEqual(
        expect.arrayContaining(['tools', 'system']),
      );
      expect(rebuild(body, split).equals(body)).toBe(true);
      // Glue is small: the keys and short values between parts.
      const glue = split.segments.filter((s) => s.kind === 'glue').reduce((n, s) => n + s.end - s.start, 0);
      expect(glue).toBeLessThan(1024);
    }
  });

  it('reports duplicate top-level keys as separate members', () => {
    expect(topLevelMembers(Buffer.from('{"a":1,"a":2}'))?.map((m) => m.key)).toEqual(['a', 'a']);
  });
});

describe('manifest', () => {
  it('round-trips glue and part ids, large ids included, and never encodes to an empty blob', () => {
    const entries = [Buffer.from('{"a":'), 1, 300, 2 ** 40, Buffer.alloc(0), Buffer.from('}')];
    const decoded = decodeManifest(encodeManifest(entries));
    expect(decoded.map((e) => (typeof e === 'number' ? e : Buffer.from(e as Uint8Array).toString()))).toEqual(['{"a":', 1, 300, 2 ** 40, '', '}']);
    expect(encodeManifest([]).length).toBeGreaterThan(0);
    expect(decodeManifest(encodeManifest([]))).toHaveLength(1);
  });

  it('rejects a cut manifest with a typed error', () => {
    const m = encodeManifest([Buffer.from('hello')]);
    expect(() => decodeManifest(m.subarray(0, 3))).toThrow(expect.objectContaining({ code: 'HISTORY_CORRUPT' }));
  });
});
