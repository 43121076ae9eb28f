import { describe, expect, it } from 'vitest';
import { makeTurn } from '../test/fixtures.js';
import { cacheMiss, cacheMisses, CACHE_TTL_MS } from './cache-miss.js';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const usage = (cacheRead: number, cacheCreation: number) => ({ input: 5, output: 40, cacheRead, cacheCreation });
const parent = makeTurn('p', { startedAt: T0, durationMs: 2000, usage: usage(10_000, 500) });
const child = (cacheRead: number, over: Parameters<typeof makeTurn>[1] = {}) =>
  makeTurn('c', { parentId: 'p', startedAt: T0 + 30_000, usage: usage(cacheRead, 300), ...over });

describe('the cache-miss finder', () => {
  it('passes a turn that reads everything its parent left in the cache', () => {
    expect(cacheMiss(child(10_500), parent)).toBeNull();
    expect(cacheMiss(child(10_800), parent)).toBeNull();
  });

  it('flags a turn that read less than its parent read and wrote, with what was lost', () => {
    expect(cacheMiss(child(2_000), parent)).toEqual({ expected: 10_500, read: 2_000, lost: 8_500, mayHaveExpired: false });
    // Reading the parent's read but not its write is a miss too: the new breakpoint's prefix was lost.
    expect(cacheMiss(child(10_000), parent)).toMatchObject({ lost: 500 });
  });

  it('says when the pause was longer than the cache lifetime', () => {
    const late = child(0, { startedAt: T0 + 2000 + CACHE_TTL_MS + 1 });
    expect(cacheMiss(late, parent)).toMatchObject({ mayHaveExpired: true, lost: 10_500 });
    expect(cacheMiss(child(0, { startedAt: T0 + 2000 + CACHE_TTL_MS }), parent)).toMatchObject({ mayHaveExpired: false });
  });

  it('does not judge without a parent, usage, a cached prefix, or with a failed exchange', () => {
    expect(cacheMiss(child(0), undefined)).toBeNull();
    expect(cacheMiss(child(0, { parentId: 'other' }), parent)).toBeNull();
    expect(cacheMiss(child(0, { usage: null }), parent)).toBeNull();
    expect(cacheMiss(child(0), { ...parent, usage: usage(0, 0) })).toBeNull();
    expect(cacheMiss(child(0), { ...parent, status: 529 })).toBeNull();
    expect(cacheMiss(child(0, { status: 400 }), parent)).toBeNull();
  });

  it('finds every flagged turn of a session by its parent', () => {
    const a = makeTurn('a', { usage: usage(0, 4000) });
    const b = makeTurn('b', { parentId: 'a', usage: usage(4000, 200) });
    const c = makeTurn('c', { parentId: 'b', usage: usage(100, 4100) });
    const d = makeTurn('d', { parentId: 'gone', usage: usage(0, 10) });
    expect([...cacheMisses([a, b, c, d]).entries()]).toEqual([['c', { expected: 4200, read: 100, lost: 4100, mayHaveExpired: false }]]);
  });
});
