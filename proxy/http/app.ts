/**
 * The proxy's Koa app: one error path for what no route owns (the guard's refusals, unknown
 * paths), the loopback guard, then the routes. No body
 * parser and no compression middleware: routes read bodies themselves and responses
 * pass through as upstream sent them.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { errors } from './errors.js';
import { sendError, toProxyError } from './exchange-route.js';
import { checkRequest, hostPart } from './guard.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMessagesRoutes } from './routes/messages.js';
import { registerOpenAIRoutes } from './routes/openai.js';
import { registerPassthroughRoutes } from './routes/passthrough.js';
import { requestConfig, type ProxyRuntime } from './runtime.js';
import type { Dialect } from '../contract/types.js';

export function dialectForPath(path: string): Dialect {
  return path.startsWith('/openai/') || path === '/openai' || path.startsWith('/v1/chat/') ? 'openai' : 'anthropic';
}

/** Hosts a user reaches the proxy by when they bind it to a non-loopback address on purpose. */
function allowedHosts(bindHost: string): string[] {
  return bindHost === '0.0.0.0' || bindHost === '::' ? [] : [hostPart(bindHost)];
}

export function createApp(rt: ProxyRuntime): Koa {
  const app = new Koa();
  app.silent = true;
  app.on('error', (err: Error) => rt.logger.error(`proxy: ${err.message}`));

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      sendError(ctx, toProxyError(rt, ctx, e), dialectForPath(ctx.path));
    }
  });

  app.use(async (ctx, next) => {
    const config = requestConfig(rt, ctx);
    const verdict = checkRequest(
      { host: ctx.req.headers.host, origin: ctx.req.headers.origin },
      { allowedOrigins: config.allowedOrigins, allowedHosts: allowedHosts(config.host) },
    );
    if (!verdict.ok) {
      rt.logger.warn(`refused ${ctx.method} ${ctx.path}: foreign ${verdict.reason} '${verdict.value}'`);
      throw verdict.reason === 'host' ? errors.forbiddenHost(verdict.value) : errors.forbiddenOrigin(verdict.value);
    }
    await next();
  });

  const router = new Router();
  registerHealthRoutes(router, rt);
  registerMessagesRoutes(router, rt);
  registerOpenAIRoutes(router, rt);
  registerPassthroughRoutes(router, rt);
  app.use(router.routes());
  app.use((ctx) => {
    throw errors.notFound(`${ctx.method} ${ctx.path}`);
  });
  return app;
}
