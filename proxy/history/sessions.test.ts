import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { answerFor, fixtureRecord, loadFixture, type FixtureRequest } from './fixtures.js';
import type { QueuedRecord } from './protocol.js';
import { HistoryReader } from './reader.js';
import { openWriteDatabase, type Db } from './schema.js';
import { SessionReader } from './session-reader.js';
import { clientOf, cwdOf, messageDigest, titleOf } from './session-match.js';
import { tempDir } from './testing.js';
import { HistoryWriter } from './writer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function open(): { db: Db; writer: HistoryWriter; sessions: SessionReader; reader: HistoryReader } {
  const t = tempDir();
  const db = openWriteDatabase(join(t.dir, 'h.sqlite'));
  cleanups.push(() => {
    db.close();
    t.cleanup();
  });
  return { db, writer: new HistoryWriter(db, { maxRows: 100_000, maxAgeDays: 0 }), sessions: new SessionReader(db), reader: new HistoryReader(db) };
}

const main = loadFixture('claude-code-2.1.197-session.jsonl');
const sub = loadFixture('claude-code-2.1.197-subagent.jsonl');
const T0 = 1_700_000_000_000;

/** Each request answered with the assistant message its thread's next request re-sends. */
function records(reqs: FixtureRequest[], prefix: string, next: (i: number) => FixtureRequest | undefined, strip: string[] = []): QueuedRecord[] {
  return reqs.map((req, i) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !strip.includes(k)));
    return fixtureRecord({ headers, body: req.body }, answerFor(next(i)), {
      id: `${prefix}${i}`,
      startedAt: T0 + i * 1000,
      usage: { input: 10, output: 5, cacheRead: 100, cacheCreation: 1 },
    });
  });
}

describe('sessions from real Claude Code traffic', () => {
  it('groups a continued session by its header, each turn the child of the one before', () => {
    const { writer, sessions } = open();
    writer.insertBatch(records(main, 'm', (i) => main[i + 1]));
    const page = sessions.list({});
    expect(page.items).toHaveLength(1);
    const s = page.items[0]!;
    expect(s).toMatchObject({
      id: `h:${main[0]!.headers['x-claude-code-session-id']}`,
      client: 'claude-cli/2.1.197',
      models: ['claude-opus-4-8'],
      firstAt: T0,
      lastAt: T0 + 9000,
      turns: 10,
      errors: 0,
      tokens: { input: 100, output: 50, cacheRead: 1000, cacheWrite: 10 },
      title: 'Explain what a proxy is in one line.',
      cwd: '/home/dev/project',
    });
    expect(s.cost).toBeGreaterThan(0);
    const detail = sessions.get(s.id)!;
    expect(detail.turnList.map((t) => t.exchangeId)).toEqual(main.map((_, i) => `m${i}`));
    expect(detail.turnList.map((t) => t.parentId)).toEqual([null, ...main.slice(1).map((_, i) => `m${i}`)]);
    // Turn 2 re-sends turn 1's two messages, then its answer and the new prompt.
    expect(detail.turnList[1]!.delta).toEqual({ fromMessage: 2, messageCount: 4, systemChanged: true, toolsChanged: true });
    expect(detail.turnList[5]!.delta).toEqual({ fromMessage: 10, messageCount: 12, systemChanged: false, toolsChanged: false });
  });

  it('finds the same chain without the session header, from the messages and answers alone', () => {
    const { writer, sessions } = open();
    writer.insertBatch(records(main, 'c', (i) => main[i + 1], ['x-claude-code-session-id']));
    const page = sessions.list({});
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ id: 'x:c0', turns: 10 });
    const turns = sessions.get('x:c0')!.turnList;
    expect(turns.map((t) => t.parentId)).toEqual([null, 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']);
  });

  it('keeps a subagent apart from the main thread and links it to the turn that called Agent', () => {
    const { writer, sessions } = open();
    // The main agent's first answer is the Agent call its next turn re-sends; the subagent's answer is any text.
    writer.insertBatch(records(sub, 'a', (i) => (i === 0 ? sub[2] : undefined)));
    const detail = sessions.get(`h:${sub[0]!.headers['x-claude-code-session-id']}`)!;
    expect(detail.turns).toBe(3);
    const [first, agent, next] = detail.turnList;
    expect(first).toMatchObject({ thread: '', parentId: null, spawnedBy: null });
    expect(agent).toMatchObject({ thread: sub[1]!.headers['x-claude-code-agent-id'], parentId: null, spawnedBy: 'a0' });
    expect(next).toMatchObject({ thread: '', parentId: 'a0', spawnedBy: null });
  });

  it('never takes an identical prompt in another session for a parent', () => {
    const { writer, sessions } = open();
    writer.insertBatch(records(main.slice(0, 2), 'p', (i) => main[i + 1]));
    const other = records(main.slice(0, 2), 'q', (i) => main[i + 1]).map((r, i) => ({
      ...r,
      startedAt: T0 + 100_000 + i,
      requestHeaders: { ...r.requestHeaders, 'x-claude-code-session-id': 'second-run' },
    }));
    writer.insertBatch(other);
    expect(sessions.get('h:second-run')!.turnList.map((t) => t.parentId)).toEqual([null, 'q0']);
  });
});

describe('session queries', () => {
  function seed(): ReturnType<typeof open> {
    const o = open();
    const all: QueuedRecord[] = [];
    for (let s = 0; s < 7; s++) {
      for (let t = 0; t < 2; t++) {
        all.push(
          fixtureRecord({ headers: { 'x-claude-code-session-id': `s${s}`, 'user-agent': s % 2 ? 'other/1.0' : 'claude-cli/2.1.197 (x)' }, body: main[t]!.body }, answerFor(main[t + 1]), {
            id: `s${s}t${t}`,
            startedAt: T0 + s * 10_000 + t,
            model: s === 3 ? 'claude-haiku-4-5' : 'claude-opus-4-8',
            userAgent: s % 2 ? 'other/1.0' : 'claude-cli/2.1.197 (x)',
            status: s === 5 && t === 1 ? 500 : 200,
            outcome: s === 5 && t === 1 ? 'upstream_error' : 'ok',
          }),
        );
      }
    }
    o.writer.insertBatch(all);
    o.writer.indexWaiting();
    return o;
  }

  it('pages newest first with a cursor, and filters by client, model and text', () => {
    const { sessions } = seed();
    const first = sessions.list({ limit: 3 });
    expect(first.items.map((s) => s.id)).toEqual(['h:s6', 'h:s5', 'h:s4']);
    const second = sessions.list({ limit: 3, cursor: first.nextCursor });
    expect(second.items.map((s) => s.id)).toEqual(['h:s3', 'h:s2', 'h:s1']);
    expect(sessions.list({ limit: 3, cursor: second.nextCursor }).items.map((s) => s.id)).toEqual(['h:s0']);
    expect(sessions.list({ client: 'other/1.0' }).items.map((s) => s.id)).toEqual(['h:s5', 'h:s3', 'h:s1']);
    expect(sessions.list({ model: 'claude-haiku-4-5' }).items.map((s) => s.id)).toEqual(['h:s3']);
    expect(sessions.list({ text: 'haiku' }).items).toHaveLength(7);
    expect(sessions.list({ text: 'nosuchwordanywhere' }).items).toEqual([]);
    expect(sessions.get('h:s5')!.errors).toBe(1);
    expect(() => sessions.list({ cursor: 'garbage' })).toThrow(expect.objectContaining({ code: 'HISTORY_BAD_CURSOR' }));
  });

  it('lists one session\'s exchanges through the history list filter', () => {
    const { reader } = seed();
    expect(reader.list({ session: 'h:s2' }).items.map((i) => i.id)).toEqual(['s2t1', 's2t0']);
    expect(reader.list({ session: 'h:none' }).items).toEqual([]);
  });

  it('keeps aggregates right when exchanges go, and drops emptied sessions', () => {
    const { writer, sessions } = seed();
    writer.delete('s6t1');
    expect(sessions.get('h:s6')).toMatchObject({ turns: 1, lastAt: T0 + 60_000 });
    writer.delete('s6t0');
    expect(sessions.get('h:s6')).toBeNull();
    writer.delete('s3t0');
    writer.delete('s3t1');
    expect(sessions.list({ model: 'claude-haiku-4-5' }).items).toEqual([]);
  });
});

describe('session policy', () => {
  it('reads client, title and working directory the way Claude Code states them', () => {
    expect(clientOf('claude-cli/2.1.197 (external, sdk-cli)')).toBe('claude-cli/2.1.197');
    expect(clientOf('')).toBeNull();
    expect(titleOf({ role: 'user', content: [{ type: 'text', text: '<system-reminder>x</system-reminder>' }, { type: 'text', text: ' Hi ' }] })).toBe('Hi');
    expect(titleOf({ role: 'assistant', content: 'no' })).toBeNull();
    expect(cwdOf(Buffer.from('"x - Primary working directory: /srv/app\\n - Is a git"'))).toBe('/srv/app');
    expect(cwdOf(Buffer.from('"nothing"'))).toBeNull();
  });

  it('compares messages by role and content, ignoring cache breakpoints and string-vs-block form', () => {
    const a = messageDigest({ role: 'user', content: 'hello' })!;
    expect(messageDigest({ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] })!.equals(a)).toBe(true);
    expect(messageDigest({ role: 'assistant', content: 'hello' })!.equals(a)).toBe(false);
    expect(messageDigest({ role: 'user', content: 'hello!' })!.equals(a)).toBe(false);
    expect(messageDigest('not a message')).toBeNull();
  });
});
