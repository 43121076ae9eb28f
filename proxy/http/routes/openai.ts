/**
 * OpenAI-compatible routes: chat completions translated to the Messages API and back, and the
 * model list in OpenAI's shape. Streams are translated event by event and written at once.
 * History records the OpenAI request as sent and the Anthropic request as forwarded; the
 * response it keeps is upstream's (Anthropic) so usage and stop reasons are read as for
 * native requests.
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { parseJsonObject, readBody } from '../body.js';
import { effectiveModifierText } from '../../config.js';
import { asProxyError, errors, toOpenAIErrorBody } from '../errors.js';
import { Exchange } from '../exchange.js';
import { headerValue } from '../headers.js';
import { applyModifier } from '../../modifier/modifier.js';
import { stringifyJson } from '../../lib/walk.js';
import { translateUpstreamError } from '../../openai/errors.js';
import { openAIResponseHeaders, openAIUpstreamHeaders } from '../../openai/headers.js';
import { MODELS_LIST_QUERY, translateModel, translateModelList } from '../../openai/models.js';
import { translateRequest, type TranslatedRequest } from '../../openai/request.js';
import { translateResponse } from '../../openai/response.js';
import { createStreamTranslator } from '../../openai/stream.js';
import { clientAborted, open, pump, sendError, watchClient } from '../relay.js';
import type { ProxyRuntime } from '../runtime.js';
import { mapUpstreamError, type UpstreamResponse } from '../upstream.js';

function isSse(up: UpstreamResponse): boolean {
  return (headerValue(up.headers, 'content-type') ?? '').startsWith('text/event-stream');
}

/** Turns a complete upstream body into the client's JSON answer, or throws a ProxyError. */
type Reply = (status: number, text: string) => { status: number; body: unknown };

/** Reads the whole upstream body (non-streaming answers, errors), then answers in one piece. */
function relayBuffered(ctx: Koa.Context, ex: Exchange, up: UpstreamResponse, client: AbortController, reply: Reply): Promise<void> {
  ex.responseStarted(up.status, up.headers);
  return new Promise<void>((resolve) => {
    const parts: Buffer[] = [];
    const onAbort = (): void => {
      up.body.destroy();
      ex.finish({ error: clientAborted(), outcome: 'client_aborted' });
      resolve();
    };
    if (client.signal.aborted) return onAbort();
    client.signal.addEventListener('abort', onAbort, { once: true });
    up.body.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      ex.chunk(chunk);
    });
    up.body.once('end', () => {
      client.signal.removeEventListener('abort', onAbort);
      try {
        const answer = reply(up.status, Buffer.concat(parts).toString('utf8'));
        ctx.status = answer.status;
        ctx.set(openAIResponseHeaders(up.headers));
        ctx.body = answer.body;
        ex.finish();
      } catch (e) {
        const err = asProxyError(e);
        sendError(ctx, err, 'openai');
        ex.finish({ error: err, outcome: 'upstream_error' });
      }
      resolve();
    });
    up.body.once('error', (e) => {
      client.signal.removeEventListener('abort', onAbort);
      if (client.signal.aborted) return;
      const err = mapUpstreamError(e);
      sendError(ctx, err, 'openai');
      ex.finish({ error: err, outcome: 'upstream_error' });
      resolve();
    });
  });
}

/** Translates an upstream SSE stream chunk by chunk, writing each translation as it is made. */
function relayStream(ctx: Koa.Context, ex: Exchange, up: UpstreamResponse, client: AbortController, req: TranslatedRequest): Promise<void> {
  const res = ctx.res;
  const translator = createStreamTranslator({ model: req.model, includeUsage: req.includeUsage });
  ex.responseStarted(up.status, up.headers);
  ctx.respond = false;
  res.writeHead(up.status, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...openAIResponseHeaders(up.headers) });
  res.flushHeaders();

  return pump(res, ex, up, client, {
    write: (chunk) => translator.push(chunk),
    end: () => translator.end(),
    fail: (err) => translator.fail(toOpenAIErrorBody(err).error),
  });
}

function parseUpstreamJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw errors.streamFailed('upstream answered with a body that is not JSON');
  }
}

export async function handleChatCompletions(rt: ProxyRuntime, ctx: Koa.Context): Promise<void> {
  const config = rt.config();
  const ex = new Exchange(rt.recorder, ctx.req, 'openai');
  rt.inflight.add(ex);
  try {
    const client = watchClient(ctx);
    let originalBody: string | null = null;
    let guess = { model: null as string | null, stream: false };
    let translated: TranslatedRequest;
    let forwarded: Buffer;
    try {
      const raw = await readBody(ctx.req, config.bodyLimitBytes);
      originalBody = raw.toString('utf8');
      const parsed = parseJsonObject(raw);
      guess = { model: typeof parsed.model === 'string' ? parsed.model : null, stream: parsed.stream === true };
      translated = translateRequest(parsed);
      const result = applyModifier(translated.anthropic, effectiveModifierText(config));
      forwarded = Buffer.from(stringifyJson(result.body)!);
      ex.begin({ ...guess, originalBody, forwardedBody: forwarded.toString('utf8'), modified: result.modified });
    } catch (e) {
      const err = asProxyError(e);
      if (err.code === 'CLIENT_ABORTED') ex.finish({ error: err, outcome: 'client_aborted' });
      else {
        // Keep what the client sent: the refusal is only useful next to the request it refused.
        ex.begin({ ...guess, originalBody, forwardedBody: null, modified: false });
        sendError(ctx, err, 'openai');
        ex.finish({ error: err });
      }
      return;
    }
    const headers = openAIUpstreamHeaders(ctx.req.headers, { apiKey: config.apiKey, contentLength: forwarded.length });
    const up = await open(rt, ctx, ex, { method: 'POST', path: '/v1/messages', headers, body: forwarded }, client, 'openai');
    if (!up) return;
    if (up.status < 400 && isSse(up)) {
      await relayStream(ctx, ex, up, client, translated);
      return;
    }
    await relayBuffered(ctx, ex, up, client, (status, text) =>
      status >= 400
        ? { status, body: translateUpstreamError(status, text) }
        : { status, body: translateResponse(parseUpstreamJson(text), { model: translated.model }) },
    );
  } finally {
    rt.inflight.delete(ex);
  }
}

export async function handleModels(rt: ProxyRuntime, ctx: Koa.Context, id: string | null): Promise<void> {
  const config = rt.config();
  const ex = new Exchange(rt.recorder, ctx.req, 'openai');
  rt.inflight.add(ex);
  try {
    const client = watchClient(ctx);
    ex.begin({ model: id, stream: false, originalBody: null, forwardedBody: null, modified: false });
    const headers = openAIUpstreamHeaders(ctx.req.headers, { apiKey: config.apiKey });
    const path = id === null ? `/v1/models?${MODELS_LIST_QUERY}` : `/v1/models/${encodeURIComponent(id)}`;
    const up = await open(rt, ctx, ex, { method: 'GET', path, headers }, client, 'openai');
    if (!up) return;
    await relayBuffered(ctx, ex, up, client, (status, text) => {
      if (status >= 400) return { status, body: translateUpstreamError(status, text) };
      const json = parseUpstreamJson(text);
      if (id === null) return { status, body: translateModelList(json) };
      const model = translateModel(json);
      if (!model) throw errors.streamFailed('upstream answered with something that is not a model');
      return { status, body: model };
    });
  } finally {
    rt.inflight.delete(ex);
  }
}

export function registerOpenAIRoutes(router: Router, rt: ProxyRuntime): void {
  const chat = (ctx: Koa.Context): Promise<void> => handleChatCompletions(rt, ctx);
  router.post('/openai/v1/chat/completions', chat);
  router.post('/v1/chat/completions', chat);
  router.get('/openai/v1/models', (ctx) => handleModels(rt, ctx, null));
  router.get('/openai/v1/models/:id', (ctx) => handleModels(rt, ctx, ctx.params.id ?? null));
  // Everything else under these paths is not an Anthropic route either: an OpenAI-shaped 404.
  const notFound = (ctx: Koa.Context): never => {
    throw errors.notFound(`${ctx.method} ${ctx.path}`);
  };
  router.all('/v1/chat/completions', notFound);
  router.all(/^\/openai(\/.*)?$/, notFound);
}
