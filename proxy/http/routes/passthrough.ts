/**
 * Every other /v1/* path and method (models, batches, files, …) goes upstream unchanged,
 * body streamed through without buffering: file uploads can be far larger than a prompt.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { PassThrough } from 'node:stream';
import { Exchange } from '../exchange.js';
import { headerValue, upstreamRequestHeaders } from '../headers.js';
import { open, relay, watchClient } from '../relay.js';
import type { ProxyRuntime } from '../runtime.js';

const TEXTUAL = /json|text|x-www-form-urlencoded/;

function hasBody(ctx: Koa.Context): boolean {
  const h = ctx.req.headers;
  return (h['content-length'] !== undefined && h['content-length'] !== '0') || h['transfer-encoding'] !== undefined;
}

export async function handlePassthrough(rt: ProxyRuntime, ctx: Koa.Context): Promise<void> {
  const config = rt.config();
  const ex = new Exchange(rt.recorder, ctx.req, 'anthropic');
  rt.inflight.add(ex);
  try {
    const client = watchClient(ctx);
    let body: PassThrough | undefined;
    if (hasBody(ctx)) {
      // Keep a bounded textual copy for the history while the body streams upstream.
      body = new PassThrough();
      const keep = TEXTUAL.test(headerValue(ctx.req.headers, 'content-type') ?? '');
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
        const text = keep ? Buffer.concat(parts).toString('utf8') : `[${total} bytes of ${headerValue(ctx.req.headers, 'content-type') ?? 'unknown type'}]`;
        ex.setBodies(text, text);
      });
      ctx.req.pipe(body);
    }
    ex.begin({ model: null, stream: false, originalBody: null, forwardedBody: null, modified: false });
    const headers = upstreamRequestHeaders(ctx.req.headers, { apiKey: config.apiKey });
    const up = await open(rt, ctx, ex, { method: ctx.method, path: ctx.url, headers, ...(body ? { body } : {}) }, client, 'anthropic');
    if (up) await relay(ctx, ex, up, client);
  } finally {
    rt.inflight.delete(ex);
  }
}

export function registerPassthroughRoutes(router: Router, rt: ProxyRuntime): void {
  router.all(/^\/v1\/.*/, (ctx) => handlePassthrough(rt, ctx));
}
