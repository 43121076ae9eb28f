/**
 * Turns stored from the turn before (parts.ts, body-diff.ts): only new parts are linked, and
 * removing rows in any order, a failed transaction or an older row's check never costs a
 * byte of what is left. With the forwarded body handed over as bytes, and as the proxy
 * hands it over: the modifier's splice of the sent body (edited-body.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rng, sourceFile } from '../../bench/bodies.js';
import { spliceMessagesBody } from '../modifier/splice.js';
import { sha256 } from './body-digest.js';
import { splitBody } from './body-split.js';
import { editedSegments } from './edited-body.js';
import { forwardedBytes } from './forwarded-body.js';
import { DELTA_DEPTH_MAX, DELTA_FORWARDED, DELTA_ORIGINAL } from './manifest-chain.js';
import { answerFor, fixtureRecord, loadFixture } from './fixtures.js';
import type { QueuedRecord } from './protocol.js';
import type { HistoryReader } from './reader.js';
import type { Db } from './schema.js';
import { openTestHistory } from './testing.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
const open = (): ReturnType<typeof openTestHistory> => openTestHistory(cleanups);
const count = (db: Db, sql: string): number => db.prepare(sql).pluck().get() as number;

const fixture = loadFixture('claude-code-2.1.197-session.jsonl');
const last = fixture[fixture.length - 1]!;
type Body = { messages: Array<{ role: string; content: unknown }>; [k: string]: unknown };

/** What the modifier does: a text block after the last user message's content. */
function forwarded(body: Body): string {
  const messages = body.messages.map((m, i) =>
    i === body.messages.length - 1 ? { ...m, content: [...(Array.isArray(m.content) ? m.content : [{ type: 'text', text: m.content }]), { type: 'text', text: 'Answer briefly.' }] } : m,
  );
  return JSON.stringify({ ...body, messages });
}

type ForwardAs = 'bytes' | 'splice';
const MODIFIER = 'Answer briefly.';
/** What the modifier's splice inserts into a tool result's content blocks. */
const INSERT = `,{"type":"text","text":"${MODIFIER}"}`;
/** How the current describe block hands the forwarded body over. */
let forwardAs: ForwardAs = 'bytes';

/** `turns` turns of one Claude Code session, each adding a tool call and its result, the first one with a unique word. */
function session(turns: number, sessionId = 'cont'): QueuedRecord[] {
  const base = JSON.parse(last.body) as Body;
  const messages = [...base.messages];
  const out: QueuedRecord[] = [];
  for (let t = 0; t < turns; t++) {
    const id = `toolu_${t}`;
    const content = t === 0 ? `quokkaword ${sourceFile(rng(t), 30)}` : sourceFile(rng(t), 30);
    messages.push(
      { role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: { file_path: `/src/f${t}.ts` } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content }] },
    );
    const body: Body = { ...base, messages: [...messages] };
    const sent = Buffer.from(JSON.stringify(body));
    const splice = forwardAs === 'splice' ? spliceMessagesBody(sent, MODIFIER) : null;
    if (forwardAs === 'splice') expect(splice?.edits).not.toBeNull();
    out.push(
      fixtureRecord({ headers: { ...last.headers, 'x-claude-code-session-id': sessionId }, body: '' }, answerFor(undefined), {
        id: `${sessionId}-${t}`,
        startedAt: 1_700_000_000_000 + t,
        originalBody: sent,
        forwardedBody: splice ? { edits: splice.edits! } : Buffer.from(forwarded(body)),
        modified: true,
      }),
    );
  }
  return out;
}

function expectIntact(reader: HistoryReader, records: readonly QueuedRecord[]): void {
  for (const r of records) {
    const got = reader.get(r.id)!;
    expect(got.originalBody, r.id).toBe(Buffer.from(r.originalBody as Uint8Array).toString());
    expect(got.forwardedBody, r.id).toBe(Buffer.from(forwardedBytes(r) as Uint8Array).toString());
  }
}

describe.each(['bytes', 'splice'] as const)('turns stored from the turn before, forwarded body as %s', (as) => {
  beforeEach(() => {
    forwardAs = as;
  });

  it('links only each turn its new parts, and reads every turn back byte for byte', () => {
    const { db, writer, reader } = open();
    const records = session(40);
    for (const r of records) writer.insertBatch([r]);
    expectIntact(reader, records);
    const bases = db.prepare('SELECT parts_base FROM exchanges ORDER BY seq').pluck().all() as Array<number | null>;
    const seqs = db.prepare('SELECT seq FROM exchanges ORDER BY seq').pluck().all() as number[];
    expect(bases[0]).toBeNull();
    expect(bases.slice(1)).toEqual(seqs.slice(0, -1));
    // Linking every part of every turn would take about 40 x 60; each turn adds a few.
    const links = count(db, 'SELECT count(*) FROM exchange_parts');
    const firstTurn = count(db, `SELECT count(*) FROM exchange_parts WHERE seq = ${seqs[0]}`);
    expect(links - firstTurn).toBeLessThanOrEqual(39 * 4);
  });

  it('stores manifests as deltas on the turn before, whole again at least every DELTA_DEPTH_MAX turns', () => {
    const { db, writer, reader } = open();
    const records = session(40);
    for (const r of records) writer.insertBatch([r]);
    const rows = db.prepare('SELECT manifest_delta AS d, length(original_manifest) AS o, length(forwarded_manifest) AS f FROM exchanges ORDER BY seq').all() as Array<{ d: number; o: number; f: number | null }>;
    expect(rows[0]!.d & DELTA_ORIGINAL).toBe(0);
    let depth = 0;
    for (const row of rows) {
      depth = row.d & DELTA_ORIGINAL ? depth + 1 : 0;
      expect(depth).toBeLessThan(DELTA_DEPTH_MAX);
      // The forwarded body differs from the sent one in its last message only; a splice's
      // edited message is the sent part and the inserted bytes.
      expect(row.d & DELTA_FORWARDED).toBe(DELTA_FORWARDED);
      expect(row.f!).toBeLessThan(16 + (as === 'splice' ? INSERT.length : 0));
    }
    const deltas = rows.filter((row) => row.d & DELTA_ORIGINAL);
    expect(deltas.length).toBeGreaterThanOrEqual(rows.length - Math.ceil(rows.length / (DELTA_DEPTH_MAX - 1)) - 1);
    // A turn adds two messages: its delta is a few entries, whatever the conversation's length.
    for (const row of deltas) expect(row.o).toBeLessThan(24);
    expectIntact(reader, records);
  });

  it('stores the edited last message of a splice as the sent part and its edits, and keeps that part while a turn needs it', () => {
    const { db, writer, reader } = open();
    const records = session(20);
    for (const r of records) writer.insertBatch([r]);
    const sentParts = new Set<string>();
    for (const r of records) {
      const sent = r.originalBody as Buffer;
      for (const seg of splitBody(sent).segments) if (seg.kind === 'part') sentParts.add(sha256(sent.subarray(seg.start, seg.end)).toString('hex'));
    }
    // Handed over as bytes, each forwarded last message is a part of its own.
    expect(count(db, 'SELECT count(*) FROM parts')).toBe(sentParts.size + (as === 'splice' ? 0 : records.length));
    writer.setRetention({ maxRows: 1, maxAgeDays: 0 });
    expectIntact(reader, records.slice(-1));
    writer.insertBatch(session(22).slice(20));
    expect(reader.get('cont-21')!.forwardedBody).toBe(Buffer.from(forwardedBytes(session(22)[21]!) as Uint8Array).toString());
  });

  it('reports a delta whose base is gone as a damaged history, not as another body', () => {
    const { db, writer, reader } = open();
    const records = session(3);
    for (const r of records) writer.insertBatch([r]);
    db.prepare('UPDATE exchanges SET parts_base = 999 WHERE id = ?').run(records[2]!.id);
    expect(() => reader.get(records[2]!.id)).toThrow(expect.objectContaining({ code: 'HISTORY_CORRUPT' }));
    expectIntact(reader, records.slice(0, 2));
  });

  it('keeps every remaining turn whole while turns go in any order, and leaves no part behind', () => {
    for (const seed of [1, 2]) {
      const { db, writer, reader } = open();
      const records = session(16, `s${seed}`);
      for (const r of records) writer.insertBatch([r]);
      const r = rng(seed);
      const left = [...records];
      while (left.length > 0) {
        const [gone] = left.splice(Math.floor(r() * left.length), 1);
        expect(writer.delete(gone!.id)).toBe(true);
        expectIntact(reader, left);
      }
      expect([count(db, 'SELECT count(*) FROM parts'), count(db, 'SELECT count(*) FROM exchange_parts')]).toEqual([0, 0]);
    }
  });

  it('keeps the newest turns whole when retention removes the oldest, several at once', () => {
    const { writer, reader } = open();
    const records = session(30);
    for (const r of records) writer.insertBatch([r]);
    writer.setRetention({ maxRows: 7, maxAgeDays: 0 });
    expect(reader.list({ limit: 100 }).items).toHaveLength(7);
    expectIntact(reader, records.slice(-7));
    // New turns continue from what is left.
    const more = session(33).slice(30);
    for (const m of more) writer.insertBatch([m]);
    expectIntact(reader, [...records.slice(-7), ...more]);
  });

  it('finds a word of an early message in every later turn, and a new word only where it is', () => {
    const { writer, reader } = open();
    const records = session(12);
    for (const r of records) writer.insertBatch([r]);
    writer.indexWaiting();
    const ids = (text: string): string[] => reader.list({ text, limit: 100 }).items.map((i) => i.id).sort();
    expect(ids('quokkaword')).toEqual(records.map((r) => r.id).sort());
    // The sixth turn's tool call names its file; every later turn re-sends it.
    expect(ids('f5')).toEqual(records.slice(5).map((r) => r.id).sort());
  });

  it('forgets what a rolled-back transaction cached, so a retried turn is stored whole', () => {
    const { writer, reader } = open();
    const records = session(6);
    writer.insertBatch(records.slice(0, 2));
    // A record the database refuses makes the batch fail; the writer retries one by one.
    const bad = { ...records[3]!, id: null as unknown as string };
    const result = writer.insertBatch([records[2]!, bad]);
    expect(result.ids).toEqual([records[2]!.id]);
    expect(result.failures).toHaveLength(1);
    writer.insertBatch(records.slice(3));
    expectIntact(reader, records);
  });

  it('reads a row whose check is the whole body SHA-256, and refuses a wrong one', () => {
    const { db, writer, reader } = open();
    const [first] = session(1);
    writer.insertBatch([first!]);
    db.prepare('UPDATE exchanges SET original_sha = ? WHERE id = ?').run(sha256(first!.originalBody as Buffer), first!.id);
    expect(reader.get(first!.id)!.originalBody).toBe(Buffer.from(first!.originalBody as Buffer).toString());
    db.prepare('UPDATE exchanges SET original_sha = ? WHERE id = ?').run(sha256(Buffer.from('other')), first!.id);
    expect(() => reader.get(first!.id)).toThrow(expect.objectContaining({ code: 'HISTORY_CORRUPT' }));
  });
});

describe('edges of storing a turn from the turn before', () => {
  beforeEach(() => {
    forwardAs = 'bytes';
  });

  it('reads empty bodies back, as sent and as forwarded', () => {
    const { writer, reader } = open();
    const [first] = session(1);
    writer.insertBatch([{ ...first!, id: 'empty', originalBody: Buffer.alloc(0), forwardedBody: Buffer.from('{}') }, { ...first!, id: 'empty-too', originalBody: '', forwardedBody: '' }]);
    expect([reader.get('empty')!.originalBody, reader.get('empty')!.forwardedBody]).toEqual(['', '{}']);
    expect([reader.get('empty-too')!.originalBody, reader.get('empty-too')!.forwardedBody]).toEqual(['', '']);
  });

  it('stores a splice the sent body\'s cut cannot take (an edit across a part\'s edge) from its rebuilt bytes', () => {
    const { writer, reader } = open();
    const [first, second] = session(2);
    const sent = second!.originalBody as Buffer;
    const { segments, messages } = splitBody(sent);
    const end = segments[messages[messages.length - 1]!]!.end;
    expect(editedSegments(sent, segments, [{ start: end - 1, end: end + 1, insert: Buffer.from('}]') }])).toBeNull();
    const across = { ...second!, forwardedBody: { edits: [{ start: end - 1, end: end + 1, insert: Buffer.from('}]') }] } };
    expect(writer.insertBatch([first!, across]).failures).toEqual([]);
    expectIntact(reader, [first!, across]);
  });

  it('stores the sent body and no forwarded one for a splice that does not fit the sent body', () => {
    const { writer, reader } = open();
    const [first] = session(1);
    const sent = first!.originalBody as Buffer;
    const misfit = { ...first!, forwardedBody: { edits: [{ start: sent.length - 1, end: sent.length + 5, insert: Buffer.from('!') }] } };
    expect(writer.insertBatch([misfit]).failures).toEqual([]);
    const got = reader.get(first!.id)!;
    expect([got.originalBody, got.forwardedBody]).toEqual([sent.toString(), null]);
  });

  it('names the right system and tools parts when they sit between two messages members', () => {
    const { db, writer, reader } = open();
    const body = (n: number): string =>
      `{"messages":[{"role":"user","content":"a"}],"system":"${'s'.repeat(80)}","tools":[{"name":"${'t'.repeat(80)}"}],"messages":[${Array.from({ length: n }, (_, i) => `{"role":"user","content":"m${i}"}`).join(',')}]}`;
    const records = [1, 2, 3].map((n) => fixtureRecord({ headers: { 'x-claude-code-session-id': 'dup' }, body: body(n) }, '{}', { id: `dup-${n}`, startedAt: 1_700_000_000_000 + n }));
    for (const r of records) expect(writer.insertBatch([r]).failures).toEqual([]);
    expectIntact(reader, records);
    const kinds = db.prepare('SELECT p.kind FROM exchanges e JOIN parts p ON p.id IN (e.system_part, e.tools_part) ORDER BY e.seq, p.kind').pluck().all();
    expect(kinds).toEqual(['system', 'tools', 'system', 'tools', 'system', 'tools']);
  });

  it('hands a surviving turn its own links in one pass when all its ancestors go at once', () => {
    const { db, writer, reader } = open();
    const records = session(60);
    for (const r of records) writer.insertBatch([r]);
    writer.setRetention({ maxRows: 1, maxAgeDays: 0 });
    expectIntact(reader, records.slice(-1));
    const row = db.prepare('SELECT seq, parts_base FROM exchanges').get() as { seq: number; parts_base: number | null };
    expect(row.parts_base).toBeNull();
    const linked = count(db, `SELECT count(*) FROM exchange_parts WHERE seq = ${row.seq}`);
    expect(linked).toBe(count(db, 'SELECT count(*) FROM parts'));
  });

  it('keeps the main thread continuing while a small model answers in the same session', () => {
    const { db, writer, reader } = open();
    const main = session(4, 'mixed');
    const side = { ...main[0]!, id: 'title', model: 'claude-haiku-4-5', originalBody: Buffer.from('{"model":"claude-haiku-4-5","messages":[{"role":"user","content":"Name this chat"}]}') };
    writer.insertBatch([main[0]!]);
    writer.insertBatch([main[1]!]);
    writer.insertBatch([side]);
    writer.insertBatch([main[2]!]);
    const base = db.prepare("SELECT parts_base FROM exchanges WHERE id = 'mixed-2'").pluck().get();
    expect(base).toBe(db.prepare("SELECT seq FROM exchanges WHERE id = 'mixed-1'").pluck().get());
    expectIntact(reader, [...main.slice(0, 3), side]);
  });
});
