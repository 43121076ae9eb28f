/**
 * Queries over the history database: list (filtered, cursor-paginated, newest first),
 * get, stats and the model list. Runs on a read-only connection; every query walks an
 * index and is bounded by a LIMIT or a time window.
 */
import type { ExchangeRecord, HistoryPage, HistoryQuery, HistoryStats, StatsRow, StatusClass } from '../contract/types.js';
import { decodeCursor, encodeCursor, recordFromRow, SESSION_KEY_SQL, summaryFromRow, SUMMARY_COLUMNS, type ExchangeRow } from './rows.js';
import type Database from 'better-sqlite3';
import type { Db } from './schema.js';
import { ManifestChain } from './manifest-chain.js';
import { PartReader } from './part-reader.js';
import { ROWS_MATCHING_TERM, toFtsTerms } from './search-text.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
export const DEFAULT_STATS_DAYS = 30;
export const MAX_STATS_DAYS = 366;

const DAY_MS = 86_400_000;

/** An exchange that did not end well: no HTTP status at all, or an outcome other than ok.
 * Shared by the 'error' status class and the stats' error counts so the numbers agree. */
const IS_ERROR = `(status IS NULL OR outcome <> 'ok')`;

const STATUS_RANGES: Record<Exclude<StatusClass, 'error'>, [number, number]> = {
  '2xx': [200, 300],
  '3xx': [300, 400],
  '4xx': [400, 500],
  '5xx': [500, 600],
};

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}

/** Runs list queries a page at a time: each distinct SQL text is prepared once, and one
 * extra row tells whether another page exists without a second query. */
export class PagedQuery<R> {
  readonly #db: Db;
  readonly #statements = new Map<string, Database.Statement<unknown[], R>>();

  constructor(db: Db) {
    this.#db = db;
  }

  /** `built.sql` takes the row limit as its last parameter. */
  page(built: { sql: string; params: unknown[] }, limit: number): { page: R[]; more: boolean; last: R | undefined } {
    let statement = this.#statements.get(built.sql);
    if (!statement) {
      statement = this.#db.prepare<unknown[], R>(built.sql);
      this.#statements.set(built.sql, statement);
    }
    const rows = statement.all(...built.params, limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { page, more, last: page[page.length - 1] };
  }
}

/** Builds the WHERE clause of a list query. Pure; exported for tests of the SQL plans. */
export function listQuerySql(query: HistoryQuery): { sql: string; params: unknown[] } | null {
  const where: string[] = [];
  const params: unknown[] = [];
  // The query may come straight from an HTTP body: anything not of the declared type is ignored.
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  query = { ...query, cursor: text(query.cursor), model: text(query.model), path: text(query.path), text: text(query.text), session: text(query.session) };
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    // The first term is an index range; the second breaks ties between equal start times.
    where.push('started_at <= ? AND (started_at < ? OR seq < ?)');
    params.push(c.startedAt, c.startedAt, c.seq);
  }
  if (query.model) {
    where.push('model = ?');
    params.push(query.model);
  }
  if (query.statusClass === 'error') {
    where.push(IS_ERROR);
  } else if (query.statusClass) {
    const range = STATUS_RANGES[query.statusClass];
    if (range) {
      where.push('status >= ? AND status < ?');
      params.push(range[0], range[1]);
    }
  }
  if (query.path) {
    // Range plus exact check: the range can use the index, substr makes it a true prefix test
    // (LIKE would treat '%' and '_' in the path as wildcards and ignore case).
    where.push('path >= ? AND substr(path, 1, ?) = ?');
    params.push(query.path, query.path.length, query.path);
  }
  if (query.session) {
    where.push('session = (SELECT id FROM sessions WHERE key = ?)');
    params.push(query.session);
  }
  if (query.text && query.text.trim() !== '') {
    const terms = toFtsTerms(query.text);
    if (terms === null) return null;
    // Each term may be in the response or in any part of the request (rows written before
    // schema 2 also have their request in exchanges_fts), so terms are matched one by one.
    for (const term of terms) {
      where.push(ROWS_MATCHING_TERM);
      params.push(term, term);
    }
  }
  const sql =
    `SELECT seq, ${SUMMARY_COLUMNS.join(', ')} FROM exchanges` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY started_at DESC, seq DESC LIMIT ?';
  return { sql, params };
}

type SummaryRow = Pick<ExchangeRow, (typeof SUMMARY_COLUMNS)[number]> & { seq: number };

interface StatsDbRow {
  day: string;
  model: string | null;
  requests: number;
  errors: number;
  input: number;
  output: number;
  cache_read: number;
  cache_creation: number;
}

export class HistoryReader {
  readonly #db: Db;
  readonly #get;
  readonly #stats;
  readonly #models;
  readonly #parts: PartReader;
  readonly #manifests: ManifestChain;
  /** A handful of filter combinations exist; each keeps its prepared statement. */
  readonly #list: PagedQuery<SummaryRow>;

  constructor(db: Db) {
    this.#list = new PagedQuery<SummaryRow>(db);
    this.#db = db;
    this.#parts = new PartReader(db);
    this.#manifests = new ManifestChain(db);
    this.#get = db.prepare<[string], ExchangeRow>(`SELECT *, ${SESSION_KEY_SQL} FROM exchanges WHERE id = ?`);
    this.#stats = db.prepare<[number, number], StatsDbRow>(`
      SELECT strftime('%Y-%m-%d', started_at / 1000, 'unixepoch') AS day,
             model,
             count(*) AS requests,
             sum(${IS_ERROR}) AS errors,
             coalesce(sum(usage_input), 0) AS input,
             coalesce(sum(usage_output), 0) AS output,
             coalesce(sum(usage_cache_read), 0) AS cache_read,
             coalesce(sum(usage_cache_creation), 0) AS cache_creation
        FROM exchanges
       WHERE started_at >= ? AND started_at < ?
       GROUP BY day, model
       ORDER BY day, model`);
    this.#models = db.prepare<[], { model: string }>(
      'SELECT DISTINCT model FROM exchanges WHERE model IS NOT NULL ORDER BY model',
    );
  }

  list(query: HistoryQuery = {}): HistoryPage {
    const limit = clampLimit(query.limit);
    const built = listQuerySql(query);
    if (built === null) return { items: [], nextCursor: null };
    const { page, more, last } = this.#list.page(built, limit);
    return {
      items: page.map(summaryFromRow),
      nextCursor: more && last ? encodeCursor({ startedAt: last.started_at, seq: last.seq }) : null,
    };
  }

  get(id: string): ExchangeRecord | null {
    const row = this.#get.get(id);
    return row ? recordFromRow(this.#manifests.whole(row), (m, sha) => this.#parts.rebuild(m, sha)) : null;
  }

  /** Requests, errors and token sums per UTC day and model, for the last `days` days including today. */
  stats(opts: { days?: number; now?: number } = {}): HistoryStats {
    const now = opts.now ?? Date.now();
    const days = Math.min(MAX_STATS_DAYS, Math.max(1, Math.trunc(opts.days ?? DEFAULT_STATS_DAYS) || DEFAULT_STATS_DAYS));
    const since = Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
    const rows: StatsRow[] = this.#stats.all(since, since + days * DAY_MS).map((r) => ({
      day: r.day,
      model: r.model,
      requests: r.requests,
      errors: r.errors,
      usage: { input: r.input, output: r.output, cacheRead: r.cache_read, cacheCreation: r.cache_creation },
    }));
    const totals: HistoryStats['totals'] = {
      requests: 0,
      errors: 0,
      usage: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
    };
    for (const r of rows) {
      totals.requests += r.requests;
      totals.errors += r.errors;
      totals.usage.input += r.usage.input;
      totals.usage.output += r.usage.output;
      totals.usage.cacheRead += r.usage.cacheRead;
      totals.usage.cacheCreation += r.usage.cacheCreation;
    }
    return { totals, rows };
  }

  models(): string[] {
    return this.#models.all().map((r) => r.model);
  }
}
