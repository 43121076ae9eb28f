import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spliceMessagesBody } from '../modifier/splice.js';
import { answerFor, fixtureRecord, loadFixture, type FixtureRequest } from './fixtures.js';
import type { QueuedRecord } from './protocol.js';
import { openWriteDatabase, type Db } from './schema.js';
import { SessionReader } from './session-reader.js';
import { tempDir } from './testing.js';
import { TurnReader } from './turn-reader.js';
import { HistoryWriter } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function open(): { db: Db; writer: HistoryWriter; sessions: SessionReader; turns: TurnReader } {
  const t = tempDir();
  const db = openWriteDatabase(join(t.dir, 'h.sqlite'));
  cleanups.push(() => {
    db.close();
    t.cleanup();
  });
  return { db, writer: new HistoryWriter(db, { maxRows: 100_000, maxAgeDays: 0 }), sessions: new SessionReader(db), turns: new TurnReader(db) };
}

const main = loadFixture('claude-code-2.1.197-session.jsonl');
const T0 = 1_700_000_000_000;

function records(reqs: FixtureRequest[], edit: (i: number, body: string) => { sent: string; forwarded: string } = (_i, b) => ({ sent: b, forwarded: b })): QueuedRecord[] {
  return reqs.map((req, i) => {
    const { sent, forwarded } = edit(i, req.body);
    return {
      ...fixtureRecord({ headers: req.headers, body: sent }, answerFor(reqs[i + 1]), { id: `m${i}`, startedAt: T0 + i * 1000, ttfbMs: 100 + i, durationMs: 900 + i }),
      forwardedBody: Buffer.from(forwarded),
    };
  });
}

const messagesOf = (body: string) => (JSON.parse(body) as { messages: unknown[] }).messages;
/** What matters to the cache: the sections that are not only Claude Code re-sending its last prompt without its breakpoint. */
const changed = (sections: Array<{ name: string; cacheNeutral: boolean }>) => sections.filter((s) => !s.cacheNeutral).map((s) => s.name);

describe('a turn read from its parts', () => {
  it('returns only the messages the turn added, as their exact bytes, and its answer', () => {
    const { writer, sessions, turns } = open();
    writer.insertBatch(records(main));
    const detail = sessions.get(`h:${main[0]!.headers['x-claude-code-session-id']}`)!;
    expect(detail.turnList[5]).toMatchObject({ ttfbMs: 105, durationMs: 905 });
    const turn = turns.get('m5')!;
    expect(turn.fromMessage).toBe(10);
    expect(turn.sessionId).toBe(detail.id);
    expect(turn.messages).toHaveLength(2);
    expect(turn.messages.map((m) => JSON.parse(m))).toEqual(messagesOf(main[5]!.body).slice(10));
    for (const m of turn.messages) expect(main[5]!.body).toContain(m);
    expect(turn.answer).toBe(answerFor(main[6]));
    expect(turn.prefix).toBeUndefined();
    const first = turns.get('m0')!;
    expect(first.fromMessage).toBe(0);
    expect(first.messages[0]).toContain('Explain what a proxy is in one line.');
    expect(turns.get('nope')).toBeNull();
  });

  it('finds nothing changed in the prefix of a turn that continues its parent', () => {
    const { writer, turns } = open();
    writer.insertBatch(records(main));
    const prefix = turns.get('m5', { prefix: true })!.prefix!;
    expect(prefix.parentId).toBe('m4');
    expect(changed(prefix.sections)).toEqual([]);
    // The parent's last prompt carried the breakpoint as a block; this turn re-sends it as a string.
    expect(prefix.sections).toEqual([
      { name: 'message 10', parent: expect.stringContaining('cache_control'), turn: expect.not.stringContaining('cache_control'), cacheNeutral: true },
    ]);
    expect(turns.get('m0', { prefix: true })!.prefix).toBeNull();
  });

  it('names the system prompt and the message the modifier changed, with both sides\' forwarded bytes', () => {
    const { writer, turns } = open();
    const system = (b: string) => b.replace('You are a Claude agent', 'You are a Claude agent (edited)');
    writer.insertBatch(
      records(main, (i, body) => {
        const sent = i >= 6 ? system(body) : body;
        // The forwarded body of turn 5 carries appended text in its first message: turn 6 re-sends it without.
        return { sent, forwarded: i === 5 ? sent.replace('Explain what a proxy is in one line.', 'Explain what a proxy is in one line. Be brief.') : sent };
      }),
    );
    const prefix = turns.get('m6', { prefix: true })!.prefix!;
    expect(prefix.parentId).toBe('m5');
    expect(changed(prefix.sections)).toEqual(['system', 'message 1']);
    const [sys, first] = prefix.sections;
    expect(sys!.parent).toContain('You are a Claude agent');
    expect(sys!.turn).toContain('You are a Claude agent (edited)');
    expect(system(main[6]!.body)).toContain(sys!.turn!);
    expect(first!.parent).toContain('Be brief.');
    expect(first!.turn).not.toContain('Be brief.');
  });

  it('reads a forwarded body stored as the modifier\'s splice: the edited message against the one re-sent without the text', () => {
    const { writer, turns } = open();
    writer.insertBatch(
      records(main).map((r) => {
        const splice = spliceMessagesBody(r.originalBody as Buffer, 'Be brief, and cite the file you read.')!;
        expect(splice.edits).not.toBeNull();
        return { ...r, forwardedBody: { edits: splice.edits! } };
      }),
    );
    const sections = turns.get('m5', { prefix: true })!.prefix!.sections;
    const edited = sections.filter((s) => s.parent?.includes('cite the file you read'));
    expect(edited).toHaveLength(1);
    expect(edited[0]!.name).toBe(`message ${messagesOf(main[4]!.body).length}`);
    expect(edited[0]!.turn).not.toContain('cite the file you read');
    expect(turns.get('m5')!.messages.map((m) => JSON.parse(m))).toEqual(messagesOf(main[5]!.body).slice(10));
  });

  it('shows a change outside the parts as the body\'s fields, parts written as <kind>', () => {
    const { writer, turns } = open();
    writer.insertBatch(records(main, (i, body) => (i === 3 ? { sent: body, forwarded: body.replace('"max_tokens":', '"max_tokens": ') } : { sent: body, forwarded: body })));
    const sections = turns.get('m4', { prefix: true })!.prefix!.sections;
    expect(changed(sections)).toEqual(['fields']);
    expect(sections.at(-1)!.parent).toContain('"max_tokens": ');
    expect(sections.at(-1)!.turn).toContain('"messages":[<messages>]');
    expect(sections.at(-1)!.turn).toContain('<tools>');
  });

  it('cuts a row still in the schema-1 shape on the fly', () => {
    const { db, writer, turns } = open();
    writer.insertBatch(records(main.slice(0, 3)));
    db.prepare("UPDATE exchanges SET body_format = 1, original_body = ?, forwarded_body = NULL, assembled = NULL, response_body = ? WHERE id = 'm2'").run(
      main[2]!.body,
      answerFor(main[3]),
    );
    const turn = turns.get('m2', { prefix: true })!;
    expect(turn.messages.map((m) => JSON.parse(m))).toEqual(messagesOf(main[2]!.body).slice(turn.fromMessage));
    expect(turn.fromMessage).toBe(4);
    expect(turn.answer).toBe(answerFor(main[3]));
    expect(turn.prefix!.parentId).toBe('m1');
    expect(changed(turn.prefix!.sections)).toEqual([]);
  });
});
