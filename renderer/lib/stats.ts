import type { HistoryStats, Usage } from '../../proxy/contract/types.js';
import { addUsage, cacheHitRatio, estimateCost, ZERO_USAGE } from './cost.js';

const DAY_MS = 86_400_000;

/** The `days` UTC dates ending today, oldest first, as YYYY-MM-DD (the stats row key). */
export function dayRange(days: number, now: number): string[] {
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(new Date(todayStart - i * DAY_MS).toISOString().slice(0, 10));
  return out;
}

export interface DailySeries {
  days: string[];
  /** Epoch seconds at UTC midnight: uPlot's x values. */
  x: number[];
  input: number[];
  output: number[];
  cacheRead: number[];
  cacheCreation: number[];
  requests: number[];
  /** Estimated USD of the priced models only. */
  cost: number[];
  /** Requests whose model has no price, so the cost line is a lower bound. */
  unpricedRequests: number;
}

/** One point per day in the range, zero-filled, so gaps show as zero rather than as a
 * line drawn straight across missing days. */
export function dailySeries(stats: HistoryStats, days: number, now: number): DailySeries {
  const keys = dayRange(days, now);
  const pos = new Map(keys.map((k, i) => [k, i]));
  const zeros = () => keys.map(() => 0);
  const s: DailySeries = {
    days: keys,
    x: keys.map((k) => Date.parse(`${k}T00:00:00Z`) / 1000),
    input: zeros(),
    output: zeros(),
    cacheRead: zeros(),
    cacheCreation: zeros(),
    requests: zeros(),
    cost: zeros(),
    unpricedRequests: 0,
  };
  for (const row of stats.rows) {
    const i = pos.get(row.day);
    if (i === undefined) continue;
    s.input[i]! += row.usage.input;
    s.output[i]! += row.usage.output;
    s.cacheRead[i]! += row.usage.cacheRead;
    s.cacheCreation[i]! += row.usage.cacheCreation;
    s.requests[i]! += row.requests;
    const cost = estimateCost(row.model, row.usage);
    if (cost === null) s.unpricedRequests += row.requests;
    else s.cost[i]! += cost;
  }
  return s;
}

export interface ModelUsageRow {
  model: string;
  requests: number;
  errors: number;
  usage: Usage;
  cost: number | null;
  cacheHitRatio: number | null;
}

/** Per-model totals over the whole range, most expensive first (unpriced last, by volume). */
export function perModel(stats: HistoryStats): ModelUsageRow[] {
  const acc = new Map<string, { requests: number; errors: number; usage: Usage }>();
  for (const row of stats.rows) {
    const model = row.model ?? '(unknown)';
    const cur = acc.get(model) ?? { requests: 0, errors: 0, usage: ZERO_USAGE };
    acc.set(model, { requests: cur.requests + row.requests, errors: cur.errors + row.errors, usage: addUsage(cur.usage, row.usage) });
  }
  const rows: ModelUsageRow[] = [...acc].map(([model, v]) => ({
    model,
    ...v,
    cost: estimateCost(model === '(unknown)' ? null : model, v.usage),
    cacheHitRatio: cacheHitRatio(v.usage),
  }));
  return rows.sort((a, b) => {
    if (a.cost !== null && b.cost !== null && a.cost !== b.cost) return b.cost - a.cost;
    if (a.cost === null && b.cost !== null) return 1;
    if (b.cost === null && a.cost !== null) return -1;
    return b.requests - a.requests || a.model.localeCompare(b.model);
  });
}

export interface UsageTotals {
  requests: number;
  errors: number;
  usage: Usage;
  /** Sum over priced models; null when nothing could be priced. */
  cost: number | null;
  unpricedRequests: number;
  cacheHitRatio: number | null;
}

export function usageTotals(stats: HistoryStats): UsageTotals {
  let cost: number | null = null;
  let unpriced = 0;
  for (const row of stats.rows) {
    const c = estimateCost(row.model, row.usage);
    if (c === null) unpriced += row.requests;
    else cost = (cost ?? 0) + c;
  }
  return {
    requests: stats.totals.requests,
    errors: stats.totals.errors,
    usage: stats.totals.usage,
    cost,
    unpricedRequests: unpriced,
    cacheHitRatio: cacheHitRatio(stats.totals.usage),
  };
}
