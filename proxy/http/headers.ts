/**
 * Header policy for both directions of the proxy. Pure: the route passes Node's header
 * objects in and gets the objects to send out.
 */
import type { HeaderBag } from '../lib/redact.js';
import { isEventStreamType } from '../anthropic/sse-assembler.js';
import { REPLAY_HEADER } from './replay-link.js';

/** RFC 9110 §7.6.1 connection-specific headers, plus ones the proxy recomputes itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function connectionTokens(headers: HeaderBag): Set<string> {
  const raw = headers.connection;
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  return new Set((value ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

export interface UpstreamHeaderOptions {
  /** Key injected upstream; when set, the client's own credentials are dropped. */
  apiKey: string | null;
  /** Length of the body actually forwarded, when the proxy re-serialized it. */
  contentLength?: number;
}

/**
 * Everything the client sent except hop-by-hop headers and `host`. `accept-encoding` is
 * forced to identity so the history can read the response; the bytes still pass to the
 * client unchanged, they are just not compressed on the way.
 */
export function upstreamRequestHeaders(client: HeaderBag, options: UpstreamHeaderOptions): Record<string, string | string[]> {
  const drop = connectionTokens(client);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || drop.has(lower) || lower === 'host' || lower === 'accept-encoding' || lower === REPLAY_HEADER) continue;
    if (options.apiKey && (lower === 'x-api-key' || lower === 'authorization')) continue;
    if (lower === 'content-length' && options.contentLength !== undefined) continue;
    out[lower] = value;
  }
  if (options.apiKey) out['x-api-key'] = options.apiKey;
  if (options.contentLength !== undefined) out['content-length'] = String(options.contentLength);
  out['accept-encoding'] = 'identity';
  return out;
}

/** Response headers for the client: upstream's, minus connection-specific ones Node sets itself. */
export function clientResponseHeaders(upstream: HeaderBag): Record<string, string | string[]> {
  const drop = connectionTokens(upstream);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || drop.has(lower)) continue;
    out[lower] = value;
  }
  return out;
}

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Whether a response is Server-Sent Events (a stream the proxy never buffers). */
export function isEventStream(headers: HeaderBag): boolean {
  return isEventStreamType(headerValue(headers, 'content-type'));
}
