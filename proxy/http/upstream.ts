/**
 * The one place that talks to the upstream API: got in stream mode over keep-alive
 * agents, no retries, no redirects, no decompression, so bytes pass through as sent.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import got, { type Got, type Request as GotRequest, RequestError, TimeoutError } from 'got';
import { errors, ProxyError } from './errors.js';

/** The keep-alive agents, and a got instance made once over them with everything that never changes. */
export interface UpstreamClient {
  http: http.Agent;
  https: https.Agent;
  got: Got;
  destroy(): void;
}

export function createUpstreamClient(): UpstreamClient {
  // lifo keeps a few warm sockets busy instead of spreading load over many idle ones.
  const options = { keepAlive: true, keepAliveMsecs: 30_000, scheduling: 'lifo' as const, maxFreeSockets: 64 };
  const agents = { http: new http.Agent(options), https: new https.Agent(options) };
  // Everything that never changes is merged into the instance once, not into every request's options.
  const client = got.extend({
    agent: agents,
    // No user-agent of got's own: the client's, if it sent one, is in the request's headers.
    headers: { 'user-agent': undefined },
    retry: { limit: 0 },
    followRedirect: false,
    decompress: false,
    throwHttpErrors: false,
  });
  return { ...agents, got: client, destroy: () => (agents.http.destroy(), agents.https.destroy()) };
}

export interface UpstreamRequest {
  url: string;
  method: string;
  headers: Record<string, string | string[]>;
  /** A buffered body, the pieces of one (a splice: views of the sent body and its inserts,
   * written in turn instead of joined into a copy), or a stream piped through as it arrives
   * (passthrough routes). */
  body?: Buffer | Uint8Array[] | Readable;
  /** Called once upstream is done reading a buffered body: its last byte handed to the OS, or the request gone. */
  onBodyDone?: () => void;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  client: UpstreamClient;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The response body; destroy it to abort the upstream request. */
  body: GotRequest;
}

/** Joins the configured upstream base (which may carry a path prefix) and the client's path+query. */
export function upstreamUrl(base: string, pathAndQuery: string): string {
  return base.replace(/\/+$/, '') + pathAndQuery;
}

/** Maps got's failures to the proxy's own errors, with the reason a user can act on. */
export function mapUpstreamError(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  if (err instanceof TimeoutError) {
    const what = err.event === 'socket' ? 'no data for too long' : `${err.event} timeout`;
    return errors.upstreamTimeout(what, err);
  }
  if (err instanceof RequestError) {
    // got's messages usually name the code already ("connect ECONNREFUSED 127.0.0.1:9").
    const reason = err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
    if (err.code === 'ETIMEDOUT') return errors.upstreamTimeout(reason, err);
    return errors.upstreamUnreachable(reason, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return errors.upstreamUnreachable(message, err);
}

/**
 * Resolves once upstream's status and headers have arrived. Rejects with a ProxyError
 * (502 unreachable, 504 timeout). `signal` aborts at any point, including mid-body.
 */
export function openUpstream(req: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
  const body = req.body;
  const stream = req.client.got.stream(req.url, {
    method: req.method as 'GET',
    headers: req.headers,
    timeout: { connect: req.connectTimeoutMs, secureConnect: req.connectTimeoutMs, socket: req.idleTimeoutMs },
  });
  if (req.onBodyDone) {
    // got's stream finishes once the request has handed its last byte to the socket, and
    // closes when it ends any other way; either way nothing reads the body after.
    stream.once('finish', req.onBodyDone);
    stream.once('close', req.onBodyDone);
  }
  // Written here rather than passed as got's `body` option, which got would keep for retries.
  if (Buffer.isBuffer(body) || Array.isArray(body)) {
    for (const chunk of Buffer.isBuffer(body) ? [body] : body) stream.write(chunk);
    stream.end();
  } else if (body !== undefined) body.pipe(stream);
  else if (req.method !== 'GET' && req.method !== 'HEAD') stream.end();
  // Apart from the request: a stream's closures live as long as it does, and must not keep its body.
  return settleOnResponse(stream, signal);
}

function settleOnResponse(stream: GotRequest, signal: AbortSignal): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      stream.destroy();
      if (!settled) {
        settled = true;
        reject(errors.clientAborted(''));
      }
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('response', (res: http.IncomingMessage) => {
      if (settled) return;
      settled = true;
      resolve({ status: res.statusCode ?? 502, headers: res.headers, body: stream });
    });
    stream.once('error', (err) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reject(mapUpstreamError(err));
    });
  });
}
