/**
 * Domain types shared by the proxy core, the history store, the control API, the
 * Electron shell and the renderer. Types only: importing this module costs nothing
 * at run time, so the renderer may use it freely.
 */

export type Dialect = 'anthropic' | 'openai';

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

export type ExchangeOutcome = 'ok' | 'upstream_error' | 'proxy_error' | 'client_aborted';

/** Everything the proxy knows about one exchange; one history row. */
export interface ExchangeRecord {
  /** Proxy-assigned id, time-ordered (see proxy/ids.ts). */
  id: string;
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  ttfbMs: number | null;
  durationMs: number | null;
  method: string;
  /** Path plus query string, as the client sent it. */
  path: string;
  dialect: Dialect;
  model: string | null;
  stream: boolean;
  status: number | null;
  outcome: ExchangeOutcome;
  stopReason: string | null;
  usage: Usage | null;
  /** One line for the user, e.g. "UPSTREAM_TIMEOUT: Upstream API timed out (idle stream)." */
  error: string | null;
  userAgent: string | null;
  /** True when the modifier changed the forwarded body. */
  modified: boolean;
  /** Redacted request headers as the client sent them. */
  requestHeaders: Record<string, string>;
  /** Body as the client sent it (for OpenAI routes: the OpenAI request). */
  originalBody: string | null;
  /** Body as forwarded upstream (for OpenAI routes: the translated Anthropic request). */
  forwardedBody: string | null;
  responseHeaders: Record<string, string>;
  /** Raw response bytes as text (SSE for streams), capped at the configured size. */
  responseBody: string | null;
  responseTruncated: boolean;
  /** For streams: the assembled Anthropic Message as JSON text. */
  assembled: string | null;
  /** The exchange this one replays (the dashboard's replay); null or absent for a client's own request. */
  replayOf?: string | null;
  /** The session the history placed it in (a SessionSummary id); set on records read back, absent before. */
  session?: string | null;
}

/** A list row: the record without its bodies and headers (those load lazily). */
export type ExchangeSummary = Omit<
  ExchangeRecord,
  'requestHeaders' | 'originalBody' | 'forwardedBody' | 'responseHeaders' | 'responseBody' | 'assembled'
> & {
  /** Byte sizes of the stored bodies, for the UI's size gate. */
  sizes: { original: number; forwarded: number; response: number; assembled: number };
};

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'error';

export interface HistoryQuery {
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string | null;
  limit?: number;
  model?: string | null;
  statusClass?: StatusClass | null;
  /** Path prefix, e.g. "/v1/messages". */
  path?: string | null;
  /** Free text over bodies (FTS5). */
  text?: string | null;
  /** Only exchanges of this session (a SessionSummary id). */
  session?: string | null;
}

export interface HistoryPage {
  items: ExchangeSummary[];
  nextCursor: string | null;
}

export interface StatsRow {
  /** YYYY-MM-DD in UTC. */
  day: string;
  model: string | null;
  requests: number;
  errors: number;
  usage: Usage;
}

export interface HistoryStats {
  totals: { requests: number; errors: number; usage: Usage };
  rows: StatsRow[];
}

export interface RetentionSettings {
  maxRows: number;
  maxAgeDays: number;
  /** Cap on the history file's used space, in MiB; absent means the default (1024). */
  maxDbMb?: number;
}

/* Sessions and turns live in sessions.ts; every contract type is importable from here. */
export type * from './sessions.js';

/** Progress of converting schema-1 rows to parts, reported while it runs and once at the end;
 * 'idle' when there is nothing to convert. */
export interface MigrationStatus {
  state: 'idle' | 'converting' | 'compacting' | 'done';
  rowsDone: number;
  rowsTotal: number;
  /** Bytes the file shrank by since the conversion began (known after compaction). */
  bytesFreed: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  time: number;
  level: LogLevel;
  message: string;
  exchangeId?: string;
}

/** Live events. Payloads are small summaries: bodies stay in history. */
export interface ProxyEventMap {
  'request:start': {
    id: string;
    startedAt: number;
    method: string;
    path: string;
    dialect: Dialect;
    model: string | null;
    stream: boolean;
    modified: boolean;
  };
  'response:start': { id: string; status: number; ttfbMs: number };
  'request:finish': {
    id: string;
    status: number | null;
    outcome: ExchangeOutcome;
    durationMs: number;
    model: string | null;
    stopReason: string | null;
    usage: Usage | null;
    error: string | null;
  };
  'request:error': { id: string; code: string; message: string; status: number | null };
  log: LogLine;
  state: ProxyStatus;
  /** A history row was written (the UI may refresh its list). */
  'history:change': { ids: string[]; kind: 'added' | 'deleted' | 'cleared' };
  /** New rate-limit values arrived from upstream for one credential. */
  'ratelimit:change': RateLimitEntry;
}

export type ProxyEventName = keyof ProxyEventMap;

export interface ProxyStatus {
  running: boolean;
  /** e.g. http://127.0.0.1:8000 while running, else null. */
  baseUrl: string | null;
  host: string;
  port: number;
  upstreamUrl: string;
  modifierOn: boolean;
  startedAt: number | null;
  /** Last start failure, e.g. "port 8000 is in use". */
  lastError: string | null;
  /** Something the user should know about the running proxy, e.g. that its port changed. */
  notice?: string | null;
  /** The latest report of converting a history written by schema 1; absent when there was nothing to convert. */
  migration?: MigrationStatus;
}

/* Replay (replayExchange) and rate limits (getRateLimits, 'ratelimit:change'). */
export interface ReplayRequest {
  /** The exchange to send again. */
  id: string;
  /** The body to send instead of the stored original (the JSON editor's text); absent sends the original bytes. */
  body?: string;
  /** Whether the modifier applies to the replay. */
  modifier: boolean;
}

export interface RateLimitEntry {
  /** Which upstream credential the values belong to, never the secret: "configured key …abcd", "client key …abcd", "OAuth token …abcd". */
  credential: string;
  /** Epoch milliseconds of the response that carried them. */
  updatedAt: number;
  /** That response's status (a 429 comes with retry-after). */
  status: number;
  /** Every anthropic-ratelimit-* header and retry-after of that response, by lower-case name. */
  headers: Record<string, string>;
}
