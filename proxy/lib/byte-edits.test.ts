import { describe, expect, it } from 'vitest';
import { seeded } from '../modifier/messages-gen.js';
import { applyByteEdits, editedChunks, editedLength, type ByteEdit } from './byte-edits.js';

/** Random edits in order over a base of `n` bytes: replacements, insertions and deletions, at the edges too. */
function randomEdits(r: () => number, n: number): ByteEdit[] {
  const edits: ByteEdit[] = [];
  let at = 0;
  while (at <= n && r() < 0.7) {
    const start = Math.min(n, at + Math.floor(r() * 5));
    const end = Math.min(n, start + Math.floor(r() * 3));
    edits.push({ start, end, insert: Buffer.from('x'.repeat(Math.floor(r() * 3))) });
    at = end;
  }
  return edits;
}

describe('editedChunks', () => {
  it('gives the edited body as views, no piece empty, the same bytes and length as applyByteEdits', () => {
    const r = seeded(5);
    for (let i = 0; i < 500; i++) {
      const base = Buffer.from(Array.from({ length: Math.floor(r() * 12) }, (_, k) => 97 + (k % 26)));
      const edits = randomEdits(r, base.length);
      const chunks = editedChunks(base, edits);
      const joined = applyByteEdits(base, edits);
      expect(Buffer.concat(chunks).equals(joined)).toBe(true);
      expect(editedLength(base.length, edits)).toBe(joined.length);
      expect(chunks.every((c) => c.length > 0)).toBe(true);
    }
  });

  it('copies none of the base: its pieces are views of it', () => {
    const base = Buffer.from('{"messages":[{"role":"user","content":"hi"}]}');
    const [head, , tail] = editedChunks(base, [{ start: 40, end: 40, insert: Buffer.from('!') }]);
    expect(head!.buffer).toBe(base.buffer);
    expect(tail!.buffer).toBe(base.buffer);
  });
});
