/** What removed exchanges took away from their sessions' aggregates. Pure. */

/** What a removed exchange counted for in its session's aggregates (its row's columns). */
export interface RemovedTurn {
  session: number | null;
  status: number | null;
  outcome: string;
  model: string | null;
  usage_input: number | null;
  usage_output: number | null;
  usage_cache_read: number | null;
  usage_cache_creation: number | null;
  cost: number | null;
}

/** The sessions table's counters: what a session's exchanges add up to. */
export interface SessionCounters {
  turns: number;
  errors: number;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

/** One session's share of the removed rows, named as the sessions table's columns. */
export interface RemovedTotals extends SessionCounters {
  id: number;
  /** Rows with a cost estimate, and the sum of those estimates. */
  priced: number;
  cost: number;
  models: Set<string>;
}

/** Sums the rows by session; rows without one are skipped. An error is what the aggregate counts as one: no status, or an outcome other than ok. */
export function removedTotals(rows: readonly RemovedTurn[]): RemovedTotals[] {
  const bySession = new Map<number, RemovedTotals>();
  for (const r of rows) {
    if (r.session === null) continue;
    let t = bySession.get(r.session);
    if (!t) bySession.set(r.session, (t = { id: r.session, turns: 0, errors: 0, input: 0, output: 0, cache_read: 0, cache_write: 0, priced: 0, cost: 0, models: new Set() }));
    t.turns++;
    if (r.status === null || r.outcome !== 'ok') t.errors++;
    t.input += r.usage_input ?? 0;
    t.output += r.usage_output ?? 0;
    t.cache_read += r.usage_cache_read ?? 0;
    t.cache_write += r.usage_cache_creation ?? 0;
    if (r.cost !== null) {
      t.priced++;
      t.cost += r.cost;
    }
    if (r.model !== null) t.models.add(r.model);
  }
  return [...bySession.values()];
}
