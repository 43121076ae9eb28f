/** Realistic records and a fake AddendumApi for renderer tests. */
import { vi } from 'vitest';
import { applyModifier } from '../../proxy/modifier/modifier.js';
import { BODY_FIELDS, type AddendumApi, type BodyField, type ContractEvent, type ExchangeDetail, type PublicSettings, type SettingsPatch } from '../../proxy/contract/operations.js';
import type { ExchangeRecord, ExchangeSummary, HistoryQuery, HistoryStats, ProxyStatus, RateLimitEntry, ReplayRequest, SessionDetail, SessionQuery, SessionTurn, TurnContent } from '../../proxy/contract/types.js';
import { replayCredentials } from '../../proxy/contract/credentials.js';
import { ApiError } from '../api/errors.js';

export const SECRET_KEY = 'sk-ant-api03-SECRETSECRETSECRET-wxyz';

export function makeRecord(id: string, overrides: Partial<ExchangeRecord> = {}): ExchangeRecord {
  const original = { model: 'claude-sonnet-4-5-20250929', max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'Write a haiku about tea.' }] };
  const forwarded = applyModifier(original, ' Answer in French.').body;
  const assembled = {
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      { type: 'thinking', thinking: 'Tea, haiku, French.', signature: 'sig' },
      { type: 'text', text: 'Feuilles dans la tasse' },
      { type: 'tool_use', id: 'toolu_1', name: 'save_poem', input: { title: 'Thé' } },
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 20, output_tokens: 30, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  };
  return {
    id,
    startedAt: Date.parse('2026-03-10T12:00:00Z'),
    ttfbMs: 180,
    durationMs: 1234,
    method: 'POST',
    path: '/v1/messages',
    dialect: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    stream: true,
    status: 200,
    outcome: 'ok',
    stopReason: 'end_turn',
    usage: { input: 20, output: 30, cacheRead: 1000, cacheCreation: 0 },
    error: null,
    userAgent: 'Anthropic/JS 0.50.0',
    modified: true,
    requestHeaders: { 'content-type': 'application/json', 'x-api-key': '[redacted …wxyz]', 'anthropic-version': '2023-06-01' },
    originalBody: JSON.stringify(original),
    forwardedBody: JSON.stringify(forwarded),
    responseHeaders: { 'content-type': 'text/event-stream', 'request-id': 'req_1' },
    responseBody: 'event: message_start\ndata: {"type":"message_start"}\n\n',
    responseTruncated: false,
    assembled: JSON.stringify(assembled),
    ...overrides,
  };
}

export function toSummary(r: ExchangeRecord): ExchangeSummary {
  const { requestHeaders, originalBody, forwardedBody, responseHeaders, responseBody, assembled, ...rest } = r;
  void requestHeaders;
  void responseHeaders;
  const size = (t: string | null) => (t ? new TextEncoder().encode(t).length : 0);
  return { ...rest, sizes: { original: size(originalBody), forwarded: size(forwardedBody), response: size(responseBody), assembled: size(assembled) } };
}

/** What the host does with `maxBodyBytes` (proxy/detail.ts), measured the browser's way. */
export function toDetail(record: ExchangeRecord, maxBodyBytes?: number): ExchangeDetail {
  const size = (t: string | null) => (t === null ? 0 : new TextEncoder().encode(t).length);
  const bodyBytes = Object.fromEntries(BODY_FIELDS.map((f) => [f, size(record[f])])) as Record<BodyField, number>;
  const detail: ExchangeDetail = { ...structuredClone(record), omitted: [], bodyBytes };
  if (maxBodyBytes === undefined) return detail;
  for (const field of BODY_FIELDS) {
    if (record[field] !== null && bodyBytes[field] > maxBodyBytes) {
      detail[field] = null;
      detail.omitted.push(field);
    }
  }
  return detail;
}

export const runningStatus: ProxyStatus = {
  running: true,
  baseUrl: 'http://127.0.0.1:8000',
  host: '127.0.0.1',
  port: 8000,
  upstreamUrl: 'https://api.anthropic.com',
  modifierOn: true,
  startedAt: 1,
  lastError: null,
};

export const baseSettings: PublicSettings = {
  apiKey: { set: false, last4: null },
  upstreamUrl: 'https://api.anthropic.com',
  port: 8000,
  modifierText: ' Answer in French.',
  modifierEnabled: true,
  retention: { maxRows: 10_000, maxAgeDays: 30 },
  overridden: [],
};

export interface FakeApi extends AddendumApi {
  emit(events: ContractEvent[]): void;
  records: ExchangeRecord[];
  settings: PublicSettings;
  status: ProxyStatus;
  stats: HistoryStats;
  /** Keys written through updateSettings, to prove the page never holds them. */
  keysReceived: string[];
  listeners: Set<(events: ContractEvent[]) => void>;
  rateLimits: RateLimitEntry[];
  sessions: SessionDetail[];
  /** getTurn's answers by exchange id; `prefix` is returned only when asked for. */
  turns: Record<string, TurnContent>;
}

function statusClass(status: number | null): string {
  if (status === null) return 'error';
  return `${Math.floor(status / 100)}xx`;
}

/** An in-memory host honouring the contract: cursor pages, filters, settings, stats. */
export function createFakeApi(
  init: {
    records?: ExchangeRecord[];
    settings?: Partial<PublicSettings>;
    status?: Partial<ProxyStatus>;
    stats?: HistoryStats;
    pageSize?: number;
    sessions?: SessionDetail[];
    turns?: Record<string, TurnContent>;
    rateLimits?: RateLimitEntry[];
  } = {},
): FakeApi {
  const listeners = new Set<(events: ContractEvent[]) => void>();
  const fake: FakeApi = {
    records: [...(init.records ?? [])],
    settings: { ...baseSettings, ...init.settings },
    status: { ...runningStatus, ...init.status },
    stats: init.stats ?? { totals: { requests: 0, errors: 0, usage: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 } }, rows: [] },
    keysReceived: [],
    listeners,
    rateLimits: [...(init.rateLimits ?? [])],
    sessions: [...(init.sessions ?? [])],
    turns: { ...init.turns },
    emit: (events) => {
      for (const l of [...listeners]) l(events);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getStatus: vi.fn(async () => ({ ...fake.status })),
    startProxy: vi.fn(async () => {
      fake.status = { ...fake.status, running: true, baseUrl: `http://${fake.status.host}:${fake.status.port}` };
      return { ...fake.status };
    }),
    stopProxy: vi.fn(async () => {
      fake.status = { ...fake.status, running: false, baseUrl: null };
      return { ...fake.status };
    }),
    getSettings: vi.fn(async () => structuredClone(fake.settings)),
    updateSettings: vi.fn(async (patch: SettingsPatch) => {
      if (patch.port !== undefined && (patch.port < 0 || patch.port > 65535)) throw new ApiError('INVALID_SETTINGS', 'port must be an integer from 0 to 65535', 400);
      const { apiKey, retention, ...rest } = patch;
      if (apiKey !== undefined) {
        if (apiKey) fake.keysReceived.push(apiKey);
        fake.settings.apiKey = apiKey ? { set: true, last4: apiKey.slice(-4) } : { set: false, last4: null };
      }
      fake.settings = { ...fake.settings, ...rest, retention: { ...fake.settings.retention, ...retention } };
      return structuredClone(fake.settings);
    }),
    listHistory: vi.fn(async (q: HistoryQuery) => {
      const matching = fake.records
        .filter((r) => !q.model || r.model === q.model)
        .filter((r) => !q.statusClass || statusClass(r.status) === q.statusClass)
        .filter((r) => !q.path || r.path.startsWith(q.path))
        .filter((r) => !q.text || `${r.originalBody} ${r.assembled}`.includes(q.text))
        .filter((r) => !q.session || fake.sessions.some((s) => s.id === q.session && s.turnList.some((t) => t.exchangeId === r.id)))
        .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
      const start = q.cursor ? Number(q.cursor) : 0;
      const size = q.limit ?? init.pageSize ?? 50;
      const items = matching.slice(start, start + size).map(toSummary);
      return { items, nextCursor: start + size < matching.length ? String(start + size) : null };
    }),
    getHistoryEntry: vi.fn(async ({ id, maxBodyBytes }: { id: string; maxBodyBytes?: number }) => {
      const record = fake.records.find((r) => r.id === id);
      return record ? toDetail(record, maxBodyBytes) : null;
    }),
    getHistoryBody: vi.fn(async ({ id, field }: { id: string; field: BodyField }) => ({ text: fake.records.find((r) => r.id === id)?.[field] ?? null })),
    deleteHistoryEntry: vi.fn(async ({ id }: { id: string }) => {
      const before = fake.records.length;
      fake.records = fake.records.filter((r) => r.id !== id);
      return { deleted: fake.records.length < before };
    }),
    clearHistory: vi.fn(async () => {
      const deleted = fake.records.length;
      fake.records = [];
      return { deleted };
    }),
    getStats: vi.fn(async () => structuredClone(fake.stats)),
    // Like the host: refused without credentials, else a new record linked to the original.
    replayExchange: vi.fn(async ({ id, body, modifier }: ReplayRequest) => {
      const original = fake.records.find((r) => r.id === id);
      if (!original) throw new ApiError('NOT_FOUND', `Exchange ${id} is not in the history.`, 404);
      const credentials = replayCredentials(original.requestHeaders, fake.settings.apiKey);
      if (!credentials.ok) throw new ApiError('REPLAY_NO_CREDENTIALS', credentials.description, 409);
      const sent = body ?? original.originalBody;
      const replay = makeRecord(`${id}-replay${fake.records.length}`, {
        startedAt: original.startedAt + 60_000,
        originalBody: sent,
        forwardedBody: modifier ? original.forwardedBody : sent,
        modified: modifier,
        replayOf: id,
      });
      fake.records.push(replay);
      return { exchangeId: replay.id };
    }),
    getRateLimits: vi.fn(async () => ({ items: structuredClone(fake.rateLimits) })),
    listSessions: vi.fn(async (q: SessionQuery) => {
      const matching = fake.sessions
        .filter((s) => !q.text || `${s.title} ${s.cwd}`.includes(q.text))
        .sort((a, b) => b.lastAt - a.lastAt);
      const start = q.cursor ? Number(q.cursor) : 0;
      const size = q.limit ?? init.pageSize ?? 50;
      const items = matching.slice(start, start + size).map(({ turnList, ...summary }) => (void turnList, summary));
      return { items, nextCursor: start + size < matching.length ? String(start + size) : null };
    }),
    getSession: vi.fn(async ({ id }: { id: string }) => structuredClone(fake.sessions.find((s) => s.id === id) ?? null)),
    getTurn: vi.fn(async ({ exchangeId, prefix }: { exchangeId: string; prefix?: boolean }) => {
      const turn = fake.turns[exchangeId];
      if (!turn) return null;
      const { prefix: diff, ...rest } = structuredClone(turn);
      return prefix ? { ...rest, prefix: diff ?? null } : rest;
    }),
  };
  return fake;
}

/** Rate limits as the host reports them: an API key's per-minute buckets and a subscription's unified windows. */
export const KEY_LIMITS: RateLimitEntry = {
  credential: 'configured key …abcd',
  updatedAt: Date.parse('2026-03-10T12:00:00Z'),
  status: 200,
  headers: {
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': '2026-03-10T12:01:00Z',
    'anthropic-ratelimit-tokens-limit': '2000000',
    'anthropic-ratelimit-tokens-remaining': '1998000',
    'anthropic-ratelimit-tokens-reset': '2026-03-10T12:01:00Z',
  },
};
export const OAUTH_LIMITS: RateLimitEntry = {
  credential: 'OAuth token …9876',
  updatedAt: Date.parse('2026-03-10T12:05:00Z'),
  status: 200,
  headers: {
    'anthropic-ratelimit-unified-status': 'allowed_warning',
    'anthropic-ratelimit-unified-reset': '1773151200',
    'anthropic-ratelimit-unified-5h-utilization': '0.86',
    'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
    'anthropic-ratelimit-unified-5h-reset': '1773151200',
    'anthropic-ratelimit-unified-7d-utilization': '0.31',
    'anthropic-ratelimit-unified-7d-status': 'allowed',
    'anthropic-ratelimit-unified-7d-reset': '1773532800',
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
  },
};
export function makeTurn(exchangeId: string, overrides: Partial<SessionTurn> = {}): SessionTurn {
  return {
    exchangeId,
    startedAt: Date.parse('2026-03-10T12:00:00Z'),
    thread: '',
    parentId: null,
    spawnedBy: null,
    delta: { fromMessage: 0, messageCount: 1, systemChanged: false, toolsChanged: false },
    model: 'claude-sonnet-4-5-20250929',
    status: 200,
    usage: { input: 20, output: 30, cacheRead: 0, cacheCreation: 1000 },
    cost: 0.0042,
    ttfbMs: 180,
    durationMs: 1234,
    ...overrides,
  };
}

export function makeSession(id: string, turnList: SessionTurn[], overrides: Partial<SessionDetail> = {}): SessionDetail {
  const sum = (f: (t: SessionTurn) => number) => turnList.reduce((n, t) => n + f(t), 0);
  return {
    id,
    client: 'claude-cli/2.1.197',
    models: [...new Set(turnList.map((t) => t.model).filter((m): m is string => !!m))],
    firstAt: turnList[0]?.startedAt ?? 0,
    lastAt: turnList.at(-1)?.startedAt ?? 0,
    turns: turnList.length,
    errors: turnList.filter((t) => t.status !== 200).length,
    tokens: {
      input: sum((t) => t.usage?.input ?? 0),
      output: sum((t) => t.usage?.output ?? 0),
      cacheRead: sum((t) => t.usage?.cacheRead ?? 0),
      cacheWrite: sum((t) => t.usage?.cacheCreation ?? 0),
    },
    cost: sum((t) => t.cost ?? 0),
    title: 'Explain what a proxy is in one line.',
    cwd: '/home/dev/project',
    turnList,
    ...overrides,
  };
}
