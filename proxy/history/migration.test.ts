import { afterEach, describe, expect, it } from 'vitest';
import { answerFor, loadFixture } from './fixtures.js';
import { openHistory } from './index.js';
import { RowConverter } from './migrate-rows.js';
import { HistoryReader } from './reader.js';
import { ROW_COLUMNS } from './rows.js';
import { historyFile, MIGRATIONS, openWriteDatabase, type Db } from './schema.js';
import { searchableText } from './search-text.js';
import type { MigrationStatus } from './session-types.js';
import { SessionReader } from './session-reader.js';
import { makeRecord, tempDir } from './testing.js';
import { HistoryWriter } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const session = loadFixture('claude-code-2.1.197-session.jsonl');
const RUNS = 3;

/**
 * A schema-1 file as the previous version wrote it: its migration (MIGRATIONS[0]) and its
 * insert (every column of ROW_COLUMNS, bodies as text, request and response in the index).
 */
function schema1File(dir: string): { file: string; bodies: Map<string, string> } {
  const file = historyFile(dir);
  const db = openWriteDatabase(file, {}, MIGRATIONS.slice(0, 1));
  const insert = db.prepare(`INSERT INTO exchanges (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map((c) => `@${c}`).join(', ')}) RETURNING seq`);
  const fts = db.prepare('INSERT INTO exchanges_fts (rowid, original, forwarded, response) VALUES (?, ?, NULL, ?)');
  const bodies = new Map<string, string>();
  for (let run = 0; run < RUNS; run++) {
    session.forEach((req, i) => {
      const r = makeRecord({ id: `old-${run}-${i}`, startedAt: 1_700_000_000_000 + run * 100_000 + i * 1000 });
      const response = answerFor(session[i + 1]);
      const headers = { ...req.headers, 'x-claude-code-session-id': `old-run-${run}` };
      const row = {
        id: r.id, started_at: r.startedAt, ttfb_ms: 10, duration_ms: 20, method: 'POST', path: '/v1/messages', dialect: 'anthropic',
        model: 'claude-opus-4-8', stream: 0, status: 200, outcome: 'ok', stop_reason: 'end_turn', usage_input: 1, usage_output: 2,
        usage_cache_read: 3, usage_cache_creation: 4, error: null, user_agent: req.headers['user-agent'], modified: 0, response_truncated: 0,
        original_size: Buffer.byteLength(req.body), forwarded_size: Buffer.byteLength(req.body), response_size: Buffer.byteLength(response),
        assembled_size: 0, request_headers: JSON.stringify(headers), response_headers: '{"content-type":"application/json"}',
        original_body: req.body, forwarded_body: req.body, response_body: response, assembled: null,
      };
      const { seq } = insert.get(row) as { seq: number };
      fts.run(seq, searchableText(req.body), searchableText(response));
      bodies.set(r.id, req.body);
    });
  }
  db.close();
  return { file, bodies };
}

function reopen(file: string): { db: Db; writer: HistoryWriter } {
  const db = openWriteDatabase(file);
  return { db, writer: new HistoryWriter(db, { maxRows: 100_000, maxAgeDays: 0 }) };
}

describe('converting a schema-1 database', () => {
  it('loses nothing when a conversion step fails midway: new turns stored after it read back whole', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { file, bodies } = schema1File(t.dir);
    const { db, writer } = reopen(file);
    cleanups.push(() => db.close());
    const converter = new RowConverter(db, writer.records);
    // A full disk, simulated: the step's turn placement fails after its parts were stored.
    db.exec("CREATE TRIGGER full BEFORE UPDATE OF session ON exchanges WHEN NEW.session IS NOT NULL BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => converter.step(3)).toThrow('disk full');
    db.exec('DROP TRIGGER full');
    expect(db.prepare('SELECT count(*) FROM parts').pluck().get()).toBe(0);
    // The same messages again, as a new turn: the parts the failed step stored must not be reused.
    const [first] = session;
    writer.insertBatch([{ ...makeRecord({ id: 'after-failure' }), originalBody: Buffer.from(first!.body), forwardedBody: Buffer.from(first!.body) }]);
    while (converter.step(7) > 0);
    const reader = new HistoryReader(db);
    expect(reader.get('after-failure')!.originalBody).toBe(first!.body);
    for (const [id, body] of bodies) expect(reader.get(id)?.originalBody, id).toBe(body);
  });

  it('converts in bounded batches, reads both shapes meanwhile, and resumes after a crash', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { file, bodies } = schema1File(t.dir);
    const total = RUNS * session.length;

    let { db, writer } = reopen(file);
    let converter = new RowConverter(db, writer.records);
    expect(converter.status).toEqual({ state: 'converting', rowsDone: 0, rowsTotal: total, bytesFreed: 0 });
    expect(converter.step(7)).toBe(7);
    const reader = new HistoryReader(db);
    // Half converted: every row reads back the same, and search finds rows of both shapes.
    for (const [id, body] of bodies) expect(reader.get(id)?.originalBody, id).toBe(body);
    expect(reader.list({ text: 'translate', limit: 500 }).items).toHaveLength(RUNS * 8);
    // A crash: the connection goes away between batches.
    db.close();

    ({ db, writer } = reopen(file));
    cleanups.push(() => db.close());
    converter = new RowConverter(db, writer.records);
    expect(converter.status.rowsTotal).toBe(total - 7);
    while (converter.step(7) > 0);
    expect(converter.status.state).toBe('compacting');
    const done = converter.compact();
    expect(done.state).toBe('done');
    expect(done.bytesFreed).toBeGreaterThan(0);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.prepare('SELECT count(*) FROM exchanges WHERE body_format = 1').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM exchanges WHERE original_body IS NOT NULL').pluck().get()).toBe(0);

    const after = new HistoryReader(db);
    for (const [id, body] of bodies) {
      const rec = after.get(id)!;
      expect(rec.originalBody, id).toBe(body);
      expect(rec.requestHeaders['x-claude-code-session-id']).toMatch(/^old-run-/);
    }
    expect(after.list({ text: 'translate', limit: 500 }).items).toHaveLength(RUNS * 8);
    const sessions = new SessionReader(db).list({});
    expect(sessions.items.map((s) => [s.id, s.turns])).toEqual([2, 1, 0].map((run) => [`h:old-run-${run}`, session.length]));
  });

  it('runs in the background of an opened history and reports its progress', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { bodies } = schema1File(t.dir);
    const seen: MigrationStatus[] = [];
    const messages: string[] = [];
    const history = await openHistory({
      dataDir: t.dir,
      retention: { maxRows: 100_000, maxAgeDays: 0 },
      onMigration: (status, message) => {
        seen.push(status);
        messages.push(message);
      },
    });
    // Readable at once, whatever the conversion has reached.
    expect((await history.get('old-0-3'))?.originalBody).toBe(bodies.get('old-0-3'));
    history.add({ ...makeRecord({ id: 'new-1' }) });
    await history.flush();
    for (let i = 0; i < 200 && history.migrationStatus().state !== 'done'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(history.migrationStatus()).toMatchObject({ state: 'done', rowsDone: RUNS * session.length, rowsTotal: RUNS * session.length });
    expect(seen[0]!.state).toBe('converting');
    expect(messages.at(-1)).toMatch(/conversion finished, 30 exchanges converted, [\d.]+ MB given back/);
    expect((await history.get('new-1'))?.id).toBe('new-1');
    expect((await history.get('old-2-9'))?.originalBody).toBe(bodies.get('old-2-9'));
    await history.close();
  });
});
