import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryError } from './errors.js';
import { openHistory } from './index.js';
import { listQuerySql } from './reader.js';
import { BUSY_TIMEOUT_MS, historyFile, migrate, MIGRATIONS, openReadDatabase, openWriteDatabase, SCHEMA_VERSION, WRITER_CACHE_KIB, type Db } from './schema.js';
import { tempDir } from './testing.js';

const retention = { maxRows: 1000, maxAgeDays: 30 };
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
function track(db: Db): Db {
  cleanups.unshift(() => db.open && db.close());
  return db;
}

describe('opening and migrating', () => {
  it("creates a fresh database at the current version, in WAL mode with NORMAL sync and the writer's page cache", () => {
    const db = track(openWriteDatabase(join(dir(), 'h.sqlite')));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    expect(db.pragma('cache_size', { simple: true })).toBe(-WRITER_CACHE_KIB);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','index','trigger') ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['exchanges', 'exchanges_fts', 'exchanges_started', 'exchanges_model', 'exchanges_status', 'exchanges_path', 'exchanges_fts_delete']));
  });

  it('reopens an up-to-date database without running migrations again', () => {
    const file = join(dir(), 'h.sqlite');
    openWriteDatabase(file).close();
    const db = track(openWriteDatabase(file));
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('migrates an older database up, running only the missing steps in order', () => {
    const file = join(dir(), 'h.sqlite');
    const ran: number[] = [];
    const steps = [
      (db: Db) => (ran.push(0), db.exec('CREATE TABLE a (x INTEGER)')),
      (db: Db) => (ran.push(1), db.exec('ALTER TABLE a ADD COLUMN y TEXT')),
      (db: Db) => (ran.push(2), db.exec("INSERT INTO a VALUES (1, 'migrated')")),
    ];
    openWriteDatabase(file, {}, steps.slice(0, 1)).close();
    expect(ran).toEqual([0]);
    const db = track(openWriteDatabase(file, {}, steps));
    expect(ran).toEqual([0, 1, 2]);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT y FROM a').pluck().get()).toBe('migrated');
  });

  it('rolls a failed migration back entirely', () => {
    const file = join(dir(), 'h.sqlite');
    const steps = [(db: Db) => db.exec('CREATE TABLE a (x INTEGER)')];
    openWriteDatabase(file, {}, steps).close();
    const failing = [...steps, (db: Db) => db.exec('CREATE TABLE b (x INTEGER)'), () => { throw new Error('step 3 broke'); }];
    expect(() => openWriteDatabase(file, {}, failing)).toThrow(/step 3 broke/);
    const db = track(new Database(file));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
  });

  it('refuses a database from a newer version with a typed error and leaves it untouched', async () => {
    const dataDir = dir();
    const file = historyFile(dataDir);
    const future = new Database(file);
    future.exec("CREATE TABLE exchanges (id TEXT); INSERT INTO exchanges VALUES ('keep-me')");
    future.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    future.close();
    const before = readFileSync(file);

    expect(() => openWriteDatabase(file)).toThrow(HistoryError);
    try {
      openWriteDatabase(file);
    } catch (err) {
      expect((err as HistoryError).code).toBe('HISTORY_NEWER_SCHEMA');
      expect((err as HistoryError).message).toMatch(/newer version of Addendum/);
    }
    await expect(openHistory({ dataDir, retention })).rejects.toMatchObject({ name: 'HistoryError', code: 'HISTORY_NEWER_SCHEMA' });

    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = track(new Database(file, { readonly: true }));
    expect(db.prepare('SELECT id FROM exchanges').pluck().all()).toEqual(['keep-me']);
  });

  it('reports a file that is not a database as HISTORY_OPEN_FAILED', async () => {
    const dataDir = dir();
    writeFileSync(historyFile(dataDir), 'this is not sqlite, just text that is long enough to have a header '.repeat(20));
    await expect(openHistory({ dataDir, retention })).rejects.toMatchObject({ code: 'HISTORY_OPEN_FAILED' });
  });

  it('creates a missing data folder, private to the user', async () => {
    const dataDir = join(dir(), 'nested', 'data');
    const history = await openHistory({ dataDir, retention });
    await history.close();
    expect(history.file).toBe(join(dataDir, 'history.sqlite'));
    expect(existsSync(history.file)).toBe(true);
    if (process.platform !== 'win32') expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('opens a read-only connection that cannot write', () => {
    const file = join(dir(), 'h.sqlite');
    openWriteDatabase(file).close();
    const db = track(openReadDatabase(file));
    expect(() => db.exec('DELETE FROM exchanges')).toThrow(/readonly/);
  });

  it('has as many migrations as the schema version', () => {
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });
});

describe('query plans', () => {
  function plan(db: Db, query: Parameters<typeof listQuerySql>[0]): string {
    const built = listQuerySql(query)!;
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${built.sql}`).all(...built.params, 50) as Array<{ detail: string }>;
    return rows.map((r) => r.detail).join(' | ');
  }

  it('lists newest first from an index, without sorting', () => {
    const db = track(openWriteDatabase(join(dir(), 'h.sqlite')));
    const cursor = Buffer.from(JSON.stringify([Date.now(), 10])).toString('base64url');
    for (const query of [{}, { cursor }, { model: 'm' }, { model: 'm', cursor }]) {
      const p = plan(db, query);
      expect(p, JSON.stringify(query)).toMatch(/USING (COVERING )?INDEX exchanges_(started|model)/);
      expect(p, JSON.stringify(query)).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('uses the full-text index for text search', () => {
    const db = track(openWriteDatabase(join(dir(), 'h.sqlite')));
    expect(plan(db, { text: 'hello' })).toMatch(/VIRTUAL TABLE INDEX/);
  });
});
