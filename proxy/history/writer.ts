/**
 * Every write to the history database: batched inserts with their full-text rows,
 * retention, delete and clear. Synchronous and single-connection; the writer worker runs
 * it off the main thread, and tests can drive it directly.
 */
import type { RetentionSettings } from '../contract/types.js';
import type { QueuedRecord } from './protocol.js';
import { RecordWriter, type RemovedRow } from './record-writer.js';
import type { Db } from './schema.js';

const DAY_MS = 86_400_000;
const MB = 1024 * 1024;
export const DEFAULT_MAX_DB_MB = 1024;
/** The size cap deletes at most this many rows per step before measuring again, and takes
 * at most so many steps per prune: freed space can lag behind deletes (a full-text index
 * frees its pages when it merges), and the next batch's prune continues anyway. */
const SIZE_PRUNE_STEP_ROWS = 500;
const SIZE_PRUNE_MAX_STEPS = 4;

export interface BatchResult {
  /** Ids now stored (including ones a resend after a writer restart found already there). */
  ids: string[];
  /** Records that could not be stored, with the reason. */
  failures: Array<{ id: string; message: string }>;
}

export interface Limits {
  maxRows: number | null;
  maxAgeMs: number | null;
  maxBytes: number | null;
}

/** Invalid limits mean "no limit" rather than "delete everything"; an absent size cap is the default one. */
export function normalizeRetention(r: RetentionSettings): Limits {
  const mb = r.maxDbMb === undefined ? DEFAULT_MAX_DB_MB : r.maxDbMb;
  return {
    maxRows: Number.isInteger(r.maxRows) && r.maxRows >= 1 ? r.maxRows : null,
    maxAgeMs: Number.isFinite(r.maxAgeDays) && r.maxAgeDays > 0 ? r.maxAgeDays * DAY_MS : null,
    maxBytes: Number.isFinite(mb) && mb > 0 ? Math.round(mb * MB) : null,
  };
}

/** How many of the oldest rows to delete when `used` bytes exceed `max`: their share of the excess, within one step. Pure. */
export function rowsOverSize(used: number, max: number, rows: number): number {
  if (used <= max || rows === 0) return 0;
  return Math.min(rows, SIZE_PRUNE_STEP_ROWS, Math.max(1, Math.ceil((rows * (used - max)) / used)));
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

const REMOVED = `RETURNING id, seq, session, parts_base, manifest_delta, original_manifest, forwarded_manifest,
  status, outcome, model, usage_input, usage_output, usage_cache_read, usage_cache_creation, cost`;

export class HistoryWriter {
  readonly #db: Db;
  #retention: RetentionSettings;
  readonly #records: RecordWriter;
  readonly #pruneAge;
  readonly #pruneOldest;
  readonly #deleteOne;
  readonly #deleteAll;
  readonly #count;
  /**
   * Rows in exchanges, counted once and then kept up by this connection's inserts and deletes,
   * so the row cap deletes the oldest rows over it instead of walking past the newest maxRows
   * on every batch. Null: count again (after a failed transaction). data_version changes when
   * another connection (a second Addendum on the same folder) commits, which also means again.
   */
  #rows: number | null = null;
  #dataVersion: number | null = null;

  constructor(db: Db, retention: RetentionSettings) {
    this.#db = db;
    this.#retention = retention;
    this.#records = new RecordWriter(db);
    this.#pruneAge = db.prepare<[number], RemovedRow>(`DELETE FROM exchanges WHERE started_at < ? ${REMOVED}`);
    this.#pruneOldest = db.prepare<[number], RemovedRow>(
      `DELETE FROM exchanges WHERE seq IN (SELECT seq FROM exchanges ORDER BY started_at, seq LIMIT ?) ${REMOVED}`,
    );
    this.#deleteOne = db.prepare<[string], RemovedRow>(`DELETE FROM exchanges WHERE id = ? ${REMOVED}`);
    this.#deleteAll = db.prepare('DELETE FROM exchanges');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM exchanges').pluck();
  }

  get db(): Db {
    return this.#db;
  }

  get records(): RecordWriter {
    return this.#records;
  }

  /** Stores a batch in one transaction. A record that fails alone is dropped and reported
   * instead of taking the batch down with it. Retention is the caller's next step (prune). */
  insertBatch(records: readonly QueuedRecord[]): BatchResult {
    const ids: string[] = [];
    const failures: BatchResult['failures'] = [];
    try {
      const inserted = this.#db.transaction(() => records.reduce((n, record) => n + (this.#records.insert(record) ? 1 : 0), 0)).immediate();
      if (this.#rows !== null) this.#rows += inserted;
      for (const record of records) ids.push(record.id);
    } catch (batchError) {
      // What the rolled-back transaction cached names rows and parts that do not exist.
      this.#records.forget();
      this.#rows = null;
      // A lock held too long, a full disk: retrying record by record would only repeat it
      // (and wait out the busy timeout once per record).
      if (!isRecordError(batchError)) {
        const message = errorMessage(batchError);
        return { ids, failures: records.map((record) => ({ id: String(record?.id), message })) };
      }
      for (const record of records) {
        try {
          this.#db.transaction(() => this.#records.insert(record)).immediate();
          ids.push(record.id);
        } catch (err) {
          this.#records.forget();
          failures.push({ id: String(record?.id), message: errorMessage(err) });
        }
      }
    }
    // A transaction of its own, so that indexing failing can cost no record. The parts then
    // stay waiting for the next batch or the worker's idle turn, which reports the error.
    if (this.#records.search.due) {
      try {
        this.indexWaiting();
      } catch {
        // See above.
      }
    }
    return { ids, failures };
  }

  /** Puts every part and row still waiting into the full-text indexes, in one transaction; returns how many. */
  indexWaiting(): number {
    const index = this.#records.search;
    if (index.waiting === 0) return 0;
    try {
      return this.#db.transaction(() => index.index()).immediate();
    } catch (err) {
      index.forget();
      throw err;
    }
  }

  /** Bytes the file uses: its pages minus the free ones. */
  usedBytes(): number {
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    const free = this.#db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * (this.#db.pragma('page_size', { simple: true }) as number);
  }

  /** Applies the retention limits now; returns the ids removed. */
  prune(now = Date.now()): string[] {
    const { maxRows, maxAgeMs, maxBytes } = normalizeRetention(this.#retention);
    if (maxRows === null && maxAgeMs === null && maxBytes === null) return [];
    const pruned = this.#counted(() => {
      const rows = this.#rowCount();
      const removed: RemovedRow[] = [];
      if (maxAgeMs !== null) removed.push(...this.#pruneAge.all(now - maxAgeMs));
      const over = maxRows === null ? 0 : rows - removed.length - maxRows;
      if (over > 0) removed.push(...this.#pruneOldest.all(over));
      this.#afterRemoval(removed);
      if (maxBytes !== null) {
        for (let step = 0; step < SIZE_PRUNE_MAX_STEPS; step++) {
          const used = this.usedBytes();
          const n = rowsOverSize(used, maxBytes, rows - removed.length);
          if (n === 0) break;
          const oldest = this.#pruneOldest.all(n);
          this.#afterRemoval(oldest);
          removed.push(...oldest);
          // Pages of deleted rows only count as free once given back.
          this.vacuum();
        }
      }
      return removed;
    }).map((r) => r.id);
    if (pruned.length > 0) this.vacuum();
    return pruned;
  }

  #rowCount(): number {
    const version = this.#db.pragma('data_version', { simple: true }) as number;
    if (version !== this.#dataVersion) {
      this.#dataVersion = version;
      this.#rows = null;
    }
    return (this.#rows ??= this.#count.get()!);
  }

  /** Runs `remove` in a transaction and keeps the row count by what it removed. */
  #counted(remove: () => RemovedRow[]): RemovedRow[] {
    try {
      const removed = this.#db.transaction(remove).immediate();
      if (this.#rows !== null) this.#rows -= removed.length;
      return removed;
    } catch (err) {
      this.#rows = null;
      throw err;
    }
  }

  #afterRemoval(rows: readonly RemovedRow[]): void {
    if (rows.length === 0) return;
    this.#records.released(rows);
    this.#records.sessions.removed(rows);
  }

  /** Gives free pages back to the file system (a no-op until the file is in incremental auto-vacuum mode). */
  vacuum(): void {
    this.#db.pragma('incremental_vacuum');
  }

  setRetention(retention: RetentionSettings, now = Date.now()): string[] {
    this.#retention = retention;
    return this.prune(now);
  }

  delete(id: string): boolean {
    const removed =
      this.#counted(() => {
        const rows = this.#deleteOne.all(id);
        this.#afterRemoval(rows);
        return rows;
      }).length > 0;
    if (removed) this.vacuum();
    return removed;
  }

  clear(): number {
    const n = this.#db.transaction(() => {
      const changes = this.#deleteAll.run().changes;
      this.#db.exec('DELETE FROM exchange_parts; DELETE FROM parts; DELETE FROM sessions;');
      return changes;
    }).immediate();
    this.#records.forget();
    this.#rows = null;
    this.vacuum();
    return n;
  }
}
