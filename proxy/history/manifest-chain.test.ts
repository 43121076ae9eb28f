import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/bodies.js';
import { HistoryError } from './errors.js';
import { applyDelta, encodeDelta } from './manifest-chain.js';

/** A manifest-like buffer and an edit of it: bytes replaced, inserted or cut anywhere. */
function pair(seed: number): [Buffer, Buffer] {
  const r = rng(seed);
  const base = Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 4)));
  const at = Math.floor(r() * (base.length + 1));
  const cut = Math.floor(r() * Math.min(8, base.length - at + 1));
  const added = Buffer.from(Array.from({ length: Math.floor(r() * 8) }, () => Math.floor(r() * 4)));
  return [base, Buffer.concat([base.subarray(0, at), added, base.subarray(at + cut)])];
}

describe('manifest deltas', () => {
  it('rebuild exactly what they encode, on generated edits (repeated bytes included)', () => {
    let encoded = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const [base, full] = pair(seed);
      const delta = encodeDelta(base, full);
      if (delta === null) continue;
      encoded++;
      expect(applyDelta(base, delta).equals(full), `seed ${seed}`).toBe(true);
    }
    expect(encoded).toBeGreaterThan(1000);
  });

  it('are not made when they would save little', () => {
    expect(encodeDelta(Buffer.from('abc'), Buffer.from('xyz'))).toBeNull();
    expect(encodeDelta(Buffer.alloc(0), Buffer.from('new'))).toBeNull();
    const same = Buffer.alloc(100, 7);
    expect(applyDelta(same, encodeDelta(same, same)!).equals(same)).toBe(true);
  });

  it('reject a delta that does not fit its base with a typed error', () => {
    const base = Buffer.alloc(100, 1);
    const delta = encodeDelta(base, Buffer.concat([base, Buffer.of(2)]))!;
    expect(() => applyDelta(base.subarray(0, 10), delta)).toThrow(HistoryError);
    expect(() => applyDelta(base, Buffer.of(0x80))).toThrow(/damaged/);
  });
});
