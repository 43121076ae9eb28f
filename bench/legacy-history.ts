/**
 * The schema-1 storage, for side-by-side numbers: its migration (MIGRATIONS[0]) and the
 * insert it used (every body whole, as text, the request and the response indexed).
 */
import Database from 'better-sqlite3';
import { forwardedBytes, type QueuedRecord } from '../proxy/history/index.js';
import { ROW_COLUMNS } from '../proxy/history/rows.js';
import { MIGRATIONS, openWriteDatabase } from '../proxy/history/schema.js';
import { searchableText } from '../proxy/history/search-text.js';

const text = (v: QueuedRecord['originalBody']): string | null => (v === null ? null : typeof v === 'string' ? v : Buffer.from(v).toString('utf8'));

export class LegacyHistory {
  readonly #db: Database.Database;
  readonly #insert;
  readonly #fts;

  constructor(file: string) {
    this.#db = openWriteDatabase(file, {}, MIGRATIONS.slice(0, 1));
    this.#insert = this.#db.prepare<[Record<string, unknown>], number>(
      `INSERT INTO exchanges (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map((c) => `@${c}`).join(', ')}) RETURNING seq`,
    ).pluck();
    this.#fts = this.#db.prepare('INSERT INTO exchanges_fts (rowid, original, forwarded, response) VALUES (?, ?, NULL, ?)');
  }

  insertBatch(records: readonly QueuedRecord[]): void {
    this.#db.transaction(() => {
      for (const r of records) {
        const original = text(r.originalBody);
        // Schema 1 stored the forwarded text whole, however it was handed over.
        const forwarded = text(forwardedBytes(r));
        const response = text(r.responseBody);
        const seq = this.#insert.get({
          id: r.id, started_at: r.startedAt, ttfb_ms: r.ttfbMs, duration_ms: r.durationMs, method: r.method, path: r.path,
          dialect: r.dialect, model: r.model, stream: r.stream ? 1 : 0, status: r.status, outcome: r.outcome, stop_reason: r.stopReason,
          usage_input: r.usage?.input ?? null, usage_output: r.usage?.output ?? null, usage_cache_read: r.usage?.cacheRead ?? null,
          usage_cache_creation: r.usage?.cacheCreation ?? null, error: r.error, user_agent: r.userAgent, modified: r.modified ? 1 : 0,
          response_truncated: 0, original_size: original?.length ?? 0, forwarded_size: forwarded?.length ?? 0,
          response_size: response?.length ?? 0, assembled_size: 0, request_headers: JSON.stringify(r.requestHeaders),
          response_headers: JSON.stringify(r.responseHeaders), original_body: original, forwarded_body: forwarded,
          response_body: response, assembled: r.assembled,
        })!;
        this.#fts.run(seq, searchableText(original), searchableText(response));
      }
    }).immediate();
  }

  close(): void {
    this.#db.close();
  }
}
