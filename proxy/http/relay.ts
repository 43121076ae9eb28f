/**
 * Forwarding and relaying for the native routes: upstream's status, headers and bytes go
 * to the client as they arrive, with a copy to the exchange recorder after each write.
 */
import type { Readable } from 'node:stream';
import type Koa from 'koa';
import { asProxyError, ProxyError, toAnthropicErrorBody, toOpenAIErrorBody } from './errors.js';
import type { Exchange } from './exchange.js';
import { clientResponseHeaders, headerValue } from './headers.js';
import type { ProxyRuntime } from './runtime.js';
import type { Dialect } from '../contract/types.js';
import { mapUpstreamError, openUpstream, upstreamUrl, type UpstreamResponse } from './upstream.js';

/** Aborts when the client goes away before its response was fully written. */
export function watchClient(ctx: Koa.Context): AbortController {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!ctx.res.writableFinished) controller.abort();
  };
  ctx.res.once('close', onClose);
  ctx.req.once('aborted', onClose);
  return controller;
}

/** Writes one of the proxy's own errors in the route's dialect, if nothing was sent yet. */
export function sendError(ctx: Koa.Context, err: ProxyError, dialect: Dialect): void {
  if (ctx.res.headersSent) return;
  ctx.status = err.status;
  ctx.set('content-type', 'application/json');
  ctx.body = dialect === 'openai' ? toOpenAIErrorBody(err) : toAnthropicErrorBody(err);
}

/** The SSE frame that ends a stream the proxy cannot finish. */
export function sseErrorFrame(err: ProxyError): string {
  return `event: error\ndata: ${JSON.stringify(toAnthropicErrorBody(err))}\n\n`;
}

export interface ForwardSpec {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer | Readable;
}

/** Opens upstream for the exchange; on failure answers the client and finishes the exchange. */
export async function open(
  rt: ProxyRuntime,
  ctx: Koa.Context,
  ex: Exchange,
  spec: ForwardSpec,
  client: AbortController,
  dialect: Dialect,
): Promise<UpstreamResponse | null> {
  const config = rt.config();
  try {
    return await openUpstream(
      {
        url: upstreamUrl(config.upstreamUrl, spec.path),
        method: spec.method,
        headers: spec.headers,
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        connectTimeoutMs: config.connectTimeoutMs,
        idleTimeoutMs: config.idleTimeoutMs,
        agents: rt.agents,
      },
      client.signal,
    );
  } catch (e) {
    const err = asProxyError(e);
    if (err.code === 'CLIENT_ABORTED') {
      ex.finish({ error: err, outcome: 'client_aborted' });
      return null;
    }
    sendError(ctx, err, dialect);
    ex.finish({ error: err });
    return null;
  }
}

export const clientAborted = (): ProxyError =>
  new ProxyError('CLIENT_ABORTED', 'Client closed the connection mid-response.', { status: 499 });

export interface PumpHooks {
  /** What to write for each upstream chunk; the chunk itself when absent. */
  write?(chunk: Buffer): string | Buffer;
  /** Written last when upstream ends. */
  end?(): string | undefined;
  /** Written last when upstream fails mid-body; null resets the connection instead. */
  fail(err: ProxyError): string | null;
}

/**
 * Moves an upstream body to the client as it arrives, with backpressure, a copy of each
 * upstream chunk to the recorder, and one ending for each way it can end: upstream done,
 * upstream failed, or the client gone. Resolves when the exchange is over.
 */
export function pump(res: Koa.Context['res'], ex: Exchange, up: UpstreamResponse, client: AbortController, hooks: PumpHooks): Promise<void> {
  return new Promise<void>((resolve) => {
    const body = up.body;
    const onAbort = (): void => {
      body.destroy();
      ex.finish({ error: clientAborted(), outcome: 'client_aborted' });
      resolve();
    };
    if (client.signal.aborted) return onAbort();
    client.signal.addEventListener('abort', onAbort, { once: true });

    body.on('data', (chunk: Buffer) => {
      const out = hooks.write ? hooks.write(chunk) : chunk;
      if (out.length > 0 && !res.write(out)) body.pause();
      ex.chunk(chunk);
    });
    res.on('drain', () => body.resume());
    body.once('end', () => {
      client.signal.removeEventListener('abort', onAbort);
      res.end(hooks.end?.());
      ex.finish();
      resolve();
    });
    body.once('error', (e) => {
      client.signal.removeEventListener('abort', onAbort);
      if (client.signal.aborted) return;
      const err = mapUpstreamError(e);
      const last = res.writableEnded ? null : hooks.fail(err);
      if (last === null) res.destroy();
      else res.end(last);
      ex.finish({ error: err, outcome: 'upstream_error' });
      resolve();
    });
  });
}

/** Relays an opened upstream response byte for byte; resolves when the exchange is over. */
export function relay(ctx: Koa.Context, ex: Exchange, up: UpstreamResponse, client: AbortController): Promise<void> {
  const res = ctx.res;
  ex.responseStarted(up.status, up.headers);
  ctx.respond = false;
  res.writeHead(up.status, clientResponseHeaders(up.headers));
  const isSse = (headerValue(up.headers, 'content-type') ?? '').startsWith('text/event-stream');
  // Headers go out now: a client waiting on a slow first event should see the 200 at once.
  if (isSse) res.flushHeaders();
  return pump(res, ex, up, client, {
    fail(err) {
      // A JSON body cut short cannot be repaired; a reset tells the client it is incomplete.
      if (!isSse) return null;
      const frame = sseErrorFrame(err);
      ex.chunk(Buffer.from(frame));
      return frame;
    },
  });
}
