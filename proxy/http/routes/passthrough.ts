/**
 * Every other /v1/* path and method (models, batches, files, …) goes upstream unchanged,
 * body streamed through without buffering: file uploads can be far larger than a prompt.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { PassThrough } from 'node:stream';
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

/** Streams the request body on while keeping a bounded textual copy for the history. */
function teeBody(x: RouteScope): PassThrough {
  const { ctx, ex, config } = x;
  const body = new PassThrough();
  const type = headerValue(ctx.req.headers, 'content-type');
  const keep = TEXTUAL.test(type ?? '');
  const parts: Buffer[] = [];
  let size = 0;
  let total = 0;
  ctx.req.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (keep && size < config.maxStoredResponseBytes) {
      parts.push(chunk);
      size += chunk.length;
    }
  });
  ctx.req.once('end', () => {
    const text = keep ? Buffer.concat(parts).toString('utf8') : `[${total} bytes of ${type ?? 'unknown type'}]`;
    ex.setBodies(text, text);
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
