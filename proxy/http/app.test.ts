/**
 * The request path against `app.callback()`, no port: the exchange owner's rules (config read
 * once, one record per exchange, errors in the route's dialect) and the local answers.
 */
import { inject } from 'light-my-request';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, type ProxyConfig } from '../config.js';
import type { History, QueuedRecord } from '../history/index.js';
import { ProxyEvents } from '../lib/events.js';
import { createLogger } from '../lib/log.js';
import { createApp } from './app.js';
import { errors } from './errors.js';
import { exchangeRoute } from './exchange-route.js';
import type { Exchange } from './exchange.js';
import { RateLimitTracker } from './rate-limits.js';
import { ScanMemo } from '../modifier/scan-memo.js';
import type { ProxyRuntime } from './runtime.js';
import { createUpstreamClient } from './upstream.js';

interface TestRuntime extends ProxyRuntime {
  rows: QueuedRecord[];
  configReads: number;
  errorsLogged: string[];
}

const runtimes: TestRuntime[] = [];
afterEach(() => {
  for (const rt of runtimes.splice(0)) rt.upstreamClient.destroy();
});

function runtime(overrides: Partial<ProxyConfig> = {}): TestRuntime {
  // Port 9 (discard) on loopback: nothing listens, so a forward fails fast and offline.
  const config: ProxyConfig = { ...defaultConfig({}), upstreamUrl: 'http://127.0.0.1:9', ...overrides };
  const events = new ProxyEvents();
  const logger = createLogger(events, { level: 'error' });
  const rows: QueuedRecord[] = [];
  const history = { add: (r: QueuedRecord) => rows.push(r) } as unknown as History;
  const rt: TestRuntime = {
    rows,
    configReads: 0,
    errorsLogged: [],
    config: () => {
      rt.configReads++;
      return config;
    },
    events,
    history,
    logger,
    upstreamClient: createUpstreamClient(),
    inflight: new Set<Exchange>(),
    rateLimits: new RateLimitTracker(),
    scanMemo: new ScanMemo(),
    startedAt: Date.now(),
    version: 'test',
    recorder: { events, history, logger, maxStoredResponseBytes: 1024, secrets: () => [config.apiKey] },
  };
  events.on('log', (line) => {
    if (line.level === 'error') rt.errorsLogged.push(line.message);
  });
  runtimes.push(rt);
  return rt;
}

const LOCAL = { host: '127.0.0.1:8000', 'content-type': 'application/json' };

describe('the exchange owner', () => {
  it('reads the config once per request, forward included', async () => {
    const rt = runtime();
    const res = await inject(createApp(rt).callback(), { method: 'POST', url: '/v1/messages', headers: LOCAL, payload: '{"model":"m","messages":[]}' });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(rt.configReads).toBe(1);
    expect(rt.rows).toHaveLength(1);
    expect(rt.inflight.size).toBe(0);
  });

  it('answers a refused request in the route dialect and records it once', async () => {
    const rt = runtime();
    const app = createApp(rt).callback();
    const anthropic = await inject(app, { method: 'POST', url: '/v1/messages', headers: LOCAL, payload: 'nope' });
    expect(anthropic.statusCode).toBe(400);
    expect(anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const openai = await inject(app, { method: 'POST', url: '/openai/v1/chat/completions', headers: LOCAL, payload: 'nope' });
    expect(openai.statusCode).toBe(400);
    expect(openai.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
    expect(rt.rows.map((r) => [r.dialect, r.status, r.outcome])).toEqual([
      ['anthropic', 400, 'proxy_error'],
      ['openai', 400, 'proxy_error'],
    ]);
    // The OpenAI route keeps what the client sent next to the refusal.
    expect(String(rt.rows[1]!.originalBody)).toBe('nope');
  });

  it('turns a bug in a handler into a logged 500, and ends a stream whose headers are out', async () => {
    const rt = runtime();
    const app = new Koa();
    app.use(async (ctx, next) => {
      if (ctx.path === '/bug') return exchangeRoute(rt, 'openai', async () => {
        throw new TypeError('boom');
      })(ctx);
      if (ctx.path === '/late') return exchangeRoute(rt, 'anthropic', async ({ ctx: c }) => {
        c.respond = false;
        c.res.writeHead(200, { 'content-type': 'text/event-stream' });
        c.res.write('event: ping\n\n');
        throw errors.streamFailed('cut');
      })(ctx);
      return next();
    });
    const bug = await inject(app.callback(), { url: '/bug', headers: LOCAL });
    expect(bug.statusCode).toBe(500);
    expect(bug.json()).toEqual({ error: { message: 'Internal proxy error.', type: 'api_error', param: null, code: 'internal' } });
    expect(rt.errorsLogged.join('\n')).toContain('TypeError: boom');
    const late = await inject(app.callback(), { url: '/late', headers: LOCAL }).catch((e: Error) => e);
    // Headers were out: no JSON error can follow, the connection ends instead.
    if (!(late instanceof Error)) expect(late.payload).toBe('event: ping\n\n');
    expect(rt.rows.map((r) => [r.outcome, r.error])).toEqual([
      ['proxy_error', 'INTERNAL: Internal proxy error.'],
      ['proxy_error', 'UPSTREAM_STREAM_ERROR: Upstream stream failed: cut'],
    ]);
  });
});

describe('local answers', () => {
  it('answers HEAD / and /health without upstream', async () => {
    const rt = runtime();
    const app = createApp(rt).callback();
    expect((await inject(app, { method: 'HEAD', url: '/', headers: LOCAL })).statusCode).toBe(200);
    const health = await inject(app, { url: '/health', headers: LOCAL });
    expect(health.json()).toMatchObject({ status: 'ok', version: 'test', modifier: 'off', inflight: 0 });
    expect(rt.rows).toHaveLength(0);
  });

  it('refuses a foreign Host with an Anthropic-shaped 403', async () => {
    const res = await inject(createApp(runtime()).callback(), { url: '/v1/models', headers: { host: 'evil.example' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });
});
