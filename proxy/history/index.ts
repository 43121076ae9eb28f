/**
 * The exchange history: one SQLite row per exchange, searchable, grouped into sessions,
 * bounded by retention.
 *
 * Writes go to a worker thread that owns the only writable connection (`add` returns at
 * once; records are committed in batches), reads use a read-only connection on the
 * calling thread, which WAL lets see every committed batch. Layout of this folder:
 * schema.ts / schema-2.ts (file, pragmas, migrations), migrate-rows.ts (background
 * conversion of schema-1 rows), json-spans.ts / body-split.ts / manifest.ts / parts.ts /
 * codec.ts (bodies as content-addressed parts), body-diff.ts / body-shape.ts /
 * body-cache.ts / body-digest.ts (a turn stored from the turn before, and its check), session-match.ts / session-writer.ts /
 * session-reader.ts (sessions and turns), rows.ts (record <-> row, cursor), search-text.ts
 * (what is indexed, how user text becomes an FTS5 query), record-writer.ts / writer.ts /
 * reader.ts (SQL), writer-worker.ts / writer-client.ts / outbox.ts / shedding.ts /
 * worker-entry.ts (the thread, its protocol and backlog).
 */
import type { ExchangeRecord, HistoryPage, HistoryQuery, HistoryStats, RetentionSettings } from '../contract/types.js';
import { HistoryError } from './errors.js';
import type { Change, QueuedRecord } from './protocol.js';
import { HistoryReader } from './reader.js';
import { ensureDataDir, historyFile, openReadDatabase, type Db } from './schema.js';
import { SessionReader } from './session-reader.js';
import { TurnReader } from './turn-reader.js';
import type { TurnContent } from '../contract/types.js';
import type { MigrationStatus, SessionDetail, SessionPage, SessionQuery } from './session-types.js';
import { WriterClient } from './writer-client.js';

export { HistoryError, type HistoryErrorCode } from './errors.js';
export { DEFAULT_LIMIT, MAX_LIMIT } from './reader.js';
export type { BodyValue, ForwardedValue, QueuedRecord } from './protocol.js';
export { forwardedBytes } from './forwarded-body.js';
export { SCHEMA_VERSION, HISTORY_FILE_NAME } from './schema.js';
export type { MigrationStatus, SessionDetail, SessionPage, SessionQuery, SessionSummary, SessionTokens, SessionTurn, TurnDelta } from './session-types.js';

export interface HistoryOptions {
  dataDir: string;
  retention: RetentionSettings;
  onError?: (err: Error) => void;
  onChange?: (change: { ids: string[]; kind: 'added' | 'deleted' | 'cleared' }) => void;
  /** Progress of converting rows written by schema 1; a line for the log and the dashboard. */
  onMigration?: (status: MigrationStatus, message: string) => void;
  /** better_sqlite3.node built for this runtime, when it is not Node's (Electron). */
  nativeBinding?: string;
}

export interface History {
  readonly file: string;
  /** Queues a record for writing; never blocks, never throws (problems go to onError).
   * Request bodies may be passed as UTF-8 bytes; they are stored and read back as text. */
  add(record: QueuedRecord): void;
  /** Resolves when everything added before the call is committed. */
  flush(): Promise<void>;
  /** Newest first; limit defaults to 50, at most 500. `query.session` keeps one session's exchanges. */
  list(query: HistoryQuery): Promise<HistoryPage>;
  get(id: string): Promise<ExchangeRecord | null>;
  delete(id: string): Promise<boolean>;
  clear(): Promise<number>;
  stats(opts?: { days?: number; now?: number }): Promise<HistoryStats>;
  /** Distinct models, for the UI's filter. */
  models(): Promise<string[]>;
  setRetention(r: RetentionSettings): void;
  /** Sessions by latest activity, newest first; cursor-paginated like list. */
  listSessions(query: SessionQuery): Promise<SessionPage>;
  /** One session with its turns in order; null when unknown. */
  getSession(id: string): Promise<SessionDetail | null>;
  /** What one turn added and its answer; with `prefix`, its prefix's changes against its parent. Null when unknown. */
  getTurn(exchangeId: string, options?: { prefix?: boolean }): Promise<TurnContent | null>;
  /** Where the conversion of schema-1 rows stands ('done' when there was nothing to convert). */
  migrationStatus(): MigrationStatus;
  /** Flushes, stops the writer and closes both connections; idempotent. */
  close(): Promise<void>;
}

export class SqliteHistory implements History {
  readonly file: string;
  /** Exposed for tests that need to crash the writer thread. */
  readonly writer: WriterClient;
  readonly #db: Db;
  readonly #reader: HistoryReader;
  readonly #sessions: SessionReader;
  readonly #turns: TurnReader;
  #closed = false;
  #closePromise: Promise<void> | null = null;

  constructor(file: string, writer: WriterClient, db: Db) {
    this.file = file;
    this.writer = writer;
    this.#db = db;
    this.#reader = new HistoryReader(db);
    this.#sessions = new SessionReader(db);
    this.#turns = new TurnReader(db);
  }

  add(record: QueuedRecord): void {
    this.writer.add(record);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  list(query: HistoryQuery = {}): Promise<HistoryPage> {
    return this.#read(() => this.#reader.list(query));
  }

  listSessions(query: SessionQuery = {}): Promise<SessionPage> {
    return this.#read(() => this.#sessions.list(query));
  }

  getSession(id: string): Promise<SessionDetail | null> {
    return this.#read(() => this.#sessions.get(id));
  }

  getTurn(exchangeId: string, options: { prefix?: boolean } = {}): Promise<TurnContent | null> {
    return this.#read(() => this.#turns.get(exchangeId, options));
  }

  migrationStatus(): MigrationStatus {
    return this.writer.migrationStatus;
  }

  get(id: string): Promise<ExchangeRecord | null> {
    return this.#read(() => this.#reader.get(id));
  }

  stats(opts?: { days?: number; now?: number }): Promise<HistoryStats> {
    return this.#read(() => this.#reader.stats(opts));
  }

  models(): Promise<string[]> {
    return this.#read(() => this.#reader.models());
  }

  async delete(id: string): Promise<boolean> {
    return (await this.writer.request({ kind: 'delete', id })) as boolean;
  }

  async clear(): Promise<number> {
    return (await this.writer.request({ kind: 'clear' })) as number;
  }

  setRetention(retention: RetentionSettings): void {
    this.writer.setRetention(retention);
  }

  close(): Promise<void> {
    this.#closePromise ??= (async () => {
      try {
        await this.writer.close();
      } finally {
        this.#closed = true;
        this.#db.close();
      }
    })();
    return this.#closePromise;
  }

  async #read<T>(query: () => T): Promise<T> {
    if (this.#closed) throw new HistoryError('HISTORY_CLOSED', 'History is closed.');
    return query();
  }
}

/** Opens (creating and migrating if needed) `<dataDir>/history.sqlite`. */
export async function openHistory(opts: HistoryOptions): Promise<History> {
  try {
    ensureDataDir(opts.dataDir);
  } catch (err) {
    throw new HistoryError('HISTORY_OPEN_FAILED', `Cannot create the data folder ${opts.dataDir}: ${(err as Error).message}`, { cause: err });
  }
  const file = historyFile(opts.dataDir);
  const onChange = opts.onChange ?? (() => {});
  const writer = await WriterClient.start({
    file,
    retention: { ...opts.retention },
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    onError: opts.onError ?? (() => {}),
    onChange: (change: Change) => onChange(change),
    ...(opts.onMigration ? { onMigration: opts.onMigration } : {}),
  });
  let db: Db;
  try {
    db = openReadDatabase(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (err) {
    await writer.close();
    throw err;
  }
  return new SqliteHistory(file, writer, db);
}
