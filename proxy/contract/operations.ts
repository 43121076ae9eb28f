/**
 * The one contract between the UI and whatever hosts the proxy (Electron main via IPC,
 * or the headless control API over HTTP + SSE). Adding an operation here makes the
 * compiler point at the preload bridge, the IPC handlers, the HTTP routes and the
 * renderer client. Types plus one route table, so the renderer may import it freely.
 */
import type {
  ExchangeRecord,
  HistoryPage,
  HistoryQuery,
  HistoryStats,
  ProxyEventMap,
  ProxyStatus,
  RateLimitEntry,
  ReplayRequest,
  RetentionSettings,
  SessionDetail,
  SessionPage,
  SessionQuery,
  TurnContent,
} from './types.js';

/** Settings as the UI sees them: the API key is write-only. */
export interface PublicSettings {
  apiKey: { set: boolean; last4: string | null };
  upstreamUrl: string;
  port: number;
  modifierText: string;
  modifierEnabled: boolean;
  retention: RetentionSettings;
  /** Keys whose value this run still takes from the CLI flag or environment variable it
   * started with; a change made in the UI replaces it at once (and is saved). */
  overridden: Array<keyof SettingsPatch>;
}

/** What the UI may change. `apiKey: null` clears the stored key. */
export interface SettingsPatch {
  apiKey?: string | null;
  upstreamUrl?: string;
  port?: number;
  modifierText?: string;
  modifierEnabled?: boolean;
  retention?: Partial<RetentionSettings>;
}

/** The stored bodies of an exchange, the parts that can be large. */
export type BodyField = 'originalBody' | 'forwardedBody' | 'responseBody' | 'assembled';
export const BODY_FIELDS: readonly BodyField[] = ['originalBody', 'forwardedBody', 'responseBody', 'assembled'];

/**
 * An exchange as the detail view gets it: bodies over the caller's `maxBodyBytes` come back
 * as null and are named in `omitted` (fetch each with getHistoryBody), so opening a row
 * never downloads megabytes nobody asked to see. `bodyBytes` gives every body's UTF-8 size,
 * omitted or not (0 for a body that was never stored).
 */
export type ExchangeDetail = ExchangeRecord & {
  omitted: BodyField[];
  bodyBytes: Record<BodyField, number>;
};

export interface Operations {
  getStatus: { arg: void; result: ProxyStatus };
  startProxy: { arg: void; result: ProxyStatus };
  stopProxy: { arg: void; result: ProxyStatus };
  getSettings: { arg: void; result: PublicSettings };
  updateSettings: { arg: SettingsPatch; result: PublicSettings };
  listHistory: { arg: HistoryQuery; result: HistoryPage };
  /** Without `maxBodyBytes`, every body comes back. */
  getHistoryEntry: { arg: { id: string; maxBodyBytes?: number }; result: ExchangeDetail | null };
  /** One body in full; null when the exchange is gone or the body was never stored. */
  getHistoryBody: { arg: { id: string; field: BodyField }; result: { text: string | null } };
  deleteHistoryEntry: { arg: { id: string }; result: { deleted: boolean } };
  clearHistory: { arg: void; result: { deleted: number } };
  getStats: { arg: { days?: number }; result: HistoryStats };
  /** Sessions by latest activity, newest first, cursor-paginated. */
  listSessions: { arg: SessionQuery; result: SessionPage };
  /** One session with its turns in order; null when unknown. */
  getSession: { arg: { id: string }; result: SessionDetail | null };
  /** Sends a stored exchange again through the proxy; resolves once the replay is in the history. */
  replayExchange: { arg: ReplayRequest; result: { exchangeId: string } };
  /** The latest rate-limit headers per upstream credential, most recent first. */
  getRateLimits: { arg: void; result: { items: RateLimitEntry[] } };
  /** What is new in one turn; with `prefix`, also what changed in its prefix against its parent. Null when unknown. */
  getTurn: { arg: { exchangeId: string; prefix?: boolean }; result: TurnContent | null };
}

export type OperationName = keyof Operations;
export type OpArg<K extends OperationName> = Operations[K]['arg'];
export type OpResult<K extends OperationName> = Operations[K]['result'];

/** Events pushed to the UI: every live event of the proxy, delivered in batches. */
export type ContractEventMap = ProxyEventMap;
export type ContractEventName = keyof ContractEventMap;

/** The event names at run time (what a host subscribes to); a record over the type, so a new
 * event fails to compile until it is named here. */
const CONTRACT_EVENTS: Record<ContractEventName, true> = {
  'request:start': true,
  'response:start': true,
  'request:finish': true,
  'request:error': true,
  log: true,
  state: true,
  'history:change': true,
  'ratelimit:change': true,
};
export const CONTRACT_EVENT_NAMES = Object.keys(CONTRACT_EVENTS) as ContractEventName[];
export interface ContractEvent<K extends ContractEventName = ContractEventName> {
  name: K;
  payload: ContractEventMap[K];
}

/** One method per operation, plus a subscription: what the preload bridge exposes and what
 * the renderer's client implements over HTTP. */
export type AddendumApi = {
  [K in OperationName]: OpArg<K> extends void
    ? () => Promise<OpResult<K>>
    : (arg: OpArg<K>) => Promise<OpResult<K>>;
} & {
  /** Receives events in batches; returns an unsubscribe function. */
  subscribe(listener: (events: ContractEvent[]) => void): () => void;
};

/** HTTP mapping used by the headless control API and the renderer's HTTP transport. */
export const HTTP_ROUTES: { [K in OperationName]: { method: 'GET' | 'POST' | 'DELETE' | 'PATCH'; path: string } } = {
  getStatus: { method: 'GET', path: '/api/status' },
  startProxy: { method: 'POST', path: '/api/proxy/start' },
  stopProxy: { method: 'POST', path: '/api/proxy/stop' },
  getSettings: { method: 'GET', path: '/api/settings' },
  updateSettings: { method: 'PATCH', path: '/api/settings' },
  listHistory: { method: 'POST', path: '/api/history/query' },
  getHistoryEntry: { method: 'POST', path: '/api/history/get' },
  getHistoryBody: { method: 'POST', path: '/api/history/body' },
  deleteHistoryEntry: { method: 'POST', path: '/api/history/delete' },
  clearHistory: { method: 'POST', path: '/api/history/clear' },
  getStats: { method: 'POST', path: '/api/stats' },
  listSessions: { method: 'POST', path: '/api/sessions/query' },
  getSession: { method: 'POST', path: '/api/sessions/get' },
  replayExchange: { method: 'POST', path: '/api/history/replay' },
  getRateLimits: { method: 'GET', path: '/api/ratelimits' },
  getTurn: { method: 'POST', path: '/api/sessions/turn' },
};

export const EVENTS_PATH = '/api/events';
/** Header carrying the per-launch control token (a `token` query parameter works for SSE). */
export const TOKEN_HEADER = 'x-addendum-token';
