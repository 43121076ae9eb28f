/**
 * What the exchange records of a streamed answer. It reads the summary (model, usage, stop
 * reason, an error event) from the stored bytes at the end, and leaves the message to the
 * history's writer, unless the stream outgrows what is stored: then it assembles the
 * message itself, from the first byte, so the history still gets all of it.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, sseEvents } from '../../test/anthropic-fixtures.js';
import { assembleStream } from '../anthropic/sse-assembler.js';
import type { History, QueuedRecord } from '../history/index.js';
import { ProxyEvents } from '../lib/events.js';
import { createLogger } from '../lib/log.js';
import { Exchange } from './exchange.js';

const SSE = { 'content-type': 'text/event-stream; charset=utf-8' };
const USAGE = { input_tokens: 100, output_tokens: 40, cache_read_input_tokens: 30, cache_creation_input_tokens: 20 };

/** Runs one exchange through its recorder: the chunks as upstream sent them, then the end. */
function record(chunks: string[], opts: { cap?: number; headers?: Record<string, string>; status?: number } = {}): QueuedRecord {
  let added: QueuedRecord | null = null;
  const events = new ProxyEvents();
  const history = {
    add: (r: QueuedRecord) => {
      // Copied: the exchange lets go of its pooled bytes once the history took the record.
      added = { ...r, responseBody: r.responseBody === null ? null : Buffer.from(r.responseBody as Uint8Array) };
    },
  } as unknown as History;
  const deps = { events, history, logger: createLogger(events, { level: 'error', console: false }), maxStoredResponseBytes: opts.cap ?? 1024 * 1024, secrets: () => [] };
  const ex = new Exchange(deps, { method: 'POST', url: '/v1/messages', headers: {} } as IncomingMessage, 'anthropic');
  ex.begin({ model: 'asked-for', stream: true, originalBody: '{}', forwardedBody: '{}', modified: false });
  ex.responseStarted(opts.status ?? 200, opts.headers ?? SSE);
  for (const c of chunks) ex.chunk(Buffer.from(c));
  ex.finish();
  return added!;
}

describe('the record of a streamed answer', () => {
  it('has the summary, the whole stream, and no message: the writer assembles it', () => {
    const frames = sseEvents('text', { usage: USAGE });
    const r = record(frames);
    expect(r).toMatchObject({ model: DEFAULT_MODEL, stopReason: 'end_turn', outcome: 'ok', responseTruncated: false, assembled: null });
    expect(r.usage).toEqual({ input: 100, output: 40, cacheRead: 30, cacheCreation: 20 });
    expect(Buffer.from(r.responseBody as Uint8Array).toString()).toBe(frames.join(''));
  });

  it('assembles the message itself when the stream outgrows what is stored, from its first byte', () => {
    const frames = sseEvents('tool_use', { usage: USAGE });
    const whole = frames.join('');
    // The cap falls inside an early event, and the usage arrives past it.
    const r = record(frames, { cap: 300 });
    expect(r.responseTruncated).toBe(true);
    expect((r.responseBody as Uint8Array).length).toBe(300);
    expect(JSON.parse(r.assembled!)).toEqual(assembleStream(Buffer.from(whole)).message);
    expect(r).toMatchObject({ stopReason: 'tool_use', usage: { output: 40 } });
  });

  it('assembles it too when the cap is reached exactly at a chunk boundary', () => {
    const frames = sseEvents('text', { usage: USAGE });
    const r = record(frames, { cap: Buffer.byteLength(frames[0]!) });
    expect(r.responseTruncated).toBe(true);
    expect(JSON.parse(r.assembled!)).toEqual(assembleStream(Buffer.from(frames.join(''))).message);
  });

  it("records an error event as the upstream's error", () => {
    const r = record(sseEvents('error_midway'));
    expect(r.outcome).toBe('upstream_error');
    expect(r.error).toMatch(/^overloaded_error: /);
  });

  it('reads a JSON answer to a stream request as JSON', () => {
    const body = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } });
    const r = record([body], { headers: { 'content-type': 'application/json' }, status: 400 });
    expect(r).toMatchObject({ error: 'invalid_request_error: bad', assembled: null, model: 'asked-for' });
  });
});
