/**
 * Every other /v1/* path and method (models, batches, files, …) goes upstream unchanged,
 * body streamed through without buffering: file uploads can be far larger than a prompt.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { PassThrough } from 'node:stream';
import { ByteCollector } from '../../lib/byte-collector.js';
import { exchangeRoute, type RouteScope } from '../exchange-route.js';
import type { ExchangeEnd } from '../exchange.js';
import { headerValue, upstreamRequestHeaders } from '../headers.js';
import { forward, relayBytes } from '../relay.js';
import type { ProxyRuntime } from '../runtime.js';

const TEXTUAL = /json|text|x-www-form-urlencoded/;

function hasBody(ctx: Koa.Context): boolean {
  const h = ctx.req.headers;
  return (h['content-length'] !== undefined && h['content-length'] !== '0') || h['transfer-encoding'] !== undefined;
}

/** What ends a textual body the history keeps only the start of: without it the cut copy would pass for the whole. */
export function cutNote(kept: number, total: number): string {
  return `\n[cut here: the history keeps the first ${kept} of ${total} bytes]`;
}

/**
 * Streams the request body on while keeping a copy for the history: a textual body as its
 * bytes up to the stored-size cap (cut there, and marked so), any other as its size and type.
 */
function teeBody(x: RouteScope): PassThrough {
  const { ctx, ex, config } = x;
  const body = new PassThrough();
  const type = headerValue(ctx.req.headers, 'content-type');
  const copy = TEXTUAL.test(type ?? '') ? new ByteCollector() : null;
  const cap = config.maxStoredResponseBytes;
  let total = 0;
  ctx.req.on('data', (chunk: Buffer) => {
    if (copy && total < cap) copy.push(chunk.subarray(0, cap - total));
    total += chunk.length;
  });
  ctx.req.once('end', () => {
    if (!copy) {
      const text = `[${total} bytes of ${type ?? 'unknown type'}]`;
      ex.setBodies(text, text);
      return;
    }
    if (total > cap) copy.push(Buffer.from(cutNote(cap, total)));
    // One value for both: it went upstream unchanged, and is stored once.
    const bytes = copy.take() ?? '';
    ex.setBodies(bytes, bytes);
  });
  ctx.req.pipe(body);
  return body;
}

export async function handlePassthrough(x: RouteScope): Promise<ExchangeEnd> {
  const { ctx, ex, config } = x;
  const body = hasBody(ctx) ? teeBody(x) : undefined;
  ex.begin({ model: null, stream: false, originalBody: null, forwardedBody: null, modified: false });
  const headers = upstreamRequestHeaders(ctx.req.headers, { apiKey: config.apiKey });
  const up = await forward(x, { method: ctx.method, path: ctx.url, headers, ...(body ? { body } : {}) });
  return relayBytes(x, up);
}

export function registerPassthroughRoutes(router: Router, rt: ProxyRuntime): void {
  router.all(/^\/v1\/.*/, exchangeRoute(rt, 'anthropic', handlePassthrough));
}
