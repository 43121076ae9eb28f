/**
 * Session queries on the read-only connection: a page of sessions (newest activity first,
 * from the sessions_last index, one row per session thanks to the writer's aggregates)
 * and one session's turns (from exchanges_session).
 */
import type Database from 'better-sqlite3';
import { HistoryError } from './errors.js';
import { clampLimit, PagedQuery } from './reader.js';
import type { Db } from './schema.js';
import { ROWS_MATCHING_TERM, toFtsTerms } from './search-text.js';
import type { SessionCounters } from './session-totals.js';
import type { SessionDetail, SessionPage, SessionQuery, SessionSummary, SessionTurn } from './session-types.js';

interface SessionRow extends SessionCounters {
  id: number;
  key: string;
  client: string | null;
  models: string;
  first_at: number;
  last_at: number;
  cost: number | null;
  title: string | null;
  cwd: string | null;
}

interface TurnRow {
  id: string;
  started_at: number;
  thread: string | null;
  parent_id: string | null;
  spawner_id: string | null;
  delta_from: number | null;
  message_count: number | null;
  system_changed: number | null;
  tools_changed: number | null;
  model: string | null;
  status: number | null;
  usage_input: number | null;
  usage_output: number | null;
  usage_cache_read: number | null;
  usage_cache_creation: number | null;
  cost: number | null;
  ttfb_ms: number | null;
  duration_ms: number | null;
}

function encodeCursor(lastAt: number, id: number): string {
  return Buffer.from(JSON.stringify([lastAt, id])).toString('base64url');
}

function decodeCursor(s: string): [number, number] {
  let value: unknown = null;
  try {
    value = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    // Reported below.
  }
  if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n))) return value as [number, number];
  throw new HistoryError('HISTORY_BAD_CURSOR', 'Invalid sessions cursor; start again from the first page.');
}

/** Builds the session list query. Pure; exported for the query-plan test. */
export function sessionQuerySql(query: SessionQuery): { sql: string; params: unknown[] } | null {
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const where: string[] = [];
  const params: unknown[] = [];
  const cursor = text(query.cursor);
  if (cursor) {
    const [lastAt, id] = decodeCursor(cursor);
    where.push('last_at <= ? AND (last_at < ? OR id < ?)');
    params.push(lastAt, lastAt, id);
  }
  const client = text(query.client);
  if (client) {
    where.push('client = ?');
    params.push(client);
  }
  const model = text(query.model);
  if (model) {
    where.push('EXISTS (SELECT 1 FROM json_each(sessions.models) WHERE value = ?)');
    params.push(model);
  }
  const search = text(query.text);
  if (search && search.trim() !== '') {
    const terms = toFtsTerms(search);
    if (terms === null) return null;
    const matches = terms.map(() => ROWS_MATCHING_TERM);
    where.push(`id IN (SELECT session FROM exchanges WHERE session IS NOT NULL AND ${matches.join(' AND ')})`);
    for (const t of terms) params.push(t, t);
  }
  const sql = `SELECT * FROM sessions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY last_at DESC, id DESC LIMIT ?`;
  return { sql, params };
}

function summary(r: SessionRow): SessionSummary {
  return {
    id: r.key,
    client: r.client,
    models: JSON.parse(r.models) as string[],
    firstAt: r.first_at,
    lastAt: r.last_at,
    turns: r.turns,
    errors: r.errors,
    tokens: { input: r.input, output: r.output, cacheRead: r.cache_read, cacheWrite: r.cache_write },
    cost: r.cost,
    title: r.title,
    cwd: r.cwd,
  };
}

function turn(r: TurnRow): SessionTurn {
  const hasUsage = r.usage_input !== null || r.usage_output !== null || r.usage_cache_read !== null || r.usage_cache_creation !== null;
  return {
    exchangeId: r.id,
    startedAt: r.started_at,
    thread: r.thread ?? '',
    parentId: r.parent_id,
    spawnedBy: r.spawner_id,
    delta: {
      fromMessage: r.delta_from ?? 0,
      messageCount: r.message_count ?? 0,
      systemChanged: r.system_changed === 1,
      toolsChanged: r.tools_changed === 1,
    },
    model: r.model,
    status: r.status,
    usage: hasUsage
      ? { input: r.usage_input ?? 0, output: r.usage_output ?? 0, cacheRead: r.usage_cache_read ?? 0, cacheCreation: r.usage_cache_creation ?? 0 }
      : null,
    cost: r.cost,
    ttfbMs: r.ttfb_ms,
    durationMs: r.duration_ms,
  };
}

export class SessionReader {
  readonly #db: Db;
  readonly #list: PagedQuery<SessionRow>;
  readonly #byKey;
  readonly #turns;

  constructor(db: Db) {
    this.#list = new PagedQuery<SessionRow>(db);
    this.#db = db;
    this.#byKey = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE key = ?');
    this.#turns = db.prepare<[number], TurnRow>(`
      SELECT e.id, e.started_at, e.thread, p.id AS parent_id, s.id AS spawner_id, e.delta_from, e.message_count,
             e.system_changed, e.tools_changed, e.model, e.status, e.usage_input, e.usage_output,
             e.usage_cache_read, e.usage_cache_creation, e.cost, e.ttfb_ms, e.duration_ms
        FROM exchanges e
        LEFT JOIN exchanges p ON p.seq = e.parent_seq
        LEFT JOIN exchanges s ON s.seq = e.spawned_by
       WHERE e.session = ?
       ORDER BY e.started_at, e.seq`);
  }

  list(query: SessionQuery = {}): SessionPage {
    const limit = clampLimit(query.limit);
    const built = sessionQuerySql(query);
    if (built === null) return { items: [], nextCursor: null };
    const { page, more, last } = this.#list.page(built, limit);
    return { items: page.map(summary), nextCursor: more && last ? encodeCursor(last.last_at, last.id) : null };
  }

  get(id: string): SessionDetail | null {
    const row = this.#byKey.get(id);
    if (!row) return null;
    return { ...summary(row), turnList: this.#turns.all(row.id).map(turn) };
  }
}
