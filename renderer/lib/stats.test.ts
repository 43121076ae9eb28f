import { describe, expect, it } from 'vitest';
import type { HistoryStats } from '../../proxy/contract/types.js';
import { dailySeries, dayRange, perModel, usageTotals } from './stats.js';

const NOW = Date.parse('2026-03-10T15:00:00Z');
const u = (input: number, output: number, cacheRead = 0, cacheCreation = 0) => ({ input, output, cacheRead, cacheCreation });

const stats: HistoryStats = {
  totals: { requests: 6, errors: 1, usage: u(3_000_100, 300_000, 1_000_000, 0) },
  rows: [
    { day: '2026-03-08', model: 'claude-sonnet-4-5-20250929', requests: 2, errors: 0, usage: u(1_000_000, 100_000, 1_000_000) },
    { day: '2026-03-10', model: 'claude-sonnet-4-5-20250929', requests: 1, errors: 1, usage: u(1_000_000, 100_000) },
    { day: '2026-03-10', model: 'claude-haiku-4-5', requests: 2, errors: 0, usage: u(1_000_000, 100_000) },
    { day: '2026-03-10', model: 'local-llama', requests: 1, errors: 0, usage: u(100, 0) },
    { day: '2026-01-01', model: 'claude-haiku-4-5', requests: 9, errors: 0, usage: u(5, 5) },
  ],
};

describe('dayRange', () => {
  it('lists UTC days ending today', () => {
    expect(dayRange(3, NOW)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
    expect(dayRange(1, Date.parse('2026-03-10T23:59:59Z'))).toEqual(['2026-03-10']);
  });
});

describe('dailySeries', () => {
  const s = dailySeries(stats, 3, NOW);

  it('zero-fills missing days and sums models per day', () => {
    expect(s.days).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
    expect(s.x[0]).toBe(Date.parse('2026-03-08T00:00:00Z') / 1000);
    expect(s.input).toEqual([1_000_000, 0, 2_000_100]);
    expect(s.cacheRead).toEqual([1_000_000, 0, 0]);
    expect(s.requests).toEqual([2, 0, 4]);
  });

  it('estimates cost per day from priced models and counts the rest', () => {
    // Sonnet: 3 + 1.5 + 0.3 on the 8th; Sonnet 4.5 (4.5) + Haiku 4.5 (1 + 0.5) on the 10th.
    expect(s.cost[0]).toBeCloseTo(4.8);
    expect(s.cost[1]).toBe(0);
    expect(s.cost[2]).toBeCloseTo(6);
    expect(s.unpricedRequests).toBe(1);
  });

  it('ignores rows outside the range', () => {
    expect(s.requests.reduce((a, b) => a + b, 0)).toBe(6);
  });
});

describe('perModel and totals', () => {
  it('sums per model, most expensive first, unpriced last', () => {
    const rows = perModel(stats);
    expect(rows.map((r) => r.model)).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5', 'local-llama']);
    expect(rows[0]).toMatchObject({ requests: 3, errors: 1 });
    expect(rows[0]!.cost).toBeCloseTo(9.3);
    expect(rows[0]!.cacheHitRatio).toBeCloseTo(1 / 3);
    expect(rows[2]!.cost).toBeNull();
  });

  it('totals the range with a cache hit ratio', () => {
    const t = usageTotals(stats);
    expect(t.requests).toBe(6);
    expect(t.unpricedRequests).toBe(1);
    expect(t.cacheHitRatio).toBeCloseTo(1_000_000 / 4_000_100);
    expect(t.cost).not.toBeNull();
  });

  it('has a null cost when nothing can be priced', () => {
    expect(usageTotals({ totals: { requests: 0, errors: 0, usage: u(0, 0) }, rows: [] }).cost).toBeNull();
  });
});
