/**
 * Database file, connection settings and schema migrations.
 *
 * The schema version lives in `PRAGMA user_version`. MIGRATIONS[i] takes a database from
 * version i to i + 1; opening runs every missing step in one transaction, so a crash
 * mid-migration leaves the old version intact. A file from a newer version is refused
 * before anything is written to it.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryError } from './errors.js';
import { SCHEMA_2 } from './schema-2.js';

export type Db = Database.Database;

export const HISTORY_FILE_NAME = 'history.sqlite';

/** Long enough to ride out a checkpoint or a second Addendum process, short enough to report a stuck lock. */
export const BUSY_TIMEOUT_MS = 5_000;

/** Keeps the WAL file from staying huge after a burst of large bodies. */
const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/**
 * The writer's page cache, in KiB. better-sqlite3 builds SQLite with 16 MB per connection,
 * which the writer fills as the file grows and keeps for good: in a 10 000-request soak that
 * was 14 MB of the writer thread's memory. With this size, building a 100 000-turn file took no
 * longer (199 against 205 s) and a turn of a 500-turn session as long (1.43 against 1.46 ms,
 * `npm run bench:history`): pages it misses come from the OS's file cache.
 */
export const WRITER_CACHE_KIB = 2048;

type Migration = (db: Db) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: exchanges and their full-text index.
  (db) => {
    // Small columns first and bodies last: list queries then read a row's local page only,
    // never the overflow chain that holds multi-megabyte bodies. Sizes are stored so the
    // list can show them without touching the bodies either.
    db.exec(`
      CREATE TABLE exchanges (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        started_at INTEGER NOT NULL,
        ttfb_ms INTEGER,
        duration_ms INTEGER,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        dialect TEXT NOT NULL,
        model TEXT,
        stream INTEGER NOT NULL,
        status INTEGER,
        outcome TEXT NOT NULL,
        stop_reason TEXT,
        usage_input INTEGER,
        usage_output INTEGER,
        usage_cache_read INTEGER,
        usage_cache_creation INTEGER,
        error TEXT,
        user_agent TEXT,
        modified INTEGER NOT NULL,
        response_truncated INTEGER NOT NULL,
        original_size INTEGER NOT NULL,
        forwarded_size INTEGER NOT NULL,
        response_size INTEGER NOT NULL,
        assembled_size INTEGER NOT NULL,
        request_headers TEXT NOT NULL,
        response_headers TEXT NOT NULL,
        original_body TEXT,
        forwarded_body TEXT,
        response_body TEXT,
        assembled TEXT
      ) STRICT;

      -- Ascending indexes scanned backwards give (started_at DESC, seq DESC), the list order,
      -- because an index entry ends with the rowid.
      CREATE INDEX exchanges_started ON exchanges(started_at);
      CREATE INDEX exchanges_model ON exchanges(model, started_at);
      CREATE INDEX exchanges_status ON exchanges(status, started_at);
      CREATE INDEX exchanges_path ON exchanges(path, started_at);

      -- Contentless: the bodies already live in exchanges; the index holds only tokens.
      -- The writer inserts the searchable text explicitly; deletes follow by trigger so
      -- retention, delete and clear can never leave stale matches behind.
      CREATE VIRTUAL TABLE exchanges_fts USING fts5(
        original, forwarded, response,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER exchanges_fts_delete AFTER DELETE ON exchanges BEGIN
        DELETE FROM exchanges_fts WHERE rowid = old.seq;
      END;
    `);
  },
  // 1 -> 2: content-addressed parts, sessions and turns (see schema-2.ts). Rows written
  // before stay in their text columns (body_format 1) until the background conversion.
  (db) => db.exec(SCHEMA_2),
  // 2 -> 3: the exchange a dashboard replay was sent from, and the row whose parts a turn's
  // body took over instead of linking each again (parts.ts). Nullable and without a
  // default, so adding them rewrites no row of an existing file.
  (db) =>
    db.exec(`
      ALTER TABLE exchanges ADD COLUMN replay_of TEXT;
      ALTER TABLE exchanges ADD COLUMN parts_base INTEGER;
      CREATE INDEX exchanges_parts_base ON exchanges(parts_base) WHERE parts_base IS NOT NULL;
    `),
  // 3 -> 4: parts and rows waiting for the full-text indexes (search-index.ts), and manifests
  // stored as deltas (manifest-chain.ts). A schema-3 file's parts and rows were indexed as
  // they were stored, so none waits, and its manifests are whole (manifest_delta NULL).
  (db) =>
    db.exec(`
      ALTER TABLE exchanges ADD COLUMN manifest_delta INTEGER;
      CREATE TABLE parts_unindexed (id INTEGER PRIMARY KEY) STRICT;
      CREATE TRIGGER parts_unindexed_delete AFTER DELETE ON parts BEGIN
        DELETE FROM parts_unindexed WHERE id = old.id;
      END;
      CREATE TABLE exchanges_unindexed (seq INTEGER PRIMARY KEY) STRICT;
      CREATE TRIGGER exchanges_unindexed_delete AFTER DELETE ON exchanges BEGIN
        DELETE FROM exchanges_unindexed WHERE seq = old.seq;
      END;
    `),
  // 4 -> 5: how many of a session's exchanges have a cost estimate. Removing exchanges then
  // subtracts theirs from the session's aggregates instead of summing all that is left
  // (session-writer.ts), and this count tells a cost of zero from no estimate at all.
  (db) =>
    db.exec(`
      ALTER TABLE sessions ADD COLUMN priced INTEGER NOT NULL DEFAULT 0;
      UPDATE sessions SET priced = (SELECT count(cost) FROM exchanges WHERE session = sessions.id);
    `),
  // 5 -> 6: manifests may hold edited parts (manifest.ts). Nothing to convert; the number
  // keeps a build that cannot read them from opening the file and calling them damaged.
  () => undefined,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function historyFile(dataDir: string): string {
  return join(dataDir, HISTORY_FILE_NAME);
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

export function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings `db` to SCHEMA_VERSION. Throws HISTORY_NEWER_SCHEMA without writing for a newer file. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  const from = userVersion(db);
  if (from > migrations.length) throw newerSchemaError(from, migrations.length);
  if (from === migrations.length) return from;
  db.transaction(() => {
    for (let v = from; v < migrations.length; v++) {
      migrations[v]!(db);
    }
    // Written last, inside the transaction: the version changes only if every step did.
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
  return from;
}

function newerSchemaError(found: number, supported: number): HistoryError {
  return new HistoryError(
    'HISTORY_NEWER_SCHEMA',
    `The history database was created by a newer version of Addendum (schema ${found}, this version supports up to ${supported}). ` +
      'Update Addendum or choose another data folder; the file was left untouched.',
  );
}

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for the current runtime (Electron has its own ABI). */
  nativeBinding?: string;
}

/** The single writer connection: creates the file, switches it to WAL and migrates it. */
export function openWriteDatabase(file: string, options: OpenOptions = {}, migrations: readonly Migration[] = MIGRATIONS): Db {
  let db: Db;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (err) {
    throw openFailed(file, err);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Checked before the journal mode changes: a newer file must not be modified at all.
    const found = userVersion(db);
    if (found > migrations.length) throw newerSchemaError(found, migrations.length);
    // Only takes effect before the first table exists: a new file gives freed pages back to
    // the file system on `incremental_vacuum`; an older one switches by one VACUUM (migrate-rows.ts).
    if (db.pragma('page_count', { simple: true }) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL is still crash-safe for the application (a killed process loses
    // nothing committed); only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof HistoryError) throw err;
    throw openFailed(file, err);
  }
}

/** A read-only connection for queries; WAL lets it read while the writer commits. */
export function openReadDatabase(file: string, options: OpenOptions = {}): Db {
  try {
    const db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const found = userVersion(db);
    if (found !== SCHEMA_VERSION) {
      db.close();
      throw found > SCHEMA_VERSION
        ? newerSchemaError(found, SCHEMA_VERSION)
        : new HistoryError('HISTORY_OPEN_FAILED', `History database at ${file} is at schema ${found}, expected ${SCHEMA_VERSION}.`);
    }
    return db;
  } catch (err) {
    if (err instanceof HistoryError) throw err;
    throw openFailed(file, err);
  }
}

function openFailed(file: string, err: unknown): HistoryError {
  const reason = err instanceof Error ? err.message : String(err);
  return new HistoryError('HISTORY_OPEN_FAILED', `Cannot open the history database at ${file}: ${reason}`, { cause: err });
}
