import type { ProxyConfig } from '../config.js';
import type { ProxyEvents } from '../lib/events.js';
import type { Exchange, RecorderDeps } from './exchange.js';
import type { History } from '../history/index.js';
import type { Logger } from '../lib/log.js';
import type { UpstreamAgents } from './upstream.js';

/** What every route needs, handed to them once by the app. */
export interface ProxyRuntime {
  /** Read per request, so settings changes apply to the next request at once. */
  config(): ProxyConfig;
  events: ProxyEvents;
  history: History;
  logger: Logger;
  agents: UpstreamAgents;
  recorder: RecorderDeps;
  /** Exchanges not yet finished; shutdown waits for them. */
  inflight: Set<Exchange>;
  startedAt: number;
  version: string;
}
