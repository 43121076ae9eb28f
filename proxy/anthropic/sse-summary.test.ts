import { describe, expect, it } from 'vitest';
import { seeded, randomString, type Rand } from '../modifier/messages-gen.js';
import { sseEvents, sseFrame, type StreamKind } from '../../test/anthropic-fixtures.js';
import { assembleStream } from './sse-assembler.js';
import { summarizeStream } from './sse-summary.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const assembled = (b: Buffer): unknown => {
  const { model, stopReason, usage, error } = assembleStream(b);
  return { model, stopReason, usage, error };
};

const USAGE = { input_tokens: 100, output_tokens: 40, cache_read_input_tokens: 30, cache_creation_input_tokens: 20 };

describe('summarizeStream', () => {
  it.each<StreamKind>(['text', 'tool_use', 'thinking', 'error_midway'])('reads a %s stream as the assembler does', (kind) => {
    const b = bytes(sseEvents(kind, { usage: USAGE }).join(''));
    const s = summarizeStream(b);
    expect(s).toEqual(assembled(b));
    if (kind === 'error_midway') expect(s.error).not.toBeNull();
    else expect(s).toMatchObject({ stopReason: expect.any(String), usage: { input: 100, output: 40, cacheRead: 30, cacheCreation: 20 } });
  });

  it('reads nothing from nothing', () => {
    expect(summarizeStream(null)).toEqual({ model: null, stopReason: null, usage: null, error: null });
    expect(summarizeStream(Buffer.alloc(0))).toEqual(assembled(Buffer.alloc(0)));
  });

  it("reads the API's shape without the assembler: an event whose data repeats its type key is read by its first", () => {
    // The one documented difference, and the proof that the fast path ran.
    const odd = 'event: ping\ndata: {"type":"ping","type":"error","error":{"type":"api_error","message":"x"}}\n\n';
    const b = bytes(sseEvents('text', { usage: USAGE }).join('') + odd);
    expect(assembled(b)).toMatchObject({ error: { type: 'api_error' } });
    expect(summarizeStream(b)).toMatchObject({ error: null, stopReason: 'end_turn' });
  });

  it('is not misled by event names inside the text', () => {
    const text = 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"refusal"}}\n\nevent: error';
    const b = bytes(sseEvents('text', { text: [text, text] }).join(''));
    expect(summarizeStream(b)).toEqual(assembled(b));
    expect(summarizeStream(b).stopReason).toBe('end_turn');
  });

  // The shapes the fast path leaves to the assembler: each must still read the same.
  const variants: Record<string, (frames: string[]) => string> = {
    'CRLF lines': (f) => f.join('').replaceAll('\n', '\r\n'),
    'CR lines': (f) => f.join('').replaceAll('\n', '\r'),
    'a comment line': (f) => `: keep-alive\n\n${f.join('')}`,
    'an id line': (f) => f.map((x) => `id: 1\n${x}`).join(''),
    'data split over two lines': (f) => f.map((x) => x.replace('data: {"type"', 'data: {\ndata: "type"')).join(''),
    'no event lines': (f) => f.map((x) => x.slice(x.indexOf('\n') + 1)).join(''),
    'an event named unlike its data': (f) => f.map((x) => x.replace('event: message_delta', 'event: ping')).join(''),
    'a data type spelled with an escape': (f) => f.map((x) => x.replace('"type":"message_delta"', '"type":"message\\u005fdelta"')).join(''),
    'no space after the colon': (f) => f.map((x) => x.replace('data: ', 'data:')).join(''),
    'extra blank lines': (f) => f.join('\n'),
    'a byte-order mark': (f) => `\ufeff${f.join('')}`,
    'no final blank line': (f) => f.join('').replace(/\n\n$/, ''),
    'no final newline': (f) => f.join('').replace(/\n\n$/, '').replace(/\n$/, ''),
    'invalid JSON in a read event': (f) => f.map((x) => x.replace('"type":"message_delta",', '"type":"message_delta",,')).join(''),
  };
  // Found by a review: each read differently before the fast path refused them.
  const START = 'event: message_start\ndata: {"type":"message_start","message":{"model":"m","usage":{"input_tokens":1}}}\n\n';
  const ERROR = '{"type":"error","error":{"type":"api_error","message":"x"}}';
  const odd: Record<string, string> = {
    'a bare CR ending a data line': `${START}event: ping\ndata: {"type":"ping"}\r\rdata: ${ERROR}\n\n`,
    'a bare CR inside the data': `${START}event: message_delta\ndata: {"type":"message_delta",\r"delta":{"stop_reason":"end_turn"}}\n\n`,
    'a CR after the data': `${START}event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"x"}} \r event: error\n\n`,
    'an escape in the event name and its data': `${START}event: erro\\u0072\ndata: {"type":"erro\\u0072","error":{"type":"api_error","message":"x"}}\n\n`,
    'a quote in the event name': `${START}event: ping","x":"y\ndata: {"type":"ping","x":"y","error":{"type":"api_error","message":"x"}}\n\n`,
    'an event name that closes the type': `${START}event: error","x":"y\ndata: {"type":"error","x":"y","error":{"type":"api_error","message":"x"}}\n\n`,
    'a __proto__ field in a delta': 'event: message_start\ndata: {"type":"message_start","message":{"usage":{}}}\n\nevent: message_delta\ndata: {"type":"message_delta","delta":{"__proto__":{"model":"evil","stop_reason":"end_turn"}},"usage":{"__proto__":{"output_tokens":9}}}\n\n',
  };
  it.each(Object.keys(odd))('reads %s as the assembler does', (name) => {
    const b = bytes(odd[name]!);
    expect(summarizeStream(b)).toEqual(assembled(b));
  });

  it('keeps a __proto__ field of a delta as a field of the message', () => {
    const message = assembleStream(bytes(odd['a __proto__ field in a delta']!)).message!;
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    expect(Object.keys(message)).toContain('__proto__');
    expect(JSON.stringify(message)).toContain('"__proto__":{"model":"evil","stop_reason":"end_turn"}');
    expect(message.model).toBeUndefined();
  });

  it.each(Object.keys(variants))('reads a stream with %s as the assembler does', (name) => {
    const b = bytes(variants[name]!(sseEvents('tool_use', { usage: USAGE })));
    expect(summarizeStream(b)).toEqual(assembled(b));
  });

  it('reads bytes that are not UTF-8 as the assembler does', () => {
    const head = bytes(sseEvents('text', { usage: USAGE }).join(''));
    const b = Buffer.concat([head.subarray(0, 40), Buffer.of(0xc3, 0xff, 0xfe), head.subarray(40)]);
    expect(summarizeStream(b)).toEqual(assembled(b));
  });

  /** A stream of the API's events with random content, usage on either end, and sometimes an error or a second message. */
  function randomStream(r: Rand): string {
    const usage = (): Record<string, unknown> => {
      const u: Record<string, unknown> = {};
      for (const k of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens']) if (r() < 0.6) u[k] = r() < 0.1 ? null : Math.floor(r() * 1000);
      return u;
    };
    const frames: string[] = [];
    if (r() < 0.2) frames.push(sseFrame('message_delta', { type: 'message_delta', delta: { stop_reason: 'early' }, usage: usage() }));
    const messages = r() < 0.15 ? 2 : 1;
    for (let m = 0; m < messages; m++) {
      frames.push(sseFrame('message_start', { type: 'message_start', message: { id: `msg_${m}`, model: randomString(r, 3) || 'claude', usage: usage(), content: [] } }));
      for (let i = 0; i < Math.floor(r() * 6); i++) {
        frames.push(sseFrame('content_block_start', { type: 'content_block_start', index: i, content_block: { type: 'text', text: '' } }));
        frames.push(sseFrame('content_block_delta', { type: 'content_block_delta', index: i, delta: { type: 'text_delta', text: randomString(r, 8) } }));
        if (r() < 0.3) frames.push(sseFrame('ping', { type: 'ping' }));
        frames.push(sseFrame('content_block_stop', { type: 'content_block_stop', index: i }));
      }
      if (r() < 0.2) frames.push(sseFrame('error', { type: 'error', error: { type: 'overloaded_error', message: randomString(r) } }));
      for (let d = 0; d < Math.floor(r() * 3); d++) {
        const delta: Record<string, unknown> = { stop_reason: r() < 0.8 ? 'end_turn' : null };
        if (r() < 0.1) delta.model = 'other-model';
        frames.push(sseFrame('message_delta', { type: 'message_delta', delta, ...(r() < 0.8 ? { usage: usage() } : {}) }));
      }
      if (r() < 0.1) frames.push(sseFrame('error', { type: 'error', error: r() < 0.5 ? { type: 'api_error' } : 'text' }));
      frames.push(sseFrame('message_stop', { type: 'message_stop' }));
    }
    return frames.join('');
  }

  it('reads every generated stream, and every cut of it, as the assembler does', () => {
    const r = seeded(20261204);
    for (let i = 0; i < 300; i++) {
      const b = bytes(randomStream(r));
      expect(summarizeStream(b), `stream ${i}`).toEqual(assembled(b));
      // A stream can end anywhere: an abort, or an upstream that failed mid-event.
      for (let k = 0; k < 5; k++) {
        const cut = b.subarray(0, Math.floor(r() * b.length));
        expect(summarizeStream(cut), `stream ${i} cut at ${cut.length}`).toEqual(assembled(cut));
      }
    }
  });
});
