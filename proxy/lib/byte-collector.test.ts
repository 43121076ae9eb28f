import { describe, expect, it } from 'vitest';
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
});
