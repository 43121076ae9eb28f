/**
 * Forwarding, and every ending of a response. `forward` opens upstream; a relay moves the
 * answer to the client (byte for byte, translated event by event, or in one piece) with a
 * copy of each upstream chunk to the recorder, and returns how the exchange ended: upstream
 * done, upstream failed, or the client gone. A relay never finishes the record; the
 * exchange route does that, once (see exchange-route.ts).
 */
import type { Readable } from 'node:stream';
import { asProxyError, errors, toAnthropicErrorBody, type ProxyError } from './errors.js';
import type { ExchangeEnd } from './exchange.js';
import type { RouteScope } from './exchange-route.js';
import { clientResponseHeaders, isEventStream } from './headers.js';
import { mapUpstreamError, openUpstream, upstreamUrl, type UpstreamRequest, type UpstreamResponse } from './upstream.js';

export interface ForwardSpec {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: UpstreamRequest['body'];
  onBodyDone?: UpstreamRequest['onBodyDone'];
}

/** Opens upstream with the exchange's config; rejects with a ProxyError (the route answers it). */
export function forward(x: RouteScope, spec: ForwardSpec): Promise<UpstreamResponse> {
  const { config } = x;
  return openUpstream(
    {
      url: upstreamUrl(config.upstreamUrl, spec.path),
      method: spec.method,
      headers: spec.headers,
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      ...(spec.onBodyDone ? { onBodyDone: spec.onBodyDone } : {}),
      connectTimeoutMs: config.connectTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      client: x.rt.upstreamClient,
    },
    x.client.signal,
  ).then((up) => (x.rt.rateLimits.observe(spec.headers, config.apiKey, up.status, up.headers), up));
}

/** The SSE frame that ends a stream the proxy cannot finish. */
export function sseErrorFrame(err: ProxyError): string {
  return `event: error\ndata: ${JSON.stringify(toAnthropicErrorBody(err))}\n\n`;
}

const clientGone = (): ExchangeEnd => ({ error: errors.clientAborted('mid-response'), outcome: 'client_aborted' });

type BodyEnd = { kind: 'end' } | { kind: 'aborted' } | { kind: 'failed'; err: ProxyError };

/** Reads an upstream body to its end, handing each chunk on; settles once, however it ends.
 * A chunk handler that throws (a translator) fails the body like an upstream error would. */
function drain(up: UpstreamResponse, client: AbortController, onChunk: (chunk: Buffer) => void): Promise<BodyEnd> {
  const body = up.body;
  return new Promise<BodyEnd>((resolve) => {
    const onAbort = (): void => {
      body.destroy();
      resolve({ kind: 'aborted' });
    };
    if (client.signal.aborted) return onAbort();
    client.signal.addEventListener('abort', onAbort, { once: true });
    const settle = (end: BodyEnd): void => {
      client.signal.removeEventListener('abort', onAbort);
      resolve(end);
    };
    body.on('data', (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (e) {
        body.destroy();
        settle({ kind: 'failed', err: asProxyError(e) });
      }
    });
    body.once('end', () => settle({ kind: 'end' }));
    body.once('error', (e) => {
      if (!client.signal.aborted) settle({ kind: 'failed', err: mapUpstreamError(e) });
    });
  });
}

export interface StreamHooks {
  /** What to write for each upstream chunk; the chunk itself when absent. */
  write?(chunk: Buffer): string | Buffer;
  /** Written last when upstream ends. */
  end?(): string | undefined;
  /** Written last when upstream fails mid-body; null resets the connection instead. */
  fail(err: ProxyError): string | null;
}

/**
 * Sends `head` and moves the body to the client as it arrives, with backpressure. An event
 * stream's headers go out with its first event when that event came with them, as it
 * usually does, in one write; else on their own, at once: a client waiting on a slow first
 * event should see the 200 immediately.
 */
export async function relayStream(
  x: RouteScope,
  up: UpstreamResponse,
  head: Record<string, string | string[]>,
  hooks: StreamHooks,
): Promise<ExchangeEnd> {
  const { ctx, ex } = x;
  const res = ctx.res;
  ex.responseStarted(up.status, up.headers);
  ctx.respond = false;
  res.writeHead(up.status, head);
  let written = false;
  // A first event already here is written before the loop's check phase comes.
  if (isEventStream(head)) setImmediate(() => written || res.destroyed || res.flushHeaders());
  res.on('drain', () => up.body.resume());
  const end = await drain(up, x.client, (chunk) => {
    const out = hooks.write ? hooks.write(chunk) : chunk;
    if (out.length > 0) {
      written = true;
      if (!res.write(out)) up.body.pause();
    }
    ex.chunk(chunk);
  });
  if (end.kind === 'aborted') return clientGone();
  if (end.kind === 'end') {
    res.end(hooks.end?.());
    return {};
  }
  const last = res.writableEnded ? null : hooks.fail(end.err);
  if (last === null) res.destroy();
  else res.end(last);
  return { error: end.err, outcome: 'upstream_error' };
}

/** Relays an upstream response byte for byte (the native routes). */
export function relayBytes(x: RouteScope, up: UpstreamResponse): Promise<ExchangeEnd> {
  const sse = isEventStream(up.headers);
  return relayStream(x, up, clientResponseHeaders(up.headers), {
    fail(err) {
      // A JSON body cut short cannot be repaired; a reset tells the client it is incomplete.
      if (!sse) return null;
      const frame = sseErrorFrame(err);
      x.ex.chunk(Buffer.from(frame));
      return frame;
    },
  });
}

/** Turns a complete upstream body into the client's JSON answer, or throws a ProxyError. */
export type Reply = (status: number, text: string) => { status: number; body: unknown };

/** Reads the whole upstream body, then answers in one piece (OpenAI's JSON answers). A body
 * that fails or cannot be turned into an answer ends as an upstream error, not yet written:
 * the exchange route answers it in the route's dialect. */
export async function relayWhole(
  x: RouteScope,
  up: UpstreamResponse,
  head: Record<string, string | string[]>,
  reply: Reply,
): Promise<ExchangeEnd> {
  const { ctx, ex } = x;
  ex.responseStarted(up.status, up.headers);
  const parts: Buffer[] = [];
  const end = await drain(up, x.client, (chunk) => {
    parts.push(chunk);
    ex.chunk(chunk);
  });
  if (end.kind === 'aborted') return clientGone();
  if (end.kind === 'failed') return { error: end.err, outcome: 'upstream_error' };
  try {
    const answer = reply(up.status, Buffer.concat(parts).toString('utf8'));
    ctx.status = answer.status;
    ctx.set(head);
    ctx.body = answer.body;
    return {};
  } catch (e) {
    return { error: asProxyError(e), outcome: 'upstream_error' };
  }
}
