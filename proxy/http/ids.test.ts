import { describe, expect, it } from 'vitest';
import { newExchangeId } from './ids.js';

describe('newExchangeId', () => {
  it('is time-ordered, unique within a millisecond, and random past the pool refills', () => {
    const now = 0x190f3c2a1b4;
    const ids = Array.from({ length: 3000 }, () => newExchangeId(now));
    expect(ids[0]).toMatch(/^0190f3c2a1b4-0000-[0-9a-f]{6}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // 3000 ids span three refills of the random pool: their random parts do not repeat in a cycle.
    const tails = ids.map((id) => id.slice(-6));
    expect(new Set(tails).size).toBeGreaterThan(2990);
    expect(newExchangeId(now + 1)).toMatch(/^0190f3c2a1b5-0000-/);
  });
});
