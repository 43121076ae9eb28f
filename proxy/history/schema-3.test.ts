import { afterEach, describe, expect, it } from 'vitest';
import { HistoryReader } from './reader.js';
import { ROW_COLUMNS } from './rows.js';
import { historyFile, MIGRATIONS, openWriteDatabase, SCHEMA_VERSION } from './schema.js';
import { makeRecord, tempDir } from './testing.js';
import { HistoryWriter } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('schema 3: the replay link', () => {
  it('opens a schema-2 file, keeps its rows unlinked, and stores links from then on', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = historyFile(t.dir);
    const old = openWriteDatabase(file, {}, MIGRATIONS.slice(0, 2));
    const r = makeRecord({ id: 'written-by-schema-2' });
    old.prepare(`INSERT INTO exchanges (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map((c) => `@${c}`).join(', ')})`).run({
      id: r.id, started_at: r.startedAt, ttfb_ms: 1, duration_ms: 2, method: 'POST', path: '/v1/messages', dialect: 'anthropic',
      model: 'm', stream: 0, status: 200, outcome: 'ok', stop_reason: null, usage_input: null, usage_output: null,
      usage_cache_read: null, usage_cache_creation: null, error: null, user_agent: null, modified: 0, response_truncated: 0,
      original_size: 2, forwarded_size: 2, response_size: 0, assembled_size: 0, request_headers: '{}', response_headers: '{}',
      original_body: '{}', forwarded_body: '{}', response_body: null, assembled: null,
    });
    expect(old.pragma('user_version', { simple: true })).toBe(2);
    old.close();

    const db = openWriteDatabase(file);
    cleanups.unshift(() => db.close());
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const columns = db.prepare("SELECT name, \"notnull\", dflt_value FROM pragma_table_info('exchanges') WHERE name = 'replay_of'").all();
    expect(columns).toEqual([{ name: 'replay_of', notnull: 0, dflt_value: null }]);

    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 0 });
    const replay = makeRecord({ id: 'the-replay', replayOf: 'written-by-schema-2' });
    expect(writer.insertBatch([replay]).failures).toEqual([]);
    const reader = new HistoryReader(db);
    expect(reader.get('written-by-schema-2')).not.toHaveProperty('replayOf');
    expect(reader.get('the-replay')).toMatchObject({ replayOf: 'written-by-schema-2', session: 'x:the-replay' });
    expect(reader.list({}).items.find((i) => i.id === 'the-replay')).toMatchObject({ replayOf: 'written-by-schema-2' });
  });
});
