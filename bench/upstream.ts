/**
 * A minimal, fast stand-in for api.anthropic.com. POST /v1/messages reads the whole body
 * and answers with a fixed Message, or, when the request carries `x-bench-events`, with
 * an SSE stream of that many text deltas paced `x-bench-interval-ms` apart. Each delta
 * carries its send time from process.hrtime.bigint() (CLOCK_MONOTONIC on Linux, so the
 * client process can subtract it from its own clock) as `[t=<ns>]` inside the text.
 *
 * Run as a forked child (`node dist/bench/upstream.js`) or import startUpstream().
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BENCH_MODEL, deltaWords, messageReply } from './bodies.js';
import { isMain, listenLoopback, serveChild, type Served } from './child.js';

export const STREAM_EVENTS_HEADER = 'x-bench-events';
export const STREAM_INTERVAL_HEADER = 'x-bench-interval-ms';

function requestId(): string {
  return `req_011C${randomBytes(12).toString('base64url')}`;
}

/** The headers Anthropic sends on every answer (rate limits, ids, the CDN's). */
function apiHeaders(contentType: string): Record<string, string> {
  const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    'content-type': contentType,
    'anthropic-ratelimit-input-tokens-limit': '2000000',
    'anthropic-ratelimit-input-tokens-remaining': '1968000',
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '400000',
    'anthropic-ratelimit-output-tokens-remaining': '399000',
    'anthropic-ratelimit-output-tokens-reset': reset,
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': '2400000',
    'anthropic-ratelimit-tokens-remaining': '2367000',
    'anthropic-ratelimit-tokens-reset': reset,
    'request-id': requestId(),
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    'anthropic-organization-id': '6f3c2a1e-0000-4000-8000-0123456789ab',
    via: '1.1 google',
    'cf-cache-status': 'DYNAMIC',
    'x-robots-tag': 'none',
    server: 'cloudflare',
    'cf-ray': `${randomBytes(8).toString('hex')}-AMS`,
  };
}

const REPLY = messageReply();
const WORDS = deltaWords();

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function streamReply(res: ServerResponse, events: number, intervalMs: number): void {
  res.writeHead(200, { ...apiHeaders('text/event-stream; charset=utf-8'), 'cache-control': 'no-cache' });
  res.write(
    sse('message_start', {
      type: 'message_start',
      message: {
        id: `msg_01${randomBytes(11).toString('hex')}`,
        type: 'message',
        role: 'assistant',
        model: BENCH_MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 31245, cache_creation_input_tokens: 1200, cache_read_input_tokens: 28000, output_tokens: 1, service_tier: 'standard' },
      },
    }) +
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
      sse('ping', { type: 'ping' }),
  );
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    const word = WORDS[sent % WORDS.length]!;
    // Stamped at the last moment before the write.
    const text = `${word} [t=${process.hrtime.bigint()}] `;
    res.write(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }));
    if (++sent < events) return;
    clearInterval(timer);
    res.end(
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        sse('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: events * 4 },
        }) +
        sse('message_stop', { type: 'message_stop' }),
    );
  }, intervalMs);
  res.once('close', () => clearInterval(timer));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  // Anthropic reads the whole request before answering; so does this.
  req.on('data', () => {});
  req.once('end', () => {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      res.writeHead(404, apiHeaders('application/json'));
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'Not found' } }));
      return;
    }
    const events = Number(req.headers[STREAM_EVENTS_HEADER] ?? 0);
    if (events > 0) {
      streamReply(res, events, Number(req.headers[STREAM_INTERVAL_HEADER] ?? 10));
      return;
    }
    res.writeHead(200, { ...apiHeaders('application/json'), 'content-length': String(REPLY.length) });
    res.end(REPLY);
  });
}

export async function startUpstream(port = 0): Promise<Served> {
  const server = createServer({ keepAliveTimeout: 65_000 }, handle);
  return listenLoopback(server, port);
}

if (isMain(import.meta.url)) serveChild(() => startUpstream());
