import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../contract/types.js';
import { openWriteDatabase, type Db } from './schema.js';
import { makeRecord, tempDir } from './testing.js';
import { HistoryWriter, isRecordError, normalizeRetention, rowsOverSize } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function openDb(): { db: Db; file: string } {
  const t = tempDir();
  const file = join(t.dir, 'h.sqlite');
  const db = openWriteDatabase(file);
  cleanups.push(() => {
    db.close();
    t.cleanup();
  });
  return { db, file };
}

describe('HistoryWriter', () => {
  it('stores a batch, and ignores a record resent after a writer restart', () => {
    const { db } = openDb();
    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 30 });
    const records = [makeRecord({ id: 'w1' }), makeRecord({ id: 'w2' })];
    expect(writer.insertBatch(records)).toEqual({ ids: ['w1', 'w2'], failures: [] });
    expect(writer.insertBatch([records[1]!, makeRecord({ id: 'w3' })])).toEqual({ ids: ['w2', 'w3'], failures: [] });
    expect(db.prepare('SELECT count(*) FROM exchanges').pluck().get()).toBe(3);
    writer.indexWaiting();
    expect(db.prepare('SELECT count(*) FROM exchanges_fts').pluck().get()).toBe(3);
  });

  it('drops only the records that cannot be stored', () => {
    const { db } = openDb();
    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 30 });
    const bad = { ...makeRecord({ id: 'bad' }), path: undefined } as unknown as ExchangeRecord;
    const result = writer.insertBatch([makeRecord({ id: 'ok1' }), bad, makeRecord({ id: 'ok2' })]);
    expect(result.ids).toEqual(['ok1', 'ok2']);
    expect(result.failures).toEqual([{ id: 'bad', message: expect.stringMatching(/NOT NULL/) }]);
  });

  it('fails a whole batch at once when the database is locked, without retrying each record', () => {
    const { db, file } = openDb();
    db.pragma('busy_timeout = 0');
    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 30 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const result = writer.insertBatch([makeRecord({ id: 'l1' }), makeRecord({ id: 'l2' })]);
      expect(result.ids).toEqual([]);
      expect(result.failures.map((f) => f.id)).toEqual(['l1', 'l2']);
      expect(result.failures[0]!.message).toMatch(/locked/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('prunes by age first, then by row count, newest kept', () => {
    const { db } = openDb();
    const now = Date.now();
    const writer = new HistoryWriter(db, { maxRows: 2, maxAgeDays: 1 });
    writer.insertBatch([
      makeRecord({ id: 'old', startedAt: now - 2 * 86_400_000 }),
      makeRecord({ id: 'a', startedAt: now - 3000 }),
      makeRecord({ id: 'b', startedAt: now - 2000 }),
      makeRecord({ id: 'c', startedAt: now - 1000 }),
    ]);
    writer.indexWaiting();
    expect(writer.prune(now)).toEqual(['old', 'a']);
    expect(db.prepare('SELECT id FROM exchanges ORDER BY started_at').pluck().all()).toEqual(['b', 'c']);
    expect(db.prepare('SELECT count(*) FROM exchanges_fts').pluck().get()).toBe(2);
  });

  it('keeps the row cap exact through resends, deletes, a clear, failed batches and rows another connection wrote', () => {
    const { db, file } = openDb();
    const writer = new HistoryWriter(db, { maxRows: 5, maxAgeDays: 0 });
    const t0 = 1_700_000_000_000;
    let n = 0;
    const next = (): ExchangeRecord => makeRecord({ id: `k${n}`, startedAt: t0 + n++ * 1000 });
    const ids = (): string[] => db.prepare('SELECT id FROM exchanges ORDER BY started_at').pluck().all() as string[];
    const add = (records: ExchangeRecord[]): void => {
      writer.insertBatch(records);
      writer.prune();
    };
    add([next(), next(), next()]);
    // A resend of a stored record adds no row, so it must not count as one.
    add([makeRecord({ id: 'k0', startedAt: t0 })]);
    add([next(), next(), next()]);
    expect(ids()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(writer.delete('k3')).toBe(true);
    add([next()]);
    expect(ids()).toEqual(['k1', 'k2', 'k4', 'k5', 'k6']);

    // A second writer on the same file (another Addendum on this data folder) deletes a row:
    // counting on from before would take one row too many.
    const other = openWriteDatabase(file);
    expect(new HistoryWriter(other, { maxRows: 100, maxAgeDays: 0 }).delete('k5')).toBe(true);
    other.close();
    add([next()]);
    expect(ids()).toEqual(['k1', 'k2', 'k4', 'k6', 'k7']);

    // A batch the database refuses leaves the count to be taken again.
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON exchanges BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(writer.insertBatch([next()]).failures).toHaveLength(1);
    db.exec('DROP TRIGGER refuse');
    add([next()]);
    expect(ids()).toEqual(['k2', 'k4', 'k6', 'k7', 'k9']);

    expect(writer.clear()).toBe(5);
    add([next(), next()]);
    expect(ids()).toEqual(['k10', 'k11']);
  });

  it('clears rows and their index entries', () => {
    const { db } = openDb();
    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 30 });
    writer.insertBatch([makeRecord(), makeRecord()]);
    expect(writer.clear()).toBe(2);
    expect(db.prepare('SELECT count(*) FROM exchanges_fts').pluck().get()).toBe(0);
  });
});

describe('policies', () => {
  it('treats invalid retention limits as no limit', () => {
    expect(normalizeRetention({ maxRows: 10, maxAgeDays: 1 })).toEqual({ maxRows: 10, maxAgeMs: 86_400_000, maxBytes: 1024 * 1048576 });
    expect(normalizeRetention({ maxRows: 0, maxAgeDays: 0, maxDbMb: 0 })).toEqual({ maxRows: null, maxAgeMs: null, maxBytes: null });
    expect(normalizeRetention({ maxRows: 1.5, maxAgeDays: Number.NaN, maxDbMb: Number.NaN })).toEqual({ maxRows: null, maxAgeMs: null, maxBytes: null });
    expect(normalizeRetention({ maxRows: 1, maxAgeDays: 1, maxDbMb: 2 }).maxBytes).toBe(2 * 1048576);
  });

  it('deletes the oldest rows in proportion to the excess over the size cap, one bounded step at a time', () => {
    expect(rowsOverSize(100, 200, 50)).toBe(0);
    expect(rowsOverSize(200, 100, 1000)).toBe(500);
    expect(rowsOverSize(110, 100, 100)).toBe(10);
    expect(rowsOverSize(101, 100, 3)).toBe(1);
    expect(rowsOverSize(500, 100, 0)).toBe(0);
  });

  it('tells record errors from database errors', () => {
    expect(isRecordError(new TypeError('Missing named parameter'))).toBe(true);
    expect(isRecordError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_NOTNULL' }))).toBe(true);
    expect(isRecordError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isRecordError(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBe(false);
    expect(isRecordError(null)).toBe(false);
  });
});
