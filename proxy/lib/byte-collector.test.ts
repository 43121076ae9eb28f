import { describe, expect, it } from 'vitest';
import { bodyPool, POOL_MIN_BYTES } from './buffer-pool.js';
import { ByteCollector } from './byte-collector.js';

describe('ByteCollector', () => {
  it('gives back exactly the bytes pushed, in order, across blocks of every size', () => {
    const c = new ByteCollector();
    const pushed: Buffer[] = [];
    let seed = 7;
    for (let i = 0; i < 400; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // Mostly event-sized, now and then one larger than any block.
      const n = i % 97 === 0 ? 70_000 + (seed % 5000) : seed % 700;
      const chunk = Buffer.alloc(n, i % 251);
      pushed.push(chunk);
      c.push(chunk);
    }
    const all = Buffer.concat(pushed);
    expect(c.length).toBe(all.length);
    const taken = c.take()!;
    expect(taken.equals(all)).toBe(true);
    expect(taken.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('keeps copies: a chunk reused after its push does not change what was collected', () => {
    const c = new ByteCollector();
    const chunk = Buffer.from('data: {"type":"ping"}\n\n');
    c.push(chunk);
    chunk.fill(0);
    expect(c.take()!.toString()).toBe('data: {"type":"ping"}\n\n');
  });

  it('gives null when nothing was pushed, and starts empty again after a take', () => {
    const c = new ByteCollector();
    expect(c.take()).toBeNull();
    c.push(new Uint8Array(0));
    expect(c.take()).toBeNull();
    c.push(Buffer.from('ab'));
    expect(c.take()!.toString()).toBe('ab');
    expect(c.length).toBe(0);
    expect(c.take()).toBeNull();
  });

  it('collects into a buffer from the body pool, and gives back to the pool each one it outgrows', () => {
    const c = new ByteCollector();
    c.push(Buffer.alloc(1000, 1));
    let first!: Buffer;
    c.forEach((b) => (first = b));
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Past the first buffer: the bytes move to a larger one, and the first is the pool's again
    // (which, under the test runner, overwrites what it gets back).
    c.push(Buffer.alloc(POOL_MIN_BYTES, 2));
    expect(first[0]).toBe(0xee);
    const taken = c.take()!;
    expect(taken.length).toBe(1000 + POOL_MIN_BYTES);
    expect(taken[999]).toBe(1);
    expect(taken[1000]).toBe(2);
    // The taker is its holder: released, the pool has it back.
    bodyPool.release(taken);
    expect(taken[0]).toBe(0xee);
  });
});
