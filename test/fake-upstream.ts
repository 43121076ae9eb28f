/**
 * A fake Anthropic API on a real loopback HTTP server, for tests of the proxy and of
 * anything that talks to "upstream". It answers with the same status codes, headers and
 * bodies (including SSE framing) as the real API, records exactly what it received and
 * what it wrote, and can misbehave on demand (hang, stall, drop the socket, pace events).
 *
 * Scenario choice per request: queued scenarios first (FIFO), else the `x-fake-scenario`
 * request header, else a default by route.
 */

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPromptCache, type PromptCacheOptions } from './fake-cache.js';
import {
  countTokensJson,
  errorBody,
  fakeId,
  messageJson,
  modelsListJson,
  sseEvents,
  type MessageOptions,
  type StreamKind,
  type StreamOptions,
} from './anthropic-fixtures.js';

export interface ReceivedRequest {
  method: string;
  /** Path plus query string, as received. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: any;
  /**
   * True once the connection closed before the response was complete, by the client or by
   * a `destroy` scenario; not set by `close()`.
   */
  clientAborted: boolean;
}

export interface SentResponse {
  /** 0 while no status line has been written (e.g. `hang`). */
  status: number;
  headers: Record<string, string>;
  /** Exactly the body bytes written so far. */
  bytes: Buffer;
  /** True once the whole response was written and flushed. */
  complete: boolean;
}

export type Scenario =
  | ({ kind: 'message' } & MessageOptions)
  | ({ kind: 'stream'; stream: StreamKind; paceMs?: number } & StreamOptions)
  | { kind: 'error'; status: number; retryAfter?: string | null; message?: string }
  | { kind: 'hang' }
  | ({ kind: 'stall'; afterEvents: number; stream?: StreamKind } & StreamOptions)
  | ({ kind: 'destroy'; afterEvents?: number; stream?: StreamKind } & StreamOptions)
  | { kind: 'raw'; status: number; headers?: Record<string, string>; body: string | Buffer }
  | {
      kind: 'custom';
      handler: (req: IncomingMessage, res: ServerResponse, received: ReceivedRequest) => void | Promise<void>;
    };

export interface FakeUpstream {
  /** e.g. http://127.0.0.1:54321 */
  url: string;
  /** Requests in arrival order; `responses[i]` is the answer to `requests[i]`. */
  requests: ReceivedRequest[];
  responses: SentResponse[];
  last(): ReceivedRequest;
  enqueue(...scenarios: Scenario[]): void;
  /** Sockets currently open (keep-alive connections included). */
  openConnections(): number;
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once the connection that carried request `index` is closed (by the client, or
   * by a `destroy` scenario). Rejects after `timeoutMs` (default 5000).
   */
  waitForClientClose(index: number, timeoutMs?: number): Promise<void>;
  reset(): void;
  /** Stops listening and destroys every open socket. */
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** Used instead of the route defaults when nothing is queued and no header is set. */
  defaultScenario?: Scenario;
  /** Judge `POST /v1/messages` by Anthropic's prompt-caching rules (fake-cache.ts): usage
   * reports cache reads and writes, and too many breakpoints are refused. */
  promptCache?: PromptCacheOptions;
}

export const FAKE_ORGANIZATION_ID = '4f8c2a6e-1b3d-4e5f-9a7b-0c1d2e3f4a5b';

function rateLimitHeaders(status: number): Record<string, string> {
  // Reset instants are RFC 3339 timestamps, like the real API.
  const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const limited = status === 429;
  return {
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': limited ? '0' : '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': '2000000',
    'anthropic-ratelimit-tokens-remaining': limited ? '0' : '1998000',
    'anthropic-ratelimit-tokens-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '2000000',
    'anthropic-ratelimit-input-tokens-remaining': limited ? '0' : '1999000',
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '400000',
    'anthropic-ratelimit-output-tokens-remaining': limited ? '0' : '399000',
    'anthropic-ratelimit-output-tokens-reset': reset,
  };
}

/**
 * What a subscription (OAuth, `authorization: Bearer sk-ant-oat…`) account gets on top: the unified
 * five-hour and seven-day windows, as a spent fraction and an epoch-seconds reset, and the
 * account's overall status.
 */
export function unifiedRateLimitHeaders(now = Date.now()): Record<string, string> {
  const epoch = (ms: number): string => String(Math.floor(ms / 1000));
  return {
    'anthropic-ratelimit-unified-status': 'allowed',
    'anthropic-ratelimit-unified-reset': epoch(now + 3 * 3600_000),
    'anthropic-ratelimit-unified-5h-status': 'allowed',
    'anthropic-ratelimit-unified-5h-utilization': '0.42',
    'anthropic-ratelimit-unified-5h-reset': epoch(now + 3 * 3600_000),
    'anthropic-ratelimit-unified-7d-status': 'allowed',
    'anthropic-ratelimit-unified-7d-utilization': '0.3',
    'anthropic-ratelimit-unified-7d-reset': epoch(now + 4 * 86_400_000),
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-fallback-percentage': '0.5',
  };
}

function baseHeaders(status: number, contentType: 'json' | 'sse'): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': contentType === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/json',
    'request-id': fakeId('req'),
    'anthropic-organization-id': FAKE_ORGANIZATION_ID,
    ...rateLimitHeaders(status),
  };
  if (contentType === 'sse') h['cache-control'] = 'no-cache';
  return h;
}

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** Parses the `x-fake-scenario` header: a JSON Scenario or a short name. */
export function scenarioFromHeader(value: string, wantsStream: boolean): Scenario | null {
  const v = value.trim();
  if (v.startsWith('{')) {
    try {
      return JSON.parse(v) as Scenario;
    } catch {
      return null;
    }
  }
  const [name, arg] = v.split(':', 2);
  const n = arg === undefined ? undefined : Number(arg);
  switch (name) {
    case 'text':
    case 'stream':
      return { kind: 'stream', stream: 'text' };
    case 'message':
      return { kind: 'message' };
    case 'tool_use':
      return wantsStream ? { kind: 'stream', stream: 'tool_use' } : { kind: 'message', tool_use: [{ name: 'get_weather', input: { location: 'Paris' } }] };
    case 'thinking':
      return wantsStream ? { kind: 'stream', stream: 'thinking' } : { kind: 'message', thinking: [{ thinking: 'Let me think.' }] };
    case 'error_midway':
      return { kind: 'stream', stream: 'error_midway' };
    case 'error':
      return { kind: 'error', status: n !== undefined && Number.isInteger(n) ? n : 500 };
    case 'hang':
      return { kind: 'hang' };
    case 'stall':
      return { kind: 'stall', afterEvents: n ?? 2 };
    case 'destroy':
      return n === undefined ? { kind: 'destroy' } : { kind: 'destroy', afterEvents: n };
    default:
      return null;
  }
}

function defaultScenario(method: string, pathname: string, json: any): Scenario | null {
  if (method === 'POST' && pathname === '/v1/messages') {
    return json?.stream === true ? { kind: 'stream', stream: 'text' } : { kind: 'message' };
  }
  return null;
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const requests: ReceivedRequest[] = [];
  const responses: SentResponse[] = [];
  const queue: Scenario[] = [];
  const sockets = new Set<Socket>();
  const socketClosed = new Map<number, Promise<void>>();
  const listeners = new Set<() => void>();
  const cache = options.promptCache ? createPromptCache(options.promptCache) : null;
  let closing = false;
  const notify = () => {
    for (const l of listeners) l();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    let json: any;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      json,
      clientAborted: false,
    };
    const sent: SentResponse = { status: 0, headers: {}, bytes: Buffer.alloc(0), complete: false };
    const index = requests.length;
    requests.push(received);
    responses.push(sent);
    record(res, sent);
    // Subscription tokens only: the SDKs send plain API keys as bearer tokens too.
    if (typeof req.headers.authorization === 'string' && req.headers.authorization.startsWith('Bearer sk-ant-oat')) {
      for (const [k, v] of Object.entries(unifiedRateLimitHeaders())) res.setHeader(k, v);
    }
    res.on('error', () => {});
    const socket = req.socket;
    socketClosed.set(
      index,
      socket.destroyed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    res.on('close', () => {
      if (!sent.complete && !closing) received.clientAborted = true;
    });
    notify();

    const pathname = received.path.split('?')[0] ?? '/';
    const wantsStream = json?.stream === true;
    const headerValue = req.headers['x-fake-scenario'];
    const fromHeader = typeof headerValue === 'string' ? scenarioFromHeader(headerValue, wantsStream) : null;
    let scenario = queue.shift() ?? fromHeader ?? options.defaultScenario ?? defaultScenario(received.method, pathname, json);
    if (cache && received.method === 'POST' && pathname === '/v1/messages' && json && typeof json === 'object') {
      const verdict = cache.judge(json);
      if (!verdict.ok) {
        sendJson(res, 400, errorBody(400, { message: verdict.message }));
        return;
      }
      if (scenario?.kind === 'message' || scenario?.kind === 'stream') scenario = { ...scenario, usage: { ...scenario.usage, ...verdict.usage } };
    }
    const model = typeof json?.model === 'string' ? json.model : undefined;

    try {
      if (scenario) await play(scenario, req, res, received, model);
      else routeDefault(res, received.method, pathname, received.path);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, { message: `fake upstream failure: ${String(err)}` }));
      else res.destroy();
    }
  }

  function routeDefault(res: ServerResponse, method: string, pathname: string, path: string): void {
    if (method === 'POST' && pathname === '/v1/messages/count_tokens') sendJson(res, 200, countTokensJson(42));
    else if (method === 'GET' && pathname === '/v1/models') sendJson(res, 200, modelsListJson());
    else sendJson(res, 200, { ok: true, path, method });
  }

  async function play(
    s: Scenario,
    req: IncomingMessage,
    res: ServerResponse,
    received: ReceivedRequest,
    model: string | undefined,
  ): Promise<void> {
    switch (s.kind) {
      case 'message': {
        const { kind: _k, ...opts } = s;
        sendJson(res, 200, messageJson({ model, ...opts }));
        return;
      }
      case 'stream': {
        const { kind: _k, stream, paceMs, ...opts } = s;
        await writeEvents(res, sseEvents(stream, { model, ...opts }), paceMs ?? 0);
        if (!res.destroyed) res.end();
        return;
      }
      case 'error': {
        const headers = baseHeaders(s.status, 'json');
        if (s.status === 429 || s.status === 529) {
          if (s.retryAfter !== null) headers['retry-after'] = s.retryAfter ?? '1';
        } else if (s.retryAfter) headers['retry-after'] = s.retryAfter;
        if (RETRYABLE.has(s.status)) headers['x-should-retry'] = 'true';
        sendJson(res, s.status, errorBody(s.status, s.message ? { message: s.message } : {}), headers);
        return;
      }
      case 'hang':
        // Reading nothing more and answering nothing: the caller's timeout must fire.
        return;
      case 'stall': {
        const { kind: _k, afterEvents, stream, ...opts } = s;
        await writeEvents(res, sseEvents(stream ?? 'text', { model, ...opts }).slice(0, afterEvents), 0);
        return;
      }
      case 'destroy': {
        const { kind: _k, afterEvents, stream, ...opts } = s;
        if (afterEvents !== undefined) {
          await writeEvents(res, sseEvents(stream ?? 'text', { model, ...opts }).slice(0, afterEvents), 0);
          // Let the written events reach the client before the connection drops.
          await sleep(20);
        }
        req.socket.destroy();
        return;
      }
      case 'raw': {
        for (const [k, v] of Object.entries(s.headers ?? {})) res.setHeader(k, v);
        res.writeHead(s.status);
        res.end(s.body);
        return;
      }
      case 'custom':
        await s.handler(req, res, received);
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    responses,
    last() {
      const r = requests[requests.length - 1];
      if (!r) throw new Error('fake upstream: no request received yet');
      return r;
    },
    enqueue(...s) {
      queue.push(...s);
    },
    openConnections: () => sockets.size,
    waitForRequests(n, timeoutMs = 5000) {
      return waitFor(() => requests.length >= n, timeoutMs, `${n} request(s), got ${requests.length}`);
    },
    async waitForClientClose(index, timeoutMs = 5000) {
      await waitFor(() => socketClosed.has(index), timeoutMs, `request #${index}`);
      const closed = socketClosed.get(index)!;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`fake upstream: client did not close request #${index} within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([closed, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    reset() {
      requests.length = 0;
      responses.length = 0;
      queue.length = 0;
      socketClosed.clear();
      cache?.reset();
    },
    async close() {
      closing = true;
      queue.length = 0;
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`fake upstream: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      listeners.add(check);
    });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers = baseHeaders(status, 'json')): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.writeHead(status);
  res.end(JSON.stringify(body));
}

/** One `res.write` per event so that a proxy's incremental delivery is observable. */
async function writeEvents(res: ServerResponse, events: string[], paceMs: number): Promise<void> {
  for (const [k, v] of Object.entries(baseHeaders(200, 'sse'))) res.setHeader(k, v);
  res.writeHead(200);
  res.flushHeaders();
  for (let i = 0; i < events.length; i++) {
    if (res.destroyed) return;
    if (i > 0) {
      if (paceMs > 0) await sleep(paceMs);
      else await new Promise((r) => setImmediate(r));
    }
    if (res.destroyed) return;
    res.write(events[i]);
  }
}

/** Mirrors everything written to `res` into `sent`, whoever writes it (custom handlers too). */
function record(res: ServerResponse, sent: SentResponse): void {
  const parts: Buffer[] = [];
  const add = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    parts.push(buf);
    sent.bytes = Buffer.concat(parts);
  };
  const captureHead = () => {
    if (sent.status !== 0) return;
    sent.status = res.statusCode;
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.getHeaders())) {
      if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    sent.headers = h;
  };

  const origWriteHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as any).writeHead = (status: number, ...rest: unknown[]) => {
    // Fold headers passed to writeHead into the response so getHeaders() sees them.
    const maybeHeaders = rest.find((r) => r !== null && typeof r === 'object');
    if (maybeHeaders && !Array.isArray(maybeHeaders)) {
      for (const [k, v] of Object.entries(maybeHeaders as Record<string, string>)) res.setHeader(k, v);
    }
    res.statusCode = status;
    captureHead();
    const reason = rest.find((r) => typeof r === 'string');
    return reason === undefined ? origWriteHead(status) : origWriteHead(status, reason);
  };
  const origWrite = res.write.bind(res) as (...args: unknown[]) => boolean;
  (res as any).write = (chunk: unknown, ...rest: unknown[]) => {
    captureHead();
    if (!res.destroyed) add(chunk, rest[0]);
    return origWrite(chunk, ...rest);
  };
  const origEnd = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as any).end = (chunk?: unknown, ...rest: unknown[]) => {
    captureHead();
    if (!res.destroyed) add(chunk, rest[0]);
    return origEnd(chunk, ...rest);
  };
  res.on('finish', () => {
    sent.complete = true;
  });
}
