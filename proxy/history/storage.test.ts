import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { answerFor, fixtureRecord, loadFixture } from './fixtures.js';
import { HistoryReader } from './reader.js';
import { INDEX_BATCH } from './search-index.js';
import { openWriteDatabase, type Db } from './schema.js';
import { tempDir } from './testing.js';
import { HistoryWriter } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function open(retention = { maxRows: 100_000, maxAgeDays: 0 }): { db: Db; writer: HistoryWriter; reader: HistoryReader } {
  const t = tempDir();
  const db = openWriteDatabase(join(t.dir, 'h.sqlite'));
  cleanups.push(() => {
    db.close();
    t.cleanup();
  });
  return { db, writer: new HistoryWriter(db, retention), reader: new HistoryReader(db) };
}
const count = (db: Db, table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

const session = loadFixture('claude-code-2.1.197-session.jsonl');
const APPENDED = '\n\nAnswer like a zebrafish.';

/** The fixture's turns as records; a second replay gets another session id, as a second run would. */
function replay(run: number): ReturnType<typeof fixtureRecord>[] {
  return session.map((req, i) => {
    const headers = { ...req.headers, 'x-claude-code-session-id': `run-${run}` };
    const forwarded = req.body.replace(/"Explain what a proxy is in one line\."/, `"Explain what a proxy is in one line.${APPENDED.replace(/\n/g, '\\n')}"`);
    return fixtureRecord({ headers, body: req.body }, answerFor(session[i + 1]), {
      id: `r${run}-t${i}`,
      startedAt: 1_700_000_000_000 + run * 100_000 + i * 1000,
      forwardedBody: Buffer.from(forwarded),
      modified: forwarded !== req.body,
    });
  });
}

describe('content-addressed request bodies', () => {
  it('reads every turn back byte for byte, as sent and as forwarded', () => {
    const { writer, reader } = open();
    const records = replay(1);
    writer.insertBatch(records);
    for (const r of records) {
      const got = reader.get(r.id)!;
      expect(got.originalBody).toBe(Buffer.from(r.originalBody as Uint8Array).toString());
      expect(got.forwardedBody).toBe(Buffer.from(r.forwardedBody as Uint8Array).toString());
      expect(got.requestHeaders).toEqual(r.requestHeaders);
      expect(got.responseBody).toBe(Buffer.from(r.responseBody as Uint8Array).toString());
    }
  });

  it('stores the tools, the system prompt and every repeated message once, across turns and sessions', () => {
    const { db, writer } = open();
    writer.insertBatch(replay(1));
    const afterOne = count(db, 'parts');
    writer.insertBatch(replay(2));
    expect(count(db, 'parts')).toBe(afterOne);
    // `claude -p` and `claude -c -p` send different tools; every later turn repeats the second.
    const distinctTools = new Set(session.map((r) => JSON.stringify((JSON.parse(r.body) as { tools: unknown }).tools))).size;
    expect(db.prepare("SELECT count(*) FROM parts WHERE kind = 'tools'").pluck().get()).toBe(distinctTools);
    // 10 turns, 21 distinct messages at most (each turn adds a user and an assistant message,
    // and the last user message changes form when it stops being last), plus tools and system.
    expect(afterOne).toBeLessThan(40);
    const stored = db.prepare('SELECT sum(length(data)) FROM parts').pluck().get() as number;
    const sent = session.reduce((n, r) => n + Buffer.byteLength(r.body), 0) * 4;
    expect(stored * 20).toBeLessThan(sent);
  });

  it('tells a body forwarded unchanged from none forwarded at all', () => {
    const { writer, reader } = open();
    const [first] = replay(1);
    writer.insertBatch([
      { ...first!, id: 'same', forwardedBody: first!.originalBody },
      { ...first!, id: 'none', forwardedBody: null },
    ]);
    expect(reader.get('same')!.forwardedBody).toBe(reader.get('same')!.originalBody);
    expect(reader.get('none')!.forwardedBody).toBeNull();
  });

  it('refuses to show a body whose parts were damaged, with a typed error', () => {
    const { db, writer, reader } = open();
    writer.insertBatch(replay(1).slice(0, 1));
    db.prepare("UPDATE parts SET data = X'005B5D' WHERE kind = 'tools'").run();
    expect(() => reader.get('r1-t0')).toThrow(expect.objectContaining({ name: 'HistoryError', code: 'HISTORY_CORRUPT' }));
  });

  it('removes parts no exchange references any more, on delete, retention and clear', () => {
    const { db, writer } = open();
    writer.insertBatch([...replay(1), ...replay(2)]);
    const shared = count(db, 'parts');
    for (const r of replay(1)) writer.delete(r.id);
    expect(count(db, 'parts')).toBe(shared);
    writer.setRetention({ maxRows: 1, maxAgeDays: 0 });
    expect(count(db, 'exchanges')).toBe(1);
    const lastTurn = (JSON.parse(session[9]!.body) as { messages: unknown[] }).messages.length;
    // The kept turn's messages (its forwarded last message too), tools and system.
    expect(count(db, 'parts')).toBeLessThanOrEqual(lastTurn + 3);
    expect(count(db, 'parts_fts')).toBeLessThanOrEqual(lastTurn + 3);
    writer.clear();
    expect([count(db, 'parts'), count(db, 'exchange_parts'), count(db, 'sessions')]).toEqual([0, 0, 0]);
  });

  it('finds a word of any turn, in its request or its response, through the parts index', () => {
    const { writer, reader } = open();
    writer.insertBatch(replay(1));
    writer.indexWaiting();
    const ids = (text: string): string[] => reader.list({ text, limit: 500 }).items.map((i) => i.id).sort();
    // The first user prompt is in every turn's request.
    expect(ids('proxy one line')).toHaveLength(10);
    // "Translate the haiku to French." is the third turn's prompt and stays in every later request.
    expect(ids('translate')).toEqual(replay(1).slice(2).map((r) => r.id).sort());
    // A word of an answer only: the first answer, re-sent from the second turn on, and the response of the first.
    expect(ids('Ünïcödé').length).toBeGreaterThan(0);
    // The sentence appended to forwarded bodies is not indexed apart.
    expect(ids('zebrafish')).toEqual([]);
    expect(ids('nonexistentword')).toEqual([]);
  });
});

describe('the full-text indexes, filled behind the writes', () => {
  const waiting = (db: Db): number => count(db, 'parts_unindexed') + count(db, 'exchanges_unindexed');
  const prompt = (i: number): ReturnType<typeof fixtureRecord> =>
    fixtureRecord({ headers: {}, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `question${i} about nothing` }] }) }, '{}', { id: `q-${i}` });

  it('keeps new parts and rows waiting, across a crash, until a batch gathers or the writer indexes them', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'h.sqlite');
    let db = openWriteDatabase(file);
    let writer = new HistoryWriter(db, { maxRows: 100_000, maxAgeDays: 0 });
    // A word only in the body's small top-level values (its glue), and one only in the answer.
    const own = fixtureRecord(
      { headers: {}, body: JSON.stringify({ model: 'm', metadata: { user_id: 'gluewordxyz' }, messages: [{ role: 'user', content: 'hello' }] }) },
      JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'answerwordxyz' }] }),
      { id: 'own' },
    );
    writer.insertBatch([...replay(1).slice(0, 3), own]);
    const before = waiting(db);
    expect(count(db, 'exchanges_unindexed')).toBe(4);
    expect(before).toBeLessThan(INDEX_BATCH);
    const found = (d: Db, text: string): string[] => new HistoryReader(d).list({ text }).items.map((i) => i.id);
    expect(found(db, 'proxy one line')).toEqual([]);
    // A crash before indexing: the waiting lists are in the file, and the rows' text is rebuilt from the rows.
    db.close();
    db = openWriteDatabase(file);
    cleanups.unshift(() => db.close());
    writer = new HistoryWriter(db, { maxRows: 100_000, maxAgeDays: 0 });
    expect(writer.records.search.waiting).toBe(before);
    expect(writer.indexWaiting()).toBe(before);
    expect(waiting(db)).toBe(0);
    expect(found(db, 'proxy one line')).toHaveLength(3);
    expect(found(db, 'gluewordxyz')).toEqual(['own']);
    expect(found(db, 'answerwordxyz')).toEqual(['own']);
    // Enough new entries index themselves with the batch that brings them (each prompt brings a part and a row).
    let r = 0;
    while (waiting(db) < INDEX_BATCH - 2) writer.insertBatch([prompt(r++)]);
    expect(waiting(db)).toBe(INDEX_BATCH - 2);
    writer.insertBatch([prompt(r++)]);
    expect(waiting(db)).toBe(0);
    expect(found(db, 'question0')).toEqual(['q-0']);
  });

  it('leaves a part it cannot read out of the index instead of stopping there', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'h.sqlite');
    let db = openWriteDatabase(file);
    new HistoryWriter(db, { maxRows: 100, maxAgeDays: 0 }).insertBatch(replay(1).slice(0, 2));
    const first = db.prepare('SELECT min(id) FROM parts_unindexed').pluck().get() as number;
    const parts = count(db, 'parts_unindexed');
    // An unknown codec; reopened, so that no copy of the part is kept in memory.
    db.prepare("UPDATE parts SET data = x'09' WHERE id = ?").run(first);
    db.close();
    db = openWriteDatabase(file);
    cleanups.unshift(() => db.close());
    const writer = new HistoryWriter(db, { maxRows: 100, maxAgeDays: 0 });
    expect(writer.indexWaiting()).toBe(parts + 2);
    expect(waiting(db)).toBe(0);
    // Every other part has its text in the index.
    expect(count(db, 'parts_fts')).toBe(parts - 1);
  });

  it('drops a removed part or row from the waiting lists', () => {
    const { db, writer } = open();
    writer.insertBatch([prompt(1), prompt(2)]);
    expect(count(db, 'exchanges_unindexed')).toBe(2);
    writer.delete('q-1');
    expect(count(db, 'exchanges_unindexed')).toBe(1);
    writer.clear();
    expect(waiting(db)).toBe(0);
    expect(writer.records.search.waiting).toBe(0);
    expect(writer.indexWaiting()).toBe(0);
  });

  it('indexes a new part under an id a removed one had, with the words of the new part', () => {
    const { db, writer, reader } = open();
    writer.insertBatch([prompt(1)]);
    const id = db.prepare('SELECT max(id) FROM parts').pluck().get();
    writer.delete('q-1');
    writer.insertBatch([prompt(2)]);
    expect(db.prepare('SELECT max(id) FROM parts').pluck().get()).toBe(id);
    writer.indexWaiting();
    expect(reader.list({ text: 'question1' }).items).toEqual([]);
    expect(reader.list({ text: 'question2' }).items.map((i) => i.id)).toEqual(['q-2']);
  });
});

describe('the size cap', () => {
  it('deletes the oldest exchanges as rows are added until the file fits, and gives the space back', () => {
    const { db, writer } = open();
    const big = (i: number): ReturnType<typeof fixtureRecord> => {
      // Distinct bodies that barely compress.
      const noise = randomBytes(150_000).toString('base64');
      return fixtureRecord({ headers: {}, body: JSON.stringify({ messages: [{ role: 'user', content: noise }] }) }, '{}', {
        id: `big-${i}`,
        startedAt: 1_700_000_000_000 + i,
      });
    };
    writer.setRetention({ maxRows: 100_000, maxAgeDays: 0, maxDbMb: 1 });
    for (let i = 0; i < 20; i++) {
      writer.insertBatch([big(i)]);
      writer.prune();
    }
    expect(writer.usedBytes()).toBeLessThanOrEqual(1024 * 1024);
    const kept = db.prepare('SELECT id FROM exchanges ORDER BY started_at').pluck().all() as string[];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(20);
    expect(kept.at(-1)).toBe('big-19');
    const pages = db.pragma('page_count', { simple: true }) as number;
    expect(pages * (db.pragma('page_size', { simple: true }) as number)).toBeLessThan(2 * 1024 * 1024);
  });
});
