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
import { bodyPool } from '../../lib/buffer-pool.js';
import { effectiveModifierText } from '../../config.js';
import { errors, toOpenAIErrorBody } from '../errors.js';
import { exchangeRoute, type RouteScope } from '../exchange-route.js';
import type { ExchangeEnd } from '../exchange.js';
import { isEventStream } from '../headers.js';
import { applyModifier } from '../../modifier/modifier.js';
import { stringifyJson } from '../../lib/walk.js';
import { translateUpstreamError } from '../../openai/errors.js';
import { openAIResponseHeaders, openAIUpstreamHeaders } from '../../openai/headers.js';
import { MODELS_LIST_QUERY, translateModel, translateModelList } from '../../openai/models.js';
import { translateRequest, type TranslatedRequest } from '../../openai/request.js';
import { translateResponse } from '../../openai/response.js';
import { createStreamTranslator } from '../../openai/stream.js';
import { forward, relayStream, relayWhole } from '../relay.js';
import type { ProxyRuntime } from '../runtime.js';
import type { UpstreamResponse } from '../upstream.js';

/** Translates an upstream SSE stream chunk by chunk, writing each translation as it is made. */
function relayTranslatedStream(x: RouteScope, up: UpstreamResponse, req: TranslatedRequest): Promise<ExchangeEnd> {
  const translator = createStreamTranslator({ model: req.model, includeUsage: req.includeUsage });
  const head = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...openAIResponseHeaders(up.headers) };
  return relayStream(x, up, head, {
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

/** Reads and translates the request; a refusal keeps what the client sent, since it is only
 * useful next to the request it refused. */
async function translateClientRequest(x: RouteScope): Promise<{ translated: TranslatedRequest; forwarded: Buffer }> {
  const { ctx, ex, config } = x;
  const raw = await readBody(ctx.req, config.bodyLimitBytes);
  const originalBody = raw.toString('utf8');
  let guess = { model: null as string | null, stream: false };
  try {
    const parsed = parseJsonObject(raw);
    guess = { model: typeof parsed.model === 'string' ? parsed.model : null, stream: parsed.stream === true };
    const translated = translateRequest(parsed);
    const result = applyModifier(translated.anthropic, effectiveModifierText(config));
    const forwarded = Buffer.from(stringifyJson(result.body)!);
    ex.begin({ ...guess, originalBody, forwardedBody: forwarded.toString('utf8'), modified: result.modified });
    return { translated, forwarded };
  } catch (e) {
    ex.begin({ ...guess, originalBody, forwardedBody: null, modified: false });
    throw e;
  } finally {
    // The history gets the text; the bytes are no one's (buffer-pool.ts).
    bodyPool.release(raw);
  }
}

export async function handleChatCompletions(x: RouteScope): Promise<ExchangeEnd> {
  const { translated, forwarded } = await translateClientRequest(x);
  const headers = openAIUpstreamHeaders(x.ctx.req.headers, { apiKey: x.config.apiKey, contentLength: forwarded.length });
  const up = await forward(x, { method: 'POST', path: '/v1/messages', headers, body: forwarded });
  if (up.status < 400 && isEventStream(up.headers)) return relayTranslatedStream(x, up, translated);
  return relayWhole(x, up, openAIResponseHeaders(up.headers), (status, text) =>
    status >= 400
      ? { status, body: translateUpstreamError(status, text) }
      : { status, body: translateResponse(parseUpstreamJson(text), { model: translated.model }) },
  );
}

export async function handleModels(x: RouteScope, id: string | null): Promise<ExchangeEnd> {
  x.ex.begin({ model: id, stream: false, originalBody: null, forwardedBody: null, modified: false });
  const headers = openAIUpstreamHeaders(x.ctx.req.headers, { apiKey: x.config.apiKey });
  const path = id === null ? `/v1/models?${MODELS_LIST_QUERY}` : `/v1/models/${encodeURIComponent(id)}`;
  const up = await forward(x, { method: 'GET', path, headers });
  return relayWhole(x, up, openAIResponseHeaders(up.headers), (status, text) => {
    if (status >= 400) return { status, body: translateUpstreamError(status, text) };
    const json = parseUpstreamJson(text);
    if (id === null) return { status, body: translateModelList(json) };
    const model = translateModel(json);
    if (!model) throw errors.streamFailed('upstream answered with something that is not a model');
    return { status, body: model };
  });
}

export function registerOpenAIRoutes(router: Router, rt: ProxyRuntime): void {
  const chat = exchangeRoute(rt, 'openai', handleChatCompletions);
  router.post('/openai/v1/chat/completions', chat);
  router.post('/v1/chat/completions', chat);
  router.get('/openai/v1/models', exchangeRoute(rt, 'openai', (x) => handleModels(x, null)));
  router.get('/openai/v1/models/:id', exchangeRoute(rt, 'openai', (x) => handleModels(x, x.ctx.params.id ?? null)));
  // Everything else under these paths is not an Anthropic route either: an OpenAI-shaped 404.
  const notFound = (ctx: Koa.Context): never => {
    throw errors.notFound(`${ctx.method} ${ctx.path}`);
  };
  router.all('/v1/chat/completions', notFound);
  router.all(/^\/openai(\/.*)?$/, notFound);
}
