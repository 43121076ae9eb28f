/**
 * The proxy as a library: `createProxy(config)` gives something that can start, stop and
 * restart on its port while its history and live events stay up. The headless CLI and the
 * Electron main process are two thin hosts around it.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createApp } from './http/app.js';
import { reachableHost } from './http/guard.js';
import { effectiveModifierText, validateConfig, type ProxyConfig } from './config.js';
import { ProxyEvents } from './lib/events.js';
import type { Exchange } from './http/exchange.js';
import { openHistory, type History } from './history/index.js';
import { formatHost, listen, ListenError, trackSockets } from './lib/listen.js';
import { createLogger, type Logger } from './lib/log.js';
import type { ProxyRuntime } from './http/runtime.js';
import type { MigrationStatus, ProxyStatus } from './contract/types.js';
import { createUpstreamClient } from './http/upstream.js';
import { RateLimitTracker } from './http/rate-limits.js';
import { ScanMemo } from './modifier/scan-memo.js';
import type { RateLimitEntry } from './contract/types.js';
import { VERSION } from './version.js';

export type { ProxyConfig } from './config.js';
export { defaultConfig, validateConfig, ConfigError } from './config.js';

export { ListenError as ProxyStartError } from './lib/listen.js';

export interface Proxy {
  readonly events: ProxyEvents;
  readonly history: History;
  readonly logger: Logger;
  config(): ProxyConfig;
  status(): ProxyStatus;
  /** The latest rate-limit headers per upstream credential, most recent first. */
  rateLimits(): RateLimitEntry[];
  start(): Promise<ProxyStatus>;
  stop(): Promise<ProxyStatus>;
  update(patch: Partial<ProxyConfig>): void;
  close(): Promise<void>;
}

export interface ProxyDeps {
  history?: History;
  events?: ProxyEvents;
  /** Echo log lines to the console (headless). */
  consoleLog?: boolean;
  /** Passed to better-sqlite3 when the host runs under another ABI (Electron). */
  nativeBinding?: string;
}

export async function createProxy(initial: ProxyConfig, deps: ProxyDeps = {}): Promise<Proxy> {
  let config = validateConfig({ ...initial, retention: { ...initial.retention } });
  const events = deps.events ?? new ProxyEvents();
  const logger = createLogger(events, { level: config.logLevel, console: deps.consoleLog ?? false });
  // Progress of converting a schema-1 history: a log line per report, and the latest report in
  // the status (a state event, so the dashboard sees it move). It may arrive before the rest
  // of this function has run, hence the late-bound notifier.
  let migration: MigrationStatus | null = null;
  let onMigrationState: () => void = () => {};
  const history =
    deps.history ??
    (await openHistory({
      dataDir: config.dataDir,
      retention: config.retention,
      ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
      onError: (err) => logger.error(`history: ${err.message}`),
      onChange: (change) => events.emit('history:change', change),
      onMigration: (progress, message) => {
        migration = { ...progress };
        logger.info(message);
        onMigrationState();
      },
    }));
  const upstreamClient = createUpstreamClient();
  const inflight = new Set<Exchange>();
  const rateLimits = new RateLimitTracker((entry) => events.emit('ratelimit:change', entry));
  const rt: ProxyRuntime = {
    config: () => config,
    events,
    history,
    logger,
    upstreamClient,
    inflight,
    rateLimits,
    scanMemo: new ScanMemo(),
    startedAt: Date.now(),
    version: VERSION,
    recorder: {
      events,
      history,
      logger,
      get maxStoredResponseBytes() {
        return config.maxStoredResponseBytes;
      },
      secrets: () => [config.apiKey],
    },
  };
  const app = createApp(rt);

  let server: Server | null = null;
  let sockets = new Set<Socket>();
  let boundPort: number | null = null;
  let startedAt: number | null = null;
  let lastError: string | null = null;
  let notice: string | null = null;
  /** Where an ephemeral (port 0) proxy last listened: a restart keeps that address, since
   * tools were set up with it. */
  let ephemeral: { host: string; port: number } | null = null;
  let closed = false;

  const status = (): ProxyStatus => ({
    running: server !== null,
    baseUrl: server && boundPort !== null ? `http://${formatHost(reachableHost(config.host))}:${boundPort}` : null,
    host: config.host,
    port: boundPort ?? config.port,
    upstreamUrl: config.upstreamUrl,
    modifierOn: effectiveModifierText(config) !== '',
    startedAt,
    lastError,
    notice,
    ...(migration ? { migration: { ...migration } } : {}),
  });
  const emitState = (): void => events.emit('state', status());
  onMigrationState = emitState;

  async function start(): Promise<ProxyStatus> {
    if (closed) throw new ListenError('LISTEN_FAILED', 'The proxy was closed.');
    if (server) return status();
    const srv = createServer({ keepAliveTimeout: 65_000 }, app.callback());
    // Large prompts upload slowly on busy machines; the Messages API itself allows minutes.
    srv.requestTimeout = 10 * 60_000;
    srv.headersTimeout = 60_000;
    const conns = trackSockets(srv);
    const previous = config.port === 0 && ephemeral?.host === config.host ? ephemeral.port : null;
    notice = null;
    let port: number;
    try {
      try {
        port = await listen(srv, previous ?? config.port, config.host, 'port');
      } catch (e) {
        if (previous === null || !(e instanceof ListenError) || e.code !== 'PORT_IN_USE') throw e;
        port = await listen(srv, 0, config.host, 'port');
        notice = `port ${previous} was taken while the proxy was stopped, so it now listens on port ${port}; point your tools at the new address`;
      }
    } catch (err) {
      lastError = (err as Error).message;
      emitState();
      throw err;
    }
    srv.on('error', (err) => logger.error(`proxy server: ${err.message}`));
    server = srv;
    sockets = conns;
    boundPort = port;
    if (config.port === 0) ephemeral = { host: config.host, port };
    startedAt = Date.now();
    lastError = null;
    if (notice) logger.warn(`proxy: ${notice}`);
    logger.info(`proxy listening on ${status().baseUrl} → ${config.upstreamUrl}`);
    emitState();
    return status();
  }

  async function stop(graceMs = config.shutdownGraceMs): Promise<ProxyStatus> {
    const srv = server;
    if (!srv) return status();
    server = null;
    const closedPromise = new Promise<void>((resolve) => srv.close(() => resolve()));
    srv.closeIdleConnections();
    if (inflight.size > 0) {
      logger.info(`waiting up to ${graceMs} ms for ${inflight.size} in-flight exchange(s)`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...inflight].map((ex) => ex.done)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    // Whatever is still open after the grace period is cut; the client sees the reset.
    for (const s of sockets) s.destroy();
    await closedPromise;
    boundPort = null;
    startedAt = null;
    notice = null;
    logger.info('proxy stopped');
    emitState();
    return status();
  }

  function update(patch: Partial<ProxyConfig>): void {
    const next = validateConfig({ ...config, ...patch, retention: { ...config.retention, ...patch.retention } });
    const retentionChanged =
      next.retention.maxRows !== config.retention.maxRows ||
      next.retention.maxAgeDays !== config.retention.maxAgeDays ||
      next.retention.maxDbMb !== config.retention.maxDbMb;
    config = next;
    logger.level = config.logLevel;
    if (retentionChanged) history.setRetention(config.retention);
    emitState();
  }

  async function close(): Promise<void> {
    if (closed) return;
    await stop();
    closed = true;
    upstreamClient.destroy();
    if (!deps.history) await history.close();
  }

  return {
    events,
    history,
    logger,
    config: () => config,
    status,
    rateLimits: () => rateLimits.snapshot(),
    start,
    stop: () => stop(),
    update,
    close,
  };
}
