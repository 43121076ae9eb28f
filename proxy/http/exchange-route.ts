/**
 * The one owner of an exchange's life. A route handler says what to forward and how the
 * answer is shaped; this wrapper creates the Exchange, reads the config once, tracks the
 * exchange in flight, watches the client, catches whatever the handler throws, answers it
 * in the route's dialect (or ends the stream once headers are out), and finishes the
 * record exactly once.
 */
import type Koa from 'koa';
import type { ProxyConfig } from '../config.js';
import type { Dialect } from '../contract/types.js';
import { asProxyError, toAnthropicErrorBody, toOpenAIErrorBody, type ProxyError } from './errors.js';
import { Exchange, type ExchangeEnd } from './exchange.js';
import { requestConfig, type ProxyRuntime } from './runtime.js';

export interface RouteScope {
  ctx: Koa.Context;
  ex: Exchange;
  /** Read once per request: a settings change mid-exchange cannot mix an old key with a new URL. */
  config: ProxyConfig;
  /** Aborts when the client goes away before its response was fully written. */
  client: AbortController;
  rt: ProxyRuntime;
}

/** Resolves with how the exchange ended (nothing: it went well), or throws a ProxyError. */
export type ExchangeHandler = (x: RouteScope) => Promise<ExchangeEnd | void>;

function watchClient(ctx: Koa.Context): AbortController {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!ctx.res.writableFinished) controller.abort();
  };
  ctx.res.once('close', onClose);
  ctx.req.once('aborted', onClose);
  return controller;
}

/** Anything thrown, as a ProxyError; a bug (INTERNAL) is logged with its stack. */
export function toProxyError(rt: ProxyRuntime, ctx: Koa.Context, e: unknown): ProxyError {
  const err = asProxyError(e);
  if (err.code === 'INTERNAL') rt.logger.error(`proxy: ${ctx.method} ${ctx.path}: ${(err.cause as Error)?.stack ?? err.message}`);
  return err;
}

/**
 * Writes one of the proxy's own errors in the route's dialect: the only place an error
 * reaches a client. Once headers are out, a body can no longer say it; the connection is
 * reset instead, unless a relay already ended it properly.
 */
export function sendError(ctx: Koa.Context, err: ProxyError, dialect: Dialect): void {
  if (ctx.res.headersSent) {
    if (!ctx.res.writableEnded) ctx.res.destroy();
    return;
  }
  ctx.respond = true;
  ctx.status = err.status;
  ctx.set('content-type', 'application/json');
  ctx.body = dialect === 'openai' ? toOpenAIErrorBody(err) : toAnthropicErrorBody(err);
}

export function exchangeRoute(rt: ProxyRuntime, dialect: Dialect, handler: ExchangeHandler): (ctx: Koa.Context) => Promise<void> {
  return async (ctx) => {
    const config = requestConfig(rt, ctx);
    const ex = new Exchange(rt.recorder, ctx.req, dialect);
    rt.inflight.add(ex);
    let end: ExchangeEnd;
    try {
      end = (await handler({ ctx, ex, config, client: watchClient(ctx), rt })) ?? {};
    } catch (e) {
      const err = toProxyError(rt, ctx, e);
      end = err.code === 'CLIENT_ABORTED' ? { error: err, outcome: 'client_aborted' } : { error: err };
    }
    try {
      if (end.error && end.outcome !== 'client_aborted') sendError(ctx, end.error, dialect);
    } finally {
      ex.finish(end);
      rt.inflight.delete(ex);
    }
  };
}
