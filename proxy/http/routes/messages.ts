/**
 * POST /v1/messages and /v1/messages/count_tokens: parse, apply the modifier, forward,
 * relay. Bodies the modifier leaves alone are forwarded as the exact bytes received.
 */
import type Router from '@koa/router';
import { editedChunks, editedLength } from '../../lib/byte-edits.js';
import { prepareMessagesBody, readBody } from '../body.js';
import { bodyPool } from '../../lib/buffer-pool.js';
import { effectiveModifierText } from '../../config.js';
import { exchangeRoute, type RouteScope } from '../exchange-route.js';
import type { ExchangeEnd } from '../exchange.js';
import { upstreamRequestHeaders } from '../headers.js';
import { forward, relayBytes } from '../relay.js';
import type { ProxyRuntime } from '../runtime.js';

export async function handleMessages(x: RouteScope): Promise<ExchangeEnd> {
  const { ctx, ex, config } = x;
  const raw = await readBody(ctx.req, config.bodyLimitBytes);
  let prepared;
  try {
    prepared = prepareMessagesBody(raw, effectiveModifierText(config), x.rt.scanMemo);
  } catch (e) {
    // Refused before the exchange took the body over (buffer-pool.ts).
    bodyPool.release(raw);
    throw e;
  }
  const edits = prepared.edits;
  // The history gets the bytes, not decoded copies: decoding a big body costs more than
  // parsing it, and two JS strings held for a whole stream are four times its size. A
  // spliced body goes as its splice: the record holds the sent body once, not twice.
  ex.begin({
    model: prepared.model,
    stream: prepared.stream,
    originalBody: raw,
    forwardedBody: edits ? { edits } : prepared.forwarded,
    modified: prepared.modified,
  });
  // A splice goes out as views of the sent body and its inserts: a joined copy would cost a
  // page-faulting allocation the body's size, held for the whole exchange.
  const contentLength = edits ? editedLength(raw.length, edits) : prepared.forwarded.length;
  const headers = upstreamRequestHeaders(ctx.req.headers, { apiKey: config.apiKey, contentLength });
  const body = edits ? editedChunks(raw, edits) : prepared.forwarded;
  const up = await forward(x, { method: 'POST', path: ctx.url, headers, body, onBodyDone: ex.upstreamReading() });
  return relayBytes(x, up);
}

export function registerMessagesRoutes(router: Router, rt: ProxyRuntime): void {
  const handler = exchangeRoute(rt, 'anthropic', handleMessages);
  router.post('/v1/messages', handler);
  router.post('/v1/messages/count_tokens', handler);
}
