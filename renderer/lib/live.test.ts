import { describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../proxy/contract/operations.js';
import { makeRecord, toSummary } from '../test/fixtures.js';
import { applyEvents, createLiveState, filterRows, rowMatches, seedRows } from './live.js';

const start = (id: string, extra: Partial<ContractEvent<'request:start'>['payload']> = {}): ContractEvent => ({
  name: 'request:start',
  payload: { id, startedAt: 1000, method: 'POST', path: '/v1/messages', dialect: 'anthropic', model: 'claude-sonnet-4-5', stream: true, modified: true, ...extra },
});
const response = (id: string, status = 200): ContractEvent => ({ name: 'response:start', payload: { id, status, ttfbMs: 120 } });
const finish = (id: string, extra: Partial<ContractEvent<'request:finish'>['payload']> = {}): ContractEvent => ({
  name: 'request:finish',
  payload: {
    id,
    status: 200,
    outcome: 'ok',
    durationMs: 900,
    model: 'claude-sonnet-4-5',
    stopReason: 'end_turn',
    usage: { input: 10, output: 20, cacheRead: 0, cacheCreation: 0 },
    error: null,
    ...extra,
  },
});

describe('applyEvents', () => {
  it('follows one exchange from start to finish', () => {
    let s = createLiveState();
    s = applyEvents(s, [start('a')]);
    expect(s.rows).toHaveLength(1);
    expect(s.rows[0]).toMatchObject({ id: 'a', method: 'POST', phase: 'waiting', status: null });
    s = applyEvents(s, [response('a')]);
    expect(s.rows[0]).toMatchObject({ phase: 'streaming', status: 200, ttfbMs: 120 });
    s = applyEvents(s, [finish('a')]);
    expect(s.rows[0]).toMatchObject({ phase: 'done', durationMs: 900, usage: { output: 20 }, stopReason: 'end_turn' });
  });

  it('applies a whole batch at once and keeps arrival order', () => {
    const s = applyEvents(createLiveState(), [start('a'), start('b'), response('a'), finish('b'), finish('a')]);
    expect(s.rows.map((r) => [r.id, r.phase])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
    ]);
  });

  it('marks failures and keeps the error text', () => {
    let s = applyEvents(createLiveState(), [start('a'), { name: 'request:error', payload: { id: 'a', code: 'UPSTREAM_TIMEOUT', message: 'Upstream API timed out.', status: 504 } }]);
    expect(s.rows[0]).toMatchObject({ phase: 'failed', status: 504, error: 'UPSTREAM_TIMEOUT: Upstream API timed out.' });
    s = applyEvents(s, [finish('a', { status: 504, outcome: 'proxy_error', error: 'UPSTREAM_TIMEOUT: Upstream API timed out (idle stream).' })]);
    expect(s.rows[0]).toMatchObject({ phase: 'failed', outcome: 'proxy_error', error: 'UPSTREAM_TIMEOUT: Upstream API timed out (idle stream).' });
  });

  it('creates a row for a finish whose start it never saw', () => {
    const s = applyEvents(createLiveState(), [finish('late')], 5000);
    expect(s.rows[0]).toMatchObject({ id: 'late', method: '—', startedAt: 5000, phase: 'done' });
  });

  it('returns the same state for batches it does not display', () => {
    const s = createLiveState();
    const next = applyEvents(s, [{ name: 'history:change', payload: { ids: ['a'], kind: 'added' } }]);
    expect(next).toBe(s);
  });

  it('never mutates the previous state', () => {
    const s1 = applyEvents(createLiveState(), [start('a')]);
    const snapshot = structuredClone(s1.rows);
    applyEvents(s1, [response('a'), finish('a'), start('b')]);
    expect(s1.rows).toEqual(snapshot);
    expect(s1.index.has('b')).toBe(false);
  });

  it('drops the oldest rows past the cap and still updates the survivors', () => {
    let s = createLiveState(3);
    s = applyEvents(s, ['a', 'b', 'c', 'd', 'e'].map((id) => start(id)));
    expect(s.rows.map((r) => r.id)).toEqual(['c', 'd', 'e']);
    expect(s.index.has('a')).toBe(false);
    s = applyEvents(s, [finish('d')]);
    expect(s.rows.map((r) => r.phase)).toEqual(['waiting', 'done', 'waiting']);
    // A finish for an evicted id comes back as a new row at the end.
    s = applyEvents(s, [finish('a')]);
    expect(s.rows.map((r) => r.id)).toEqual(['d', 'e', 'a']);
  });

  it('handles thousands of events in one batch within the cap', () => {
    const events: ContractEvent[] = [];
    for (let i = 0; i < 6000; i++) events.push(start(`r${i}`), finish(`r${i}`));
    const s = applyEvents(createLiveState(5000), events);
    expect(s.rows).toHaveLength(5000);
    expect(s.rows[0]!.id).toBe('r1000');
    expect(s.rows.every((r) => r.phase === 'done')).toBe(true);
  });

  it('keeps the last log lines up to their own cap', () => {
    const logs: ContractEvent[] = Array.from({ length: 5 }, (_, i) => ({ name: 'log', payload: { time: i, level: 'info', message: `line ${i}` } }));
    const s = applyEvents(createLiveState(10, 2), logs);
    expect(s.logs.map((l) => l.message)).toEqual(['line 3', 'line 4']);
    expect(s.rows).toHaveLength(0);
  });
});

describe('filtering', () => {
  const s = applyEvents(createLiveState(), [start('a'), start('b', { path: '/v1/models', method: 'GET', model: null }), finish('a', { status: 429, outcome: 'upstream_error' })]);

  it('matches every word against method, path, model and status', () => {
    expect(filterRows(s.rows, 'models').map((r) => r.id)).toEqual(['b']);
    expect(filterRows(s.rows, 'post 429').map((r) => r.id)).toEqual(['a']);
    expect(filterRows(s.rows, 'SONNET').map((r) => r.id)).toEqual(['a']);
    expect(filterRows(s.rows, '  ')).toBe(s.rows);
    expect(rowMatches(s.rows[0]!, 'get')).toBe(false);
  });
});

describe('seedRows', () => {
  const summary = (id: string, startedAt: number, outcome: 'ok' | 'upstream_error' = 'ok') => toSummary(makeRecord(id, { startedAt, outcome, status: outcome === 'ok' ? 200 : 429 }));

  it('puts recent history, oldest first, before the live rows', () => {
    let s = applyEvents(createLiveState(), [start('live')]);
    s = seedRows(s, [summary('h2', 2000, 'upstream_error'), summary('h1', 1000)]);
    expect(s.rows.map((r) => [r.id, r.phase])).toEqual([
      ['h1', 'done'],
      ['h2', 'failed'],
      ['live', 'waiting'],
    ]);
    // Live rows keep updating after seeding.
    s = applyEvents(s, [finish('live')]);
    expect(s.rows[2]).toMatchObject({ id: 'live', phase: 'done' });
    expect(s.rows[0]).toMatchObject({ method: 'POST', path: '/v1/messages', status: 200 });
  });

  it('skips rows it already has and respects the cap', () => {
    let s = applyEvents(createLiveState(3), [finish('h2'), start('x')]);
    s = seedRows(s, [summary('h1', 1000), summary('h2', 2000), summary('h0', 500)]);
    expect(s.rows.map((r) => r.id)).toEqual(['h1', 'h2', 'x']);
    expect(seedRows(s, [summary('h9', 1)])).toBe(s);
  });
});
