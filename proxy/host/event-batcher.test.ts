import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContractEvent } from '../contract/operations.js';
import { createEventBatcher } from './event-batcher.js';

function logEvent(message: string): ContractEvent {
  return { name: 'log', payload: { time: 1, level: 'info', message } };
}

describe('event batcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers events together after the interval, in order', () => {
    const b = createEventBatcher({ intervalMs: 100, maxBatch: 10, maxQueued: 100 });
    const got: ContractEvent[][] = [];
    b.subscribe((events) => got.push(events));
    b.push(logEvent('a'));
    b.push(logEvent('b'));
    expect(got).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(got).toEqual([[logEvent('a'), logEvent('b')]]);
    vi.advanceTimersByTime(1000);
    expect(got).toHaveLength(1);
  });

  it('splits a backlog into batches of at most maxBatch', () => {
    const b = createEventBatcher({ intervalMs: 100, maxBatch: 3, maxQueued: 100 });
    const sizes: number[] = [];
    b.subscribe((events) => sizes.push(events.length));
    for (let i = 0; i < 8; i++) b.push(logEvent(String(i)));
    vi.advanceTimersByTime(100);
    expect(sizes).toEqual([3, 3, 2]);
  });

  it('drops the oldest events past maxQueued and says so', () => {
    const b = createEventBatcher({ intervalMs: 100, maxBatch: 100, maxQueued: 3, now: () => 5 });
    const got: ContractEvent[] = [];
    b.subscribe((events) => got.push(...events));
    for (let i = 0; i < 5; i++) b.push(logEvent(String(i)));
    b.flush();
    expect(got.slice(0, 3)).toEqual([logEvent('2'), logEvent('3'), logEvent('4')]);
    expect(got[3]).toEqual({ name: 'log', payload: { time: 5, level: 'warn', message: expect.stringContaining('2 live events were dropped') } });
  });

  it('queues nothing while nobody listens, and keeps serving others when a listener throws', () => {
    const b = createEventBatcher({ intervalMs: 100, maxBatch: 10, maxQueued: 100 });
    b.push(logEvent('lost'));
    const got: ContractEvent[] = [];
    b.subscribe(() => {
      throw new Error('window gone');
    });
    const off = b.subscribe((events) => got.push(...events));
    b.push(logEvent('kept'));
    vi.advanceTimersByTime(100);
    expect(got).toEqual([logEvent('kept')]);
    off();
    expect(b.listenerCount()).toBe(1);
  });
});
