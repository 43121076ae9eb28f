import { describe, expect, it } from 'vitest';
import { BufferPool, POOL_MAX_BYTES } from '../lib/buffer-pool.js';
import { BodyCache } from './body-cache.js';
import type { BodyShape } from './body-shape.js';

function shape(seq: number, bytes: Buffer): BodyShape {
  return {
    seq,
    bytes,
    split: { segments: [{ kind: 'glue', start: 0, end: bytes.length }], messages: [] },
    refs: [null],
    sizes: [bytes.length],
    size: bytes.length,
    manifest: Buffer.alloc(8),
    offsets: [0, 8],
    glue: Buffer.alloc(0),
    sha: Buffer.alloc(32),
    states: new Map(),
    system: undefined,
    tools: undefined,
  };
}

const body = (n: number, fill: number): Buffer => {
  const b = Buffer.alloc(n, fill);
  b.write(`{"turn":${fill}}`);
  return b;
};

describe('BodyCache', () => {
  it("keeps a copy of a body in the main thread's pooled memory, which is used again once the row is committed", () => {
    // Another thread's pool (the main thread's) hands the writer its bodies: one released there is overwritten here.
    const pool = new BufferPool({ strict: true });
    const cache = new BodyCache();
    const sent = pool.take(100 * 1024);
    body(100 * 1024, 1).copy(sent);
    const mine = shape(1, sent);
    cache.set('t', mine);
    pool.release(sent);
    expect(cache.get('t')!.bytes.equals(body(100 * 1024, 1))).toBe(true);
    expect(cache.get('t')!.bytes.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    // The caller's shape still views what it was given.
    expect(mine.bytes).toBe(sent);
  });

  it("copies the thread's next body into the same memory when it fits, and a longer one into new memory", () => {
    const cache = new BodyCache();
    const shared = (b: Buffer): Buffer => {
      const s = Buffer.from(new SharedArrayBuffer(b.length));
      b.copy(s);
      return s;
    };
    cache.set('t', shape(1, shared(body(100 * 1024, 1))));
    const first = cache.get('t')!.bytes.buffer;
    cache.set('t', shape(2, shared(body(100 * 1024 + 500, 2))));
    expect(cache.get('t')!.bytes.buffer).toBe(first);
    expect(cache.get('t')!.bytes.equals(body(100 * 1024 + 500, 2))).toBe(true);
    cache.set('t', shape(3, shared(body(200 * 1024, 3))));
    expect(cache.get('t')!.bytes.buffer).not.toBe(first);
    expect(cache.get('t')!.bytes.equals(body(200 * 1024, 3))).toBe(true);
  });

  it('keeps a view of a shared body too large to be pooled: its memory is never used again', () => {
    const cache = new BodyCache();
    const big = Buffer.from(new SharedArrayBuffer(POOL_MAX_BYTES + 1));
    cache.set('t', shape(1, big));
    expect(cache.get('t')!.bytes).toBe(big);
  });

  it('never writes over a buffer it did not allocate', () => {
    const cache = new BodyCache();
    const own = body(100 * 1024, 4);
    cache.set('t', shape(1, own));
    expect(cache.get('t')!.bytes).toBe(own);
    const s = Buffer.from(new SharedArrayBuffer(50 * 1024));
    body(50 * 1024, 5).copy(s);
    cache.set('t', shape(2, s));
    expect(own.equals(body(100 * 1024, 4))).toBe(true);
    expect(cache.get('t')!.bytes.buffer).not.toBe(own.buffer);
  });
});
