import { afterEach, describe, expect, it } from 'vitest';
import { HistoryReader } from './reader.js';
import { historyFile, MIGRATIONS, openWriteDatabase, SCHEMA_VERSION } from './schema.js';
import { makeRecord, tempDir } from './testing.js';
import { HistoryWriter } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('schema 4: parts and rows waiting for the full-text indexes, manifests as deltas', () => {
  it('opens a schema-3 file with nothing waiting, keeps its search, and indexes new parts behind the writes', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = historyFile(t.dir);
    const old = openWriteDatabase(file, {}, MIGRATIONS.slice(0, 3));
    // Schema 3's writer indexed each part as it stored it.
    old.prepare("INSERT INTO parts (id, hash, kind, size, data) VALUES (1, x'01', 'message', 5, x'00') ").run();
    old.prepare("INSERT INTO parts_fts (rowid, text) VALUES (1, 'platypusword')").run();
    old.prepare("INSERT INTO exchange_parts (part, seq) VALUES (1, 1)").run();
    expect(old.pragma('user_version', { simple: true })).toBe(3);
    old.close();

    const db = openWriteDatabase(file);
    cleanups.unshift(() => db.close());
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const waiting = (): number =>
      db.prepare('SELECT (SELECT count(*) FROM parts_unindexed) + (SELECT count(*) FROM exchanges_unindexed)').pluck().get() as number;
    expect(waiting()).toBe(0);
    // Added without a default, so no row of the file is rewritten; NULL means whole manifests.
    const column = db.prepare("SELECT name, \"notnull\", dflt_value FROM pragma_table_info('exchanges') WHERE name = 'manifest_delta'").all();
    expect(column).toEqual([{ name: 'manifest_delta', notnull: 0, dflt_value: null }]);
    expect(db.prepare("SELECT rowid FROM parts_fts WHERE parts_fts MATCH 'platypusword'").pluck().all()).toEqual([1]);

    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 0 });
    const r = makeRecord({ id: 'new', originalBody: JSON.stringify({ messages: [{ role: 'user', content: 'echidnaword' }] }) });
    expect(writer.insertBatch([r]).failures).toEqual([]);
    // Its one new part, and its row (the response's words).
    expect(waiting()).toBe(2);
    const reader = new HistoryReader(db);
    expect(reader.list({ text: 'echidnaword' }).items).toEqual([]);
    writer.indexWaiting();
    expect(reader.list({ text: 'echidnaword' }).items.map((i) => i.id)).toEqual(['new']);
    // The triggers: a row and a part that go take their waiting rows along.
    writer.insertBatch([makeRecord({ id: 'newer', originalBody: JSON.stringify({ messages: [{ role: 'user', content: 'quollword' }] }) })]);
    expect(waiting()).toBe(2);
    writer.delete('newer');
    expect(waiting()).toBe(0);
  });
});
