/**
 * Every write to the history database: batched inserts with their full-text rows,
 * retention, delete and clear. Synchronous and single-connection; the writer worker runs
 * it off the main thread, and tests can drive it directly.
 */
import type { RetentionSettings } from '../contract/types.js';
import type { QueuedRecord } from './protocol.js';
import { BODY_COLUMNS, ROW_COLUMNS, toFtsRow, toRow } from './rows.js';
import type { Db } from './schema.js';

const DAY_MS = 86_400_000;

export interface BatchResult {
  /** Ids now stored (including ones a resend after a writer restart found already there). */
  ids: string[];
  /** Records that could not be stored, with the reason. */
  failures: Array<{ id: string; message: string }>;
}

/** Invalid limits mean "no limit" rather than "delete everything". */
export function normalizeRetention(r: RetentionSettings): { maxRows: number | null; maxAgeMs: number | null } {
  return {
    maxRows: Number.isInteger(r.maxRows) && r.maxRows >= 1 ? r.maxRows : null,
    maxAgeMs: Number.isFinite(r.maxAgeDays) && r.maxAgeDays > 0 ? r.maxAgeDays * DAY_MS : null,
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Errors caused by one record's content (missing field, wrong type) rather than the database. */
export function isRecordError(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
}

export class HistoryWriter {
  readonly #db: Db;
  #retention: RetentionSettings;
  readonly #insert;
  readonly #insertFts;
  readonly #pruneAge;
  readonly #pruneRows;
  readonly #deleteOne;
  readonly #deleteAll;

  constructor(db: Db, retention: RetentionSettings) {
    this.#db = db;
    this.#retention = retention;
    // A body queued as UTF-8 bytes binds as a blob; CAST makes it the same text without a copy through JS.
    const value = (c: string): string => (BODY_COLUMNS.has(c) ? `CAST(@${c} AS TEXT)` : `@${c}`);
    this.#insert = db.prepare<unknown[], { seq: number }>(
      `INSERT INTO exchanges (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map(value).join(', ')})
       ON CONFLICT(id) DO NOTHING RETURNING seq`,
    );
    this.#insertFts = db.prepare(
      'INSERT INTO exchanges_fts (rowid, original, forwarded, response) VALUES (@seq, @original, @forwarded, @response)',
    );
    this.#pruneAge = db.prepare<[number], { id: string }>('DELETE FROM exchanges WHERE started_at < ? RETURNING id');
    this.#pruneRows = db.prepare<[number], { id: string }>(
      `DELETE FROM exchanges WHERE seq IN (
         SELECT seq FROM exchanges ORDER BY started_at DESC, seq DESC LIMIT -1 OFFSET ?
       ) RETURNING id`,
    );
    this.#deleteOne = db.prepare<[string]>('DELETE FROM exchanges WHERE id = ?');
    this.#deleteAll = db.prepare('DELETE FROM exchanges');
  }

  /** Stores a batch in one transaction. A record that fails alone is dropped and reported
   * instead of taking the batch down with it. Retention is the caller's next step (prune). */
  insertBatch(records: readonly QueuedRecord[]): BatchResult {
    const ids: string[] = [];
    const failures: BatchResult['failures'] = [];
    try {
      this.#db.transaction(() => {
        for (const record of records) this.#insertOne(record);
      }).immediate();
      for (const record of records) ids.push(record.id);
    } catch (batchError) {
      // A lock held too long, a full disk: retrying record by record would only repeat it
      // (and wait out the busy timeout once per record).
      if (!isRecordError(batchError)) {
        const message = errorMessage(batchError);
        return { ids, failures: records.map((record) => ({ id: String(record?.id), message })) };
      }
      for (const record of records) {
        try {
          this.#db.transaction(() => this.#insertOne(record)).immediate();
          ids.push(record.id);
        } catch (err) {
          failures.push({ id: String(record?.id), message: errorMessage(err) });
        }
      }
    }
    return { ids, failures };
  }

  #insertOne(record: QueuedRecord): void {
    const row = toRow(record);
    const inserted = this.#insert.get(row);
    // No row back means the id is already stored: a resend of a batch that had committed.
    if (inserted) this.#insertFts.run({ seq: inserted.seq, ...toFtsRow(row) });
  }

  /** Applies the retention limits now; returns the ids removed. */
  prune(now = Date.now()): string[] {
    const { maxRows, maxAgeMs } = normalizeRetention(this.#retention);
    if (maxRows === null && maxAgeMs === null) return [];
    return this.#db.transaction(() => {
      const pruned: string[] = [];
      if (maxAgeMs !== null) for (const r of this.#pruneAge.all(now - maxAgeMs)) pruned.push(r.id);
      if (maxRows !== null) for (const r of this.#pruneRows.all(maxRows)) pruned.push(r.id);
      return pruned;
    }).immediate();
  }

  setRetention(retention: RetentionSettings, now = Date.now()): string[] {
    this.#retention = retention;
    return this.prune(now);
  }

  delete(id: string): boolean {
    return this.#deleteOne.run(id).changes > 0;
  }

  clear(): number {
    return this.#db.transaction(() => this.#deleteAll.run().changes).immediate();
  }
}
