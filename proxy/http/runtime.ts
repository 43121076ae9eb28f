import type Koa from 'koa';
import type { ProxyConfig } from '../config.js';
import type { ProxyEvents } from '../lib/events.js';
import type { Exchange, RecorderDeps } from './exchange.js';
import type { History } from '../history/index.js';
import type { Logger } from '../lib/log.js';
import type { UpstreamClient } from './upstream.js';
import type { RateLimitTracker } from './rate-limits.js';
import type { ScanMemo } from '../modifier/scan-memo.js';
import { replayConfig } from './replay-link.js';

/** What every route needs, handed to them once by the app. */
export interface ProxyRuntime {
  /** The current config; a request reads it through requestConfig, once. */
  config(): ProxyConfig;
  events: ProxyEvents;
  history: History;
  logger: Logger;
  upstreamClient: UpstreamClient;
  recorder: RecorderDeps;
  /** Exchanges not yet finished; shutdown waits for them. */
  inflight: Set<Exchange>;
  rateLimits: RateLimitTracker;
  /** The last request bodies scanned, so a continuation's repeated bytes are compared, not scanned again. */
  scanMemo: ScanMemo;
  startedAt: number;
  version: string;
}

/** The config for this request, read on first use and kept for the rest of it: a settings
 * change applies to the next request, and never mixes an old key with a new URL in one. */
export function requestConfig(rt: ProxyRuntime, ctx: Koa.Context): ProxyConfig {
  const state = ctx.state as { config?: ProxyConfig };
  state.config ??= replayConfig(rt.config(), ctx.req.headers);
  return state.config;
}
