/**
 * The headless control API: one HTTP route per contract operation (generated from
 * HTTP_ROUTES), one SSE stream of batched events, and the built dashboard. It listens on
 * its own loopback port so stopping the proxy never takes the dashboard down.
 *
 * Every /api request needs the per-launch token; every request needs a loopback Host
 * (against DNS rebinding) and, when the browser sends an Origin, the dashboard's own
 * origin (against cross-site requests).
 */
import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { EVENTS_PATH, HTTP_ROUTES, TOKEN_HEADER, type ContractEvent, type OperationName } from '../contract/operations.js';
import { isLoopbackHost, reachableHost } from '../http/guard.js';
import { formatHost, listen, trackSockets } from '../lib/listen.js';
import type { HostApi } from '../host/host.js';
import { ControlError, toErrorReply } from './errors.js';
import { NO_BUILD_PAGE, openStatic, resolveStatic } from './static.js';
import { SSE_KEEPALIVE, sseMessage, sseRetry } from './sse.js';
import { tokenMatches } from './token.js';

export { newControlToken } from './token.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export interface ControlServerOptions {
  api: HostApi;
  /** 0 picks a free port. */
  port: number;
  /** 127.0.0.1 unless set; a container binds 0.0.0.0 and publishes on host loopback. */
  host?: string;
  token: string;
  /** The built renderer (dist/renderer), or null for the API only. */
  staticDir: string | null;
  /** Largest accepted JSON body; settings are small, so this stays modest. */
  bodyLimitBytes?: number;
  keepAliveMs?: number;
  /** Where unexpected errors go (their details never reach the client). */
  logError?: (message: string, err: unknown) => void;
}

export interface ControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const DEFAULT_KEEPALIVE_MS = 15_000;
/** A client that stops reading gets dropped before its backlog eats memory. */
const MAX_SSE_BACKLOG_BYTES = 8 * 1024 * 1024;

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** The origins a page served by this server can have. */
export function dashboardOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

interface AppOptions extends Required<Omit<ControlServerOptions, 'host' | 'port'>> {
  /** Resolved lazily: the port is only known once listening. */
  port(): number;
  sseStreams: Set<PassThrough>;
}

function sendJson(ctx: Koa.Context, status: number, value: unknown): void {
  ctx.status = status;
  ctx.type = 'application/json';
  // Serialized by hand: Koa turns a null body into 204, but `null` is a valid result.
  ctx.body = JSON.stringify(value ?? null);
}

async function readJsonBody(ctx: Koa.Context, limit: number): Promise<unknown> {
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit, encoding: 'utf8' });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') {
      throw new ControlError('BODY_TOO_LARGE', `Request body exceeds the ${limit} byte limit.`);
    }
    throw new ControlError('INVALID_JSON', 'Request body could not be read.', { cause: err });
  }
  if (text.trim() === '') return undefined;
  if (!ctx.is('application/json')) {
    throw new ControlError('UNSUPPORTED_MEDIA_TYPE', 'Request body must be application/json.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError('INVALID_JSON', 'Request body is not valid JSON.');
  }
}

type Handler = (ctx: Koa.Context) => Promise<void> | void;

/** path -> method -> handler, generated from the contract's route table. */
function apiRoutes(options: AppOptions): Map<string, Map<string, Handler>> {
  const routes = new Map<string, Map<string, Handler>>();
  const add = (method: string, path: string, handler: Handler): void => {
    const byMethod = routes.get(path) ?? new Map<string, Handler>();
    if (byMethod.has(method)) throw new Error(`duplicate control route ${method} ${path}`);
    byMethod.set(method, handler);
    routes.set(path, byMethod);
  };
  for (const op of Object.keys(HTTP_ROUTES) as OperationName[]) {
    const route = HTTP_ROUTES[op];
    add(route.method, route.path, async (ctx) => {
      const arg = route.method === 'GET' ? undefined : await readJsonBody(ctx, options.bodyLimitBytes);
      const call = options.api[op] as (arg: unknown) => Promise<unknown>;
      sendJson(ctx, 200, await call.call(options.api, arg));
    });
  }
  add('GET', EVENTS_PATH, (ctx) => openEventStream(ctx, options));
  return routes;
}

function buildApp(options: AppOptions): Koa {
  const app = new Koa();

  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    try {
      await next();
    } catch (err) {
      const reply = toErrorReply(err);
      if (!reply.known) options.logError(`control API ${ctx.method} ${ctx.path} failed`, err);
      ctx.set('Cache-Control', 'no-store');
      sendJson(ctx, reply.status, reply.body);
    }
  });

  app.use(async (ctx, next) => {
    const host = ctx.get('host');
    if (!isLoopbackHost(host)) {
      throw new ControlError('FORBIDDEN_HOST', 'Host is not a loopback address; request refused.');
    }
    const origin = ctx.get('origin');
    if (origin !== '' && !dashboardOrigins(options.port()).includes(origin)) {
      throw new ControlError('FORBIDDEN_ORIGIN', 'Origin is not the dashboard; request refused.');
    }
    await next();
  });

  const routes = apiRoutes(options);
  app.use(async (ctx, next) => {
    if (ctx.path !== '/api' && !ctx.path.startsWith('/api/')) return next();
    ctx.set('Cache-Control', 'no-store');
    const fromQuery = ctx.path === EVENTS_PATH ? ctx.query.token : undefined;
    const given = ctx.get(TOKEN_HEADER) || (typeof fromQuery === 'string' ? fromQuery : '');
    if (!tokenMatches(options.token, given)) {
      throw new ControlError('UNAUTHORIZED', 'Missing or wrong control token. Open the link printed by `npm run serve`.');
    }
    const byMethod = routes.get(ctx.path);
    if (!byMethod) throw new ControlError('NOT_FOUND', `No control API route for ${ctx.path}.`);
    const handler = byMethod.get(ctx.method);
    if (!handler) {
      ctx.set('Allow', [...byMethod.keys()].join(', '));
      throw new ControlError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}.`);
    }
    await handler(ctx);
  });

  app.use(async (ctx) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw new ControlError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}.`);
    }
    const found = resolveStatic(options.staticDir, ctx.path);
    if (found.kind === 'no-build') {
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = NO_BUILD_PAGE;
      return;
    }
    if (found.kind === 'not-found') {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'Not found.';
      return;
    }
    ctx.status = 200;
    ctx.set('Cache-Control', found.cacheControl);
    ctx.type = found.contentType;
    ctx.length = found.size;
    // Koa answers HEAD without a body; opening the file would only leak a descriptor.
    if (ctx.method !== 'HEAD') ctx.body = openStatic(found);
  });

  app.on('error', (err: unknown) => {
    // A browser closing a tab mid-stream is routine, not a server problem.
    if (CLIENT_GONE.has((err as { code?: string }).code ?? '')) return;
    options.logError('control server error', err);
  });

  return app;
}

function openEventStream(ctx: Koa.Context, options: AppOptions): void {
  const stream = new PassThrough();
  options.sseStreams.add(stream);
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Connection', 'keep-alive');
  ctx.set('X-Accel-Buffering', 'no');
  ctx.body = stream;

  let closed = false;
  const write = (chunk: string): void => {
    if (closed) return;
    stream.write(chunk);
    if (stream.writableLength > MAX_SSE_BACKLOG_BYTES) cleanup();
  };
  const unsubscribe = options.api.subscribe((events: ContractEvent[]) => {
    if (events.length > 0) write(sseMessage('batch', events));
  });
  const keepAlive = setInterval(() => write(SSE_KEEPALIVE), options.keepAliveMs);
  keepAlive.unref();

  function cleanup(): void {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    unsubscribe();
    options.sseStreams.delete(stream);
    stream.end();
  }
  ctx.req.on('close', cleanup);
  ctx.res.on('close', cleanup);
  stream.on('error', cleanup);

  write(sseRetry(2000));
  write(sseMessage('hello', {}));
}

/** The Koa app alone, for tests against `app.callback()`; `port` is the dashboard's port
 * (a function when it is only known after listening). */
export function createControlApp(
  options: Omit<ControlServerOptions, 'host' | 'port'> & { port: number | (() => number) },
): { app: Koa; sseStreams: Set<PassThrough> } {
  const sseStreams = new Set<PassThrough>();
  const port = options.port;
  const app = buildApp({
    api: options.api,
    token: options.token,
    staticDir: options.staticDir,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    keepAliveMs: options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS,
    logError: options.logError ?? ((message, err) => console.error(`${message}:`, err instanceof Error ? err.message : err)),
    port: typeof port === 'function' ? port : () => port,
    sseStreams,
  });
  return { app, sseStreams };
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  if (!options.token) throw new ControlError('INTERNAL', 'A control token is required.');
  const host = options.host ?? '127.0.0.1';
  let boundPort = options.port;
  // The Origin check needs the real port, which port 0 only reveals after listen().
  const { app, sseStreams } = createControlApp({ ...options, port: () => boundPort });

  const server: Server = createServer(app.callback());
  const sockets = trackSockets(server);
  boundPort = await listen(server, options.port, host, 'dashboard port');
  const url = `http://${formatHost(reachableHost(host))}:${boundPort}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port: boundPort,
    close() {
      closing ??= (async () => {
        for (const stream of sseStreams) stream.end();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // SSE and slow clients would keep close() waiting forever.
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}
