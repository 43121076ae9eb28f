import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openWriteDatabase, type Db } from './schema.js';
import { removedTotals, type RemovedTurn } from './session-totals.js';
import { makeRecord, tempDir } from './testing.js';
import { HistoryWriter } from './writer.js';

const turn = (over: Partial<RemovedTurn>): RemovedTurn => ({
  session: 1, status: 200, outcome: 'ok', model: 'm', usage_input: 1, usage_output: 2, usage_cache_read: 3, usage_cache_creation: 4, cost: 0.5, ...over,
});

describe('removedTotals', () => {
  it('sums removed rows by session, counting errors, priced rows and models as the aggregates do', () => {
    const totals = removedTotals([
      turn({}),
      turn({ status: null, outcome: 'upstream_error', usage_input: null, cost: null, model: 'n' }),
      turn({ outcome: 'client_aborted', model: null }),
      turn({ session: 2, usage_cache_read: null }),
      turn({ session: null }),
    ]);
    expect(totals).toEqual([
      { id: 1, turns: 3, errors: 2, input: 2, output: 6, cache_read: 9, cache_write: 12, priced: 2, cost: 1, models: new Set(['m', 'n']) },
      { id: 2, turns: 1, errors: 0, input: 1, output: 2, cache_read: 0, cache_write: 4, priced: 1, cost: 0.5, models: new Set(['m']) },
    ]);
  });
});

/** The sessions' aggregates summed from scratch over the rows that are left, as listing them must show. */
function recounted(db: Db): unknown[] {
  return db
    .prepare(
      `SELECT s.id, s.turns, s.errors, s.input, s.output, s.cache_read, s.cache_write, round(s.cost, 9) AS cost, s.first_at, s.last_at, s.models,
              (SELECT count(*) FROM exchanges e WHERE e.session = s.id) AS turns_left,
              (SELECT coalesce(sum(e.status IS NULL OR e.outcome <> 'ok'), 0) FROM exchanges e WHERE e.session = s.id) AS errors_left,
              (SELECT coalesce(sum(usage_input), 0) FROM exchanges e WHERE e.session = s.id) AS input_left,
              (SELECT coalesce(sum(usage_output), 0) FROM exchanges e WHERE e.session = s.id) AS output_left,
              (SELECT coalesce(sum(usage_cache_read), 0) FROM exchanges e WHERE e.session = s.id) AS cache_read_left,
              (SELECT coalesce(sum(usage_cache_creation), 0) FROM exchanges e WHERE e.session = s.id) AS cache_write_left,
              (SELECT round(sum(cost), 9) FROM exchanges e WHERE e.session = s.id) AS cost_left,
              (SELECT min(started_at) FROM exchanges e WHERE e.session = s.id) AS first_left,
              (SELECT max(started_at) FROM exchanges e WHERE e.session = s.id) AS last_left,
              (SELECT json_group_array(model) FROM (SELECT DISTINCT model FROM exchanges e WHERE e.session = s.id AND model IS NOT NULL ORDER BY model)) AS models_left
         FROM sessions s ORDER BY s.id`,
    )
    .all();
}

type Row = Record<string, unknown>;
/** Each session's stored aggregates beside the same figures summed again; models compared as sets. */
function compare(db: Db): { stored: Row[]; summed: Row[] } {
  const rows = recounted(db) as Row[];
  const sorted = (json: unknown): string[] => (JSON.parse(String(json)) as string[]).sort();
  return {
    stored: rows.map((r) => ({ id: r.id, turns: r.turns, errors: r.errors, input: r.input, output: r.output, cache_read: r.cache_read, cache_write: r.cache_write, cost: r.cost, first_at: r.first_at, last_at: r.last_at, models: sorted(r.models) })),
    summed: rows.map((r) => ({ id: r.id, turns: r.turns_left, errors: r.errors_left, input: r.input_left, output: r.output_left, cache_read: r.cache_read_left, cache_write: r.cache_write_left, cost: r.cost_left, first_at: r.first_left, last_at: r.last_left, models: sorted(r.models_left) })),
  };
}

describe('session aggregates after exchanges are removed', () => {
  let cleanup: (() => void) | null = null;
  afterEach(() => cleanup?.());
  /** A writer without retention: the tests remove rows themselves. */
  const open = (): { db: Db; writer: HistoryWriter } => {
    const tmp = tempDir();
    const db = openWriteDatabase(join(tmp.dir, 'history.sqlite'));
    cleanup = () => {
      db.close();
      tmp.cleanup();
    };
    return { db, writer: new HistoryWriter(db, { maxRows: 1_000_000, maxAgeDays: 0 }) };
  };

  it('equal what the remaining exchanges add up to, after pruning by rows and by age and after a delete', () => {
    const { db, writer } = open();
    const t0 = 1_700_000_000_000;
    // Three sessions. In each, the oldest turns use a model no later turn uses (so the models
    // list must lose it), and some turns have no price (an unknown model) or no usage at all.
    for (let i = 0; i < 60; i++) {
      const session = `s${i % 3}`;
      const model = i < 9 ? 'claude-3-haiku-20240307' : i % 4 === 0 ? 'some-unpriced-model' : 'claude-sonnet-4-5';
      writer.insertBatch([
        makeRecord({
          id: `x${i}`,
          startedAt: t0 + i * 60_000,
          model,
          requestHeaders: { 'x-claude-code-session-id': session },
          status: i % 7 === 0 ? null : 200,
          outcome: i % 7 === 0 ? 'upstream_error' : i % 11 === 0 ? 'client_aborted' : 'ok',
          usage: i % 5 === 0 ? null : { input: 100 + i, output: 10 + i, cacheRead: i, cacheCreation: 2 * i },
        }),
      ]);
    }
    const before = compare(db);
    expect(before.stored).toEqual(before.summed);
    expect((before.stored[0]!.models as string[]).includes('claude-3-haiku-20240307')).toBe(true);

    writer.setRetention({ maxRows: 40, maxAgeDays: 0 });
    const byRows = compare(db);
    expect(byRows.stored).toEqual(byRows.summed);
    expect(byRows.stored.every((s) => !(s.models as string[]).includes('claude-3-haiku-20240307'))).toBe(true);

    // By age: everything up to turn 39 goes (the newest is turn 59, at t0 + 59 min).
    writer.setRetention({ maxRows: 1_000_000, maxAgeDays: 20 / 1440 }, t0 + 59 * 60_000);
    const byAge = compare(db);
    expect(byAge.stored).toEqual(byAge.summed);

    expect(writer.delete('x58')).toBe(true);
    const afterDelete = compare(db);
    expect(afterDelete.stored).toEqual(afterDelete.summed);
  });

  it('shows no cost once no priced exchange is left, and drops a session once no exchange is left', () => {
    const { db, writer } = open();
    const t0 = 1_700_000_000_000;
    const add = (id: string, at: number, session: string, model: string): void =>
      void writer.insertBatch([makeRecord({ id, startedAt: t0 + at, model, requestHeaders: { 'x-claude-code-session-id': session } })]);
    add('priced', 0, 'a', 'claude-sonnet-4-5');
    add('unpriced', 1, 'a', 'some-unpriced-model');
    add('alone', 2, 'b', 'claude-sonnet-4-5');
    const cost = (): Array<{ key: string; cost: number | null; turns: number }> => db.prepare('SELECT key, cost, turns FROM sessions ORDER BY key').all() as never;
    expect(cost()[0]!.cost).toBeGreaterThan(0);

    expect(writer.delete('priced')).toBe(true);
    expect(writer.delete('alone')).toBe(true);
    expect(cost()).toEqual([{ key: 'h:a', cost: null, turns: 1 }]);
    // Even with a counter that went wrong (as a file from an older version might have), the session goes with its last row.
    db.exec("UPDATE sessions SET turns = 7 WHERE key = 'h:a'");
    expect(writer.delete('unpriced')).toBe(true);
    expect(cost()).toEqual([]);
  });
});
