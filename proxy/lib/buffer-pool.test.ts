import { describe, expect, it } from 'vitest';
import { BufferPool, classCapacity, heldBytes, IDLE_MAX_BYTES, mayBePooled, POOL_MAX_BYTES, POOL_MIN_BYTES } from './buffer-pool.js';

const KB = 1024;

describe('classCapacity', () => {
  it('rounds up to a quarter-octave step in whole pages, never below the size', () => {
    expect(classCapacity(64 * KB)).toBe(64 * KB);
    expect(classCapacity(64 * KB + 1)).toBe(80 * KB);
    expect(classCapacity(76 * KB)).toBe(80 * KB);
    expect(classCapacity(100 * KB)).toBe(112 * KB);
    expect(classCapacity(153 * KB)).toBe(160 * KB);
    for (let size = POOL_MIN_BYTES; size <= POOL_MAX_BYTES; size = Math.ceil(size * 1.07)) {
      const c = classCapacity(size);
      expect(c).toBeGreaterThanOrEqual(size);
      expect(c).toBeLessThanOrEqual(size * 1.25 + 4096);
      expect(c % 4096).toBe(0);
    }
  });
});

describe('BufferPool', () => {
  it('hands out exactly the size asked for, over shared memory', () => {
    const pool = new BufferPool();
    const b = pool.take(100 * KB);
    expect(b.length).toBe(100 * KB);
    expect(b.byteOffset).toBe(0);
    expect(b.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b.buffer.byteLength).toBe(classCapacity(100 * KB));
  });

  it('reuses a buffer once its last holder released it, for a body of the same class', () => {
    const pool = new BufferPool();
    const a = pool.take(100 * KB);
    pool.retain(a);
    pool.release(a);
    // Still held by the taker: a new body gets other memory.
    const b = pool.take(100 * KB);
    expect(b.buffer).not.toBe(a.buffer);
    pool.release(a);
    expect(pool.idleBytes).toBe(classCapacity(100 * KB));
    const c = pool.take(105 * KB);
    expect(c.buffer).toBe(a.buffer);
    expect(c.length).toBe(105 * KB);
    expect(pool.idleBytes).toBe(0);
    // Another class does not take it.
    pool.release(c);
    expect(pool.take(200 * KB).buffer).not.toBe(a.buffer);
  });

  it('lends a body a free buffer up to two classes larger when its own class has none', () => {
    const pool = new BufferPool();
    const size = 100 * KB;
    const next = classCapacity(classCapacity(size) + 1);
    const third = classCapacity(classCapacity(next + 1) + 1);
    const [a, b] = [pool.take(next), pool.take(third)];
    pool.release(a);
    pool.release(b);
    const got = pool.take(size);
    expect(got.buffer).toBe(a.buffer);
    expect(got.length).toBe(size);
    // Three classes up is too wasteful: new memory instead.
    expect(pool.take(size).buffer).not.toBe(b.buffer);
    expect(pool.idleBytes).toBe(third);
  });

  it('counts every holder: a buffer retained twice needs three releases', () => {
    const pool = new BufferPool({ strict: true });
    const a = pool.take(64 * KB).fill(7);
    pool.retain(a);
    pool.retain(a.subarray(10, 20));
    pool.release(a);
    pool.release(a);
    expect(a[0]).toBe(7);
    expect(pool.idleBytes).toBe(0);
    pool.release(a.subarray(5));
    expect(pool.idleBytes).toBe(64 * KB);
    // Poisoned on its last release, so a holder that was not counted reads garbage.
    expect(a[0]).toBe(0xee);
    expect(a[64 * KB - 1]).toBe(0xee);
  });

  it('leaves alone what it did not hand out, and what it has already taken back', () => {
    const pool = new BufferPool();
    const small = pool.take(POOL_MIN_BYTES - 1);
    const huge = pool.take(POOL_MAX_BYTES + 1);
    const plain = Buffer.alloc(64 * KB, 1);
    for (const b of [small, huge, plain, null, 'text', { edits: [] }]) {
      pool.retain(b);
      pool.release(b);
    }
    expect(pool.idleBytes).toBe(0);
    expect(plain[0]).toBe(1);
    const a = pool.take(64 * KB);
    pool.release(a);
    // An extra release of a free buffer must not free it twice (two takers would share it).
    pool.release(a);
    expect(pool.idleBytes).toBe(64 * KB);
    const [x, y] = [pool.take(64 * KB), pool.take(64 * KB)];
    expect(x.buffer).not.toBe(y.buffer);
  });

  it('when strict, refuses to retain or release a buffer whose last holder let go, until it is handed out again', () => {
    const pool = new BufferPool({ strict: true });
    const a = pool.take(64 * KB);
    pool.release(a);
    expect(() => pool.release(a)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => pool.retain(a)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    const again = pool.take(64 * KB);
    expect(again.buffer).toBe(a.buffer);
    pool.retain(again);
    pool.release(again);
    pool.release(again);
  });

  it('keeps at most IDLE_MAX_BYTES idle; past that a released buffer is left to the collector', () => {
    const pool = new BufferPool();
    const fit = Math.floor(IDLE_MAX_BYTES / POOL_MAX_BYTES);
    const taken = Array.from({ length: fit + 3 }, () => pool.take(POOL_MAX_BYTES));
    for (const b of taken) pool.release(b);
    expect(pool.idleBytes).toBe(fit * POOL_MAX_BYTES);
  });
});

describe('mayBePooled and heldBytes', () => {
  it('tell a body over pooled memory by its buffer, whatever the body is short of it', () => {
    const pool = new BufferPool();
    const pooled = pool.take(POOL_MIN_BYTES);
    const short = pooled.subarray(0, 100);
    expect(mayBePooled(short)).toBe(true);
    expect(heldBytes(short)).toBe(POOL_MIN_BYTES);
    expect(mayBePooled(pool.take(POOL_MAX_BYTES))).toBe(true);
    // What the pool makes for every other size is exactly that size, outside its bounds.
    for (const size of [POOL_MIN_BYTES - 1, POOL_MAX_BYTES + 1]) {
      const own = pool.take(size);
      expect(mayBePooled(own)).toBe(false);
      expect(heldBytes(own)).toBe(size);
    }
    expect(mayBePooled(Buffer.alloc(POOL_MIN_BYTES))).toBe(false);
    expect(heldBytes('abc')).toBe(3);
    expect(heldBytes(null)).toBe(0);
  });
});
