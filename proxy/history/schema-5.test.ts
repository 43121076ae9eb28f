import { afterEach, describe, expect, it } from 'vitest';
import { historyFile, MIGRATIONS, openWriteDatabase, SCHEMA_VERSION } from './schema.js';
import { tempDir } from './testing.js';
import { HistoryWriter } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("schema 5: how many of a session's exchanges have a cost estimate", () => {
  it('counts them in a schema-4 file, and removing exchanges then keeps each cost exact', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = historyFile(t.dir);
    const old = openWriteDatabase(file, {}, MIGRATIONS.slice(0, 4));
    old.exec("INSERT INTO sessions (id, key, first_at, last_at, turns, cost) VALUES (1, 'h:a', 1, 3, 3, 0.3), (2, 'h:b', 4, 4, 1, NULL)");
    const row = old.prepare(
      `INSERT INTO exchanges (id, started_at, method, path, dialect, stream, outcome, modified, response_truncated,
         original_size, forwarded_size, response_size, assembled_size, request_headers, response_headers, body_format, session, cost)
       VALUES (?, ?, 'POST', '/v1/messages', 'anthropic', 0, 'ok', 0, 0, 0, 0, 0, 0, '', '', 2, ?, ?)`,
    );
    row.run('a1', 1, 1, 0.1);
    row.run('a2', 2, 1, null);
    row.run('a3', 3, 1, 0.2);
    row.run('b1', 4, 2, null);
    expect(old.pragma('user_version', { simple: true })).toBe(4);
    old.close();

    const db = openWriteDatabase(file);
    cleanups.unshift(() => db.close());
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT key, priced FROM sessions ORDER BY id').all()).toEqual([
      { key: 'h:a', priced: 2 },
      { key: 'h:b', priced: 0 },
    ]);
    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 0 });
    const session = (): unknown => db.prepare("SELECT turns, round(cost, 9) AS cost, first_at, last_at FROM sessions WHERE key = 'h:a'").get();
    writer.delete('a1');
    expect(session()).toEqual({ turns: 2, cost: 0.2, first_at: 2, last_at: 3 });
    writer.delete('a3');
    expect(session()).toEqual({ turns: 1, cost: null, first_at: 2, last_at: 2 });
  });
});
