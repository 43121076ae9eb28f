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

/* Sessions (History.listSessions / getSession) and the conversion of schema-1 rows. */
export interface SessionQuery {
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string | null;
  /** Defaults to 50, at most 500. */
  limit?: number;
  /** Exact client, e.g. "claude-cli/2.1.197" (the user agent's first product token). */
  client?: string | null;
  /** Sessions that used this model in at least one turn. */
  model?: string | null;
  /** Sessions with a turn whose request or response matches (same syntax as HistoryQuery.text). */
  text?: string | null;
}

export interface SessionTokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface SessionSummary {
  /** `h:<x-claude-code-session-id>`, or `x:<first exchange id>` for a session found by its chain or alone. */
  id: string;
  client: string | null;
  models: string[];
  firstAt: number;
  lastAt: number;
  turns: number;
  errors: number;
  tokens: SessionTokens;
  /** USD from the price table; null when no turn's model is priced. */
  cost: number | null;
  /** The first user text. */
  title: string | null;
  /** The working directory the client stated (Claude Code: "Primary working directory" in its system prompt). */
  cwd: string | null;
}

export interface SessionPage {
  items: SessionSummary[];
  nextCursor: string | null;
}

export interface TurnDelta {
  /** Index of the first message not in the parent's request (the parent's answer, re-sent, comes first). */
  fromMessage: number;
  /** Number of messages in this request; the new ones are fromMessage..messageCount-1. */
  messageCount: number;
  systemChanged: boolean;
  toolsChanged: boolean;
}

export interface SessionTurn {
  exchangeId: string;
  startedAt: number;
  /** '' for the main thread, else the subagent's `x-claude-code-agent-id`. */
  thread: string;
  /** The exchange this one continues; null for a thread's first turn (or when the parent was deleted). */
  parentId: string | null;
  /** For a subagent's first turn: the main turn whose answer called the Agent tool. */
  spawnedBy: string | null;
  delta: TurnDelta;
  model: string | null;
  status: number | null;
  usage: Usage | null;
  cost: number | null;
  ttfbMs: number | null;
  durationMs: number | null;
}

export interface SessionDetail extends SessionSummary {
  /** In the order they started. */
  turnList: SessionTurn[];
}

/** What is new in one turn (getTurn): its new messages and its answer, never the whole body. */
export interface TurnContent {
  exchangeId: string;
  /** The session it belongs to (a SessionSummary id), so any view can link an exchange to its session; null before it is placed. */
  sessionId: string | null;
  /** Index in the request of `messages[0]` (TurnDelta.fromMessage). */
  fromMessage: number;
  /** The new messages as sent, each its exact stored JSON text. */
  messages: string[];
  /** The assistant's message: the assembled stream, else the JSON response body; null when none was stored. */
  answer: string | null;
  /** Asked with `prefix: true` and the turn has a parent: what differs in the cached prefix. */
  prefix?: PrefixDiff | null;
}

/** The parts of a turn's prompt prefix (tools, system, the parent's messages, the other
 * fields) that differ from its parent's, as forwarded upstream: the exact stored bytes. */
export interface PrefixDiff {
  parentId: string;
  sections: PrefixSection[];
}

export interface PrefixSection {
  /** 'tools', 'system', 'message N' (1-based) or 'fields' (everything outside the parts, parts shown as <kind>). */
  name: string;
  /** null: absent on that side. */
  parent: string | null;
  turn: string | null;
  /** A message whose bytes differ only where the prompt cache does not look (cache_control
   * markers, a string for a single text block), as Claude Code re-sends its last prompt. */
  cacheNeutral: boolean;
}

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
