import { describe, expect, it } from 'vitest';
import { joinShared } from './shared-bytes.js';

describe('joinShared', () => {
  it('joins what Buffer.concat joins, over a SharedArrayBuffer of exactly that size', () => {
    const chunks = [Buffer.from('{"a":'), new Uint8Array([0xff, 0x22]), Buffer.alloc(0), Buffer.from('é}').subarray(1)];
    const joined = joinShared(chunks);
    expect(joined.equals(Buffer.concat(chunks))).toBe(true);
    expect(joined.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(joined.buffer.byteLength).toBe(joined.length);
    expect(joined.byteOffset).toBe(0);
  });

  it('gives an empty shared buffer for no bytes', () => {
    const joined = joinShared([]);
    expect(joined.length).toBe(0);
    expect(joined.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
