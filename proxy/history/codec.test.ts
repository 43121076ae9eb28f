import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMPRESS_MIN_BYTES, pack, packText, unpack, unpackText } from './codec.js';
import { HistoryError } from './errors.js';

const prose = (n: number): Buffer => Buffer.from('{"type":"text","text":"the quick brown fox jumps over the lazy dog"},'.repeat(Math.ceil(n / 46)).slice(0, n));

describe('codec', () => {
  it('stores a blob below the threshold raw, one byte longer', () => {
    const small = prose(COMPRESS_MIN_BYTES - 1);
    const blob = pack(small);
    expect(blob.length).toBe(small.length + 1);
    expect(unpack(blob).equals(small)).toBe(true);
  });

  it('compresses a blob at the threshold when that saves bytes, and gives it back exactly', () => {
    const text = prose(COMPRESS_MIN_BYTES * 8);
    const blob = pack(text);
    expect(blob.length).toBeLessThan(text.length / 2);
    expect(unpack(blob).equals(text)).toBe(true);
    expect(pack(prose(COMPRESS_MIN_BYTES)).length).toBeLessThan(COMPRESS_MIN_BYTES);
  });

  it('keeps an incompressible blob raw', () => {
    const noise = Buffer.concat(Array.from({ length: 128 }, (_, i) => createHash('sha256').update(String(i)).digest()));
    const blob = pack(noise);
    expect(blob.length).toBe(noise.length + 1);
    expect(unpack(blob).equals(noise)).toBe(true);
  });

  it('round-trips empty blobs and text', () => {
    expect(unpack(pack(Buffer.alloc(0))).length).toBe(0);
    expect(unpackText(packText('héllo ✓'))).toBe('héllo ✓');
  });

  it('reports a blob with an unknown codec as corrupt', () => {
    expect(() => unpack(Buffer.of(9, 1, 2))).toThrow(HistoryError);
    expect(() => unpack(Buffer.of(9, 1, 2))).toThrow(/unknown codec/);
  });
});
