/**
 * POST /v1/messages and /v1/messages/count_tokens: parse, apply the modifier, forward,
 * relay. Bodies the modifier leaves alone are forwarded as the exact bytes received.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { prepareMessagesBody, readBody } from '../body.js';
import { effectiveModifierText } from '../../config.js';
import { asProxyError } from '../errors.js';
import { Exchange } from '../exchange.js';
import { upstreamRequestHeaders } from '../headers.js';
import { open, relay, sendError, watchClient } from '../relay.js';
import type { ProxyRuntime } from '../runtime.js';

export async function handleMessages(rt: ProxyRuntime, ctx: Koa.Context): Promise<void> {
  const config = rt.config();
  const ex = new Exchange(rt.recorder, ctx.req, 'anthropic');
  rt.inflight.add(ex);
  try {
    const client = watchClient(ctx);
    let raw: Buffer;
    let forwarded: Buffer;
    try {
      raw = await readBody(ctx.req, config.bodyLimitBytes);
      const prepared = prepareMessagesBody(raw, effectiveModifierText(config));
      forwarded = prepared.forwarded;
      // The history gets the bytes, not decoded copies: decoding a big body costs more than
      // parsing it, and two JS strings held for a whole stream are four times its size.
      ex.begin({
        model: prepared.model,
        stream: prepared.stream,
        originalBody: raw,
        forwardedBody: forwarded,
        modified: prepared.modified,
      });
    } catch (e) {
      const err = asProxyError(e);
      if (err.code === 'CLIENT_ABORTED') ex.finish({ error: err, outcome: 'client_aborted' });
      else {
        sendError(ctx, err, 'anthropic');
        ex.finish({ error: err });
      }
      return;
    }
    const headers = upstreamRequestHeaders(ctx.req.headers, { apiKey: config.apiKey, contentLength: forwarded.length });
    const up = await open(rt, ctx, ex, { method: 'POST', path: ctx.url, headers, body: forwarded }, client, 'anthropic');
    if (up) await relay(ctx, ex, up, client);
  } finally {
    rt.inflight.delete(ex);
  }
}

export function registerMessagesRoutes(router: Router, rt: ProxyRuntime): void {
  const handler = (ctx: Koa.Context): Promise<void> => handleMessages(rt, ctx);
  router.post('/v1/messages', handler);
  router.post('/v1/messages/count_tokens', handler);
}
