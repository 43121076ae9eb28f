/**
 * Places each new exchange in a session and a turn, and keeps the sessions' aggregates
 * current, inside the writer's transaction (so listing sessions reads one row each).
 * Policy lives in session-match.ts; this is its SQL.
 */
import type { Usage } from '../contract/types.js';
import type { StoredPart } from './parts.js';
import type { Db } from './schema.js';
import { removedTotals, type RemovedTurn } from './session-totals.js';
import { answerOf, callsAgent, chainKeys, clientOf, cwdOf, extendKey, headerValue, messageDigest, titleOf, AGENT_HEADER, SESSION_HEADER } from './session-match.js';

/** How many of the newest message boundaries are tried as the point where a parent ended. */
const PARENT_LOOKBACK = 8;
/** Digests of recently seen message parts: a turn re-sends all earlier messages. */
const DIGEST_CACHE_MAX = 8192;
/** Chain keys of recent turns, by row: the next turn starts from its base's keys. */
const KEYS_CACHE_MAX = 256;

export interface TurnInput {
  seq: number;
  exchangeId: string;
  startedAt: number;
  requestHeaders: Record<string, string>;
  userAgent: string | null;
  model: string | null;
  usage: Usage | null;
  isError: boolean;
  cost: number | null;
  messageCount: number;
  /** Message `i` (0 <= i < messageCount). */
  message(i: number): StoredPart;
  /** The row whose body this one continues (parts.ts), and how many leading messages are that body's. */
  base: number | null;
  reusedMessages: number;
  system: StoredPart | null;
  tools: StoredPart | null;
  assembled: string | null;
  responseBody: string | null;
}

/** Columns of the exchange row that place it in its session. */
export interface TurnColumns {
  session: number;
  thread: string;
  parent_seq: number | null;
  spawned_by: number | null;
  message_count: number;
  delta_from: number;
  system_part: number | null;
  tools_part: number | null;
  system_changed: number;
  tools_changed: number;
  chain_key: Buffer;
  answer_key: Buffer | null;
  calls_agent: number;
}

interface ParentRow {
  seq: number;
  session: number;
  message_count: number;
  system_part: number | null;
  tools_part: number | null;
}

interface SessionRow {
  id: number;
  models: string;
  has_title: number;
  has_cwd: number;
}

export class SessionWriter {
  readonly #digests = new Map<number, Buffer | null>();
  readonly #keys = new Map<number, Buffer[]>();
  readonly #byAnswer;
  readonly #byAnswerIn;
  readonly #byChain;
  readonly #byChainIn;
  readonly #spawner;
  readonly #sessionByKey;
  readonly #sessionById;
  readonly #createSession;
  readonly #addTurn;
  readonly #subtract;
  readonly #hasModel;
  readonly #recountModels;
  readonly #dropEmpty;

  constructor(db: Db) {
    const parent = 'SELECT seq, session, message_count, system_part, tools_part FROM exchanges';
    this.#byAnswer = db.prepare<[Buffer, string], ParentRow>(`${parent} WHERE answer_key = ? AND thread = ? ORDER BY seq DESC LIMIT 1`);
    this.#byAnswerIn = db.prepare<[Buffer, string, number], ParentRow>(`${parent} WHERE answer_key = ? AND thread = ? AND session = ? ORDER BY seq DESC LIMIT 1`);
    this.#byChain = db.prepare<[Buffer, string], ParentRow>(`${parent} WHERE chain_key = ? AND thread = ? ORDER BY seq DESC LIMIT 1`);
    this.#byChainIn = db.prepare<[Buffer, string, number], ParentRow>(`${parent} WHERE chain_key = ? AND thread = ? AND session = ? ORDER BY seq DESC LIMIT 1`);
    this.#spawner = db.prepare<[number, number], number>(
      `SELECT seq FROM exchanges WHERE session = ? AND thread = '' AND calls_agent = 1 AND seq < ? ORDER BY started_at DESC, seq DESC LIMIT 1`,
    ).pluck();
    const session = 'SELECT id, models, title IS NOT NULL AS has_title, cwd IS NOT NULL AS has_cwd FROM sessions';
    this.#sessionByKey = db.prepare<[string], SessionRow>(`${session} WHERE key = ?`);
    this.#sessionById = db.prepare<[number], SessionRow>(`${session} WHERE id = ?`);
    this.#createSession = db.prepare<[string, number, number], number>(
      'INSERT INTO sessions (key, first_at, last_at) VALUES (?, ?, ?) RETURNING id',
    ).pluck();
    this.#addTurn = db.prepare(`
      UPDATE sessions SET
        turns = turns + 1, errors = errors + @errors,
        input = input + @input, output = output + @output,
        cache_read = cache_read + @cache_read, cache_write = cache_write + @cache_write,
        cost = CASE WHEN @cost IS NULL THEN cost ELSE coalesce(cost, 0) + @cost END,
        priced = priced + (@cost IS NOT NULL),
        first_at = min(first_at, @at), last_at = max(last_at, @at),
        models = @models, client = coalesce(client, @client),
        title = coalesce(title, @title), cwd = coalesce(cwd, @cwd)
      WHERE id = @id`);
    // Only the removed rows are read: the session's remaining rows are reached through
    // exchanges_session for their first and last start, never one by one.
    this.#subtract = db.prepare(`
      UPDATE sessions SET
        turns = turns - @turns, errors = errors - @errors,
        input = input - @input, output = output - @output,
        cache_read = cache_read - @cache_read, cache_write = cache_write - @cache_write,
        priced = priced - @priced,
        cost = CASE WHEN priced - @priced <= 0 THEN NULL ELSE cost - @cost END,
        first_at = coalesce((SELECT min(started_at) FROM exchanges WHERE session = @id), first_at),
        last_at = coalesce((SELECT max(started_at) FROM exchanges WHERE session = @id), last_at)
      WHERE id = @id`);
    this.#hasModel = db.prepare<[number, string], number>('SELECT 1 FROM exchanges WHERE session = ? AND model = ? LIMIT 1').pluck();
    this.#recountModels = db.prepare<[number]>(`
      UPDATE sessions SET models = (
        SELECT json_group_array(model) FROM (SELECT DISTINCT model FROM exchanges WHERE session = sessions.id AND model IS NOT NULL))
      WHERE id = ?`);
    // By its rows rather than its counter, which subtraction keeps: a session goes exactly when no row names it.
    this.#dropEmpty = db.prepare<[number]>('DELETE FROM sessions WHERE id = ? AND NOT EXISTS (SELECT 1 FROM exchanges WHERE session = sessions.id)');
  }

  /** After these exchanges were removed: their sessions' aggregates without them; empty sessions go. */
  removed(rows: readonly RemovedTurn[]): void {
    for (const { models, ...totals } of removedTotals(rows)) {
      this.#subtract.run(totals);
      if (this.#dropEmpty.run(totals.id).changes > 0) continue;
      // Listing the models again reads the session's rows: only when one of them may be gone.
      if ([...models].some((m) => this.#hasModel.get(totals.id, m) === undefined)) this.#recountModels.run(totals.id);
    }
  }

  #digest(part: StoredPart): Buffer | null {
    let d = this.#digests.get(part.id);
    if (d === undefined) {
      let value: unknown = null;
      try {
        value = JSON.parse(part.bytes.toString('utf8'));
      } catch {
        // Not a message we can compare: the chain stops here.
      }
      d = messageDigest(value);
      if (this.#digests.size >= DIGEST_CACHE_MAX) this.#digests.clear();
      this.#digests.set(part.id, d);
    }
    return d;
  }

  /** Finds the exchange's session and parent turn, and adds it to the session's aggregates. */
  place(t: TurnInput): TurnColumns {
    const headerSession = headerValue(t.requestHeaders, SESSION_HEADER);
    const thread = headerValue(t.requestHeaders, AGENT_HEADER) ?? '';
    const { keys, complete } = this.#chain(t);
    this.#rememberKeys(t.seq, keys);
    const known = headerSession === null ? undefined : this.#sessionByKey.get(`h:${headerSession}`);
    // A named session seen for the first time has no earlier turn: identical prompts in
    // other sessions must not become its parent.
    const parent = headerSession !== null && !known ? null : this.#findParent(keys, thread, known?.id);
    const answer = answerOf(t.assembled, t.responseBody);
    const answerDigest = answer && complete ? messageDigest(answer) : null;
    const sessionRow =
      known ??
      (headerSession === null && parent ? this.#sessionById.get(parent.session) : undefined) ??
      this.#newSession(headerSession !== null ? `h:${headerSession}` : `x:${t.exchangeId}`, t.startedAt);
    const spawnedBy = thread !== '' && !parent ? (this.#spawner.get(sessionRow.id, t.seq) ?? null) : null;
    this.#aggregate(sessionRow, t);
    return {
      session: sessionRow.id,
      thread,
      parent_seq: parent?.seq ?? null,
      spawned_by: spawnedBy,
      message_count: t.messageCount,
      delta_from: parent ? Math.min(parent.message_count, t.messageCount) : 0,
      system_part: t.system?.id ?? null,
      tools_part: t.tools?.id ?? null,
      system_changed: parent && parent.system_part !== (t.system?.id ?? null) ? 1 : 0,
      tools_changed: parent && parent.tools_part !== (t.tools?.id ?? null) ? 1 : 0,
      chain_key: keys[keys.length - 1]!,
      answer_key: answerDigest ? extendKey(keys[keys.length - 1]!, answerDigest) : null,
      calls_agent: callsAgent(answer) ? 1 : 0,
    };
  }

  /**
   * The prefix keys of the turn's messages, up to the first one that is not a message. A
   * turn that continues its base body shares that body's first messages, so their keys are
   * taken over and only the new messages are digested.
   */
  #chain(t: TurnInput): { keys: Buffer[]; complete: boolean } {
    const inherited = t.base === null ? undefined : this.#keys.get(t.base);
    let keys: Buffer[];
    let from: number;
    if (inherited && t.reusedMessages < inherited.length) {
      keys = inherited.slice(0, t.reusedMessages + 1);
      from = t.reusedMessages;
    } else {
      keys = chainKeys([]);
      from = 0;
    }
    for (let i = from; i < t.messageCount; i++) {
      const d = this.#digest(t.message(i));
      if (d === null) return { keys, complete: false };
      keys.push(extendKey(keys[keys.length - 1]!, d));
    }
    return { keys, complete: true };
  }

  #rememberKeys(seq: number, keys: Buffer[]): void {
    if (this.#keys.size >= KEYS_CACHE_MAX) this.#keys.delete(this.#keys.keys().next().value!);
    this.#keys.set(seq, keys);
  }

  /** The newest earlier request this one continues: its messages plus its answer, else its messages alone. */
  #findParent(keys: Buffer[], thread: string, session: number | undefined): ParentRow | null {
    const low = Math.max(1, keys.length - 1 - PARENT_LOOKBACK);
    for (let j = keys.length - 1; j >= low; j--) {
      const row = session === undefined ? this.#byAnswer.get(keys[j]!, thread) : this.#byAnswerIn.get(keys[j]!, thread, session);
      if (row) return row;
    }
    for (let j = keys.length - 1; j >= low; j--) {
      const row = session === undefined ? this.#byChain.get(keys[j]!, thread) : this.#byChainIn.get(keys[j]!, thread, session);
      if (row) return row;
    }
    return null;
  }

  #newSession(key: string, at: number): SessionRow {
    const id = this.#createSession.get(key, at, at)!;
    return { id, models: '[]', has_title: 0, has_cwd: 0 };
  }

  #aggregate(s: SessionRow, t: TurnInput): void {
    let models = s.models;
    if (t.model) {
      const list = JSON.parse(models) as string[];
      if (!list.includes(t.model)) models = JSON.stringify([...list, t.model]);
    }
    let title: string | null = null;
    if (!s.has_title && t.messageCount > 0) {
      try {
        title = titleOf(JSON.parse(t.message(0).bytes.toString('utf8')));
      } catch {
        title = null;
      }
    }
    this.#addTurn.run({
      id: s.id,
      errors: t.isError ? 1 : 0,
      input: t.usage?.input ?? 0,
      output: t.usage?.output ?? 0,
      cache_read: t.usage?.cacheRead ?? 0,
      cache_write: t.usage?.cacheCreation ?? 0,
      cost: t.cost,
      at: t.startedAt,
      models,
      client: clientOf(t.userAgent),
      title,
      cwd: s.has_cwd ? null : cwdOf(t.system?.bytes ?? null),
    });
  }
}
