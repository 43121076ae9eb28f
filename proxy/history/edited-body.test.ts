/**
 * The forwarded body as the sent body's cut with the modifier's edits (edited-body.ts):
 * joined, its segments are exactly the spliced bytes, and but where an edit took a value
 * over the part size they are the cut splitBody gives the spliced body, so a forwarded
 * part means what a sent one does.
 */
import { describe, expect, it } from 'vitest';
import { applyByteEdits, type ByteEdit } from '../lib/byte-edits.js';
import { looseStringify, randomMessagesBody, randomModifier, seeded } from '../modifier/messages-gen.js';
import { spliceMessagesBody } from '../modifier/splice.js';
import { splitBody, type Segment } from './body-split.js';
import { editedSegments } from './edited-body.js';
import { loadFixture } from './fixtures.js';

const RUNS = 3000;
const edit = (start: number, end: number, insert: string): ByteEdit => ({ start, end, insert: Buffer.from(insert) });

/** The edited body's cut: the base's, with each changed segment's new bytes and everything after it moved. */
function editedCut(base: Buffer, segments: readonly Segment[], edits: readonly ByteEdit[]): { bytes: Buffer; segments: Segment[] } | null {
  const changed = editedSegments(base, segments, edits);
  if (changed === null) return null;
  const out: Segment[] = [];
  const pieces: Buffer[] = [];
  let at = 0;
  for (const [i, s] of segments.entries()) {
    const bytes = changed.find((c) => c.index === i)?.bytes ?? base.subarray(s.start, s.end);
    out.push({ ...s, start: at, end: at + bytes.length });
    pieces.push(bytes);
    at += bytes.length;
  }
  return { bytes: Buffer.concat(pieces), segments: out };
}

describe('editedSegments', () => {
  const body = Buffer.from('{"messages":[{"role":"user","content":"hi"}],"cache_control":{"type":"ephemeral"},"max_tokens":5}');
  const { segments } = splitBody(body);
  const message = segments.find((s) => s.kind === 'part')!;

  it('gives the one part an edit falls inside, with the edit applied', () => {
    const at = body.indexOf('hi') + 2;
    const got = editedSegments(body, segments, [edit(at, at, '!')])!;
    expect(got.map((c) => [c.index, c.bytes.toString()])).toEqual([[segments.indexOf(message), '{"role":"user","content":"hi!"}']]);
  });

  it('joins several edits in one segment and keeps segments apart', () => {
    const a = body.indexOf('user');
    const hi = body.indexOf('hi') + 2;
    const cut = body.indexOf(',"cache_control"');
    const got = editedSegments(body, segments, [edit(a, a + 4, 'USER'), edit(hi, hi, '?'), edit(cut, body.indexOf(',"max_tokens"'), '')])!;
    expect(got.map((c) => c.bytes.toString())).toEqual(['{"role":"USER","content":"hi?"}', '],"max_tokens":5}']);
  });

  it('gives null for an edit across a segment edge or at a part edge, and for one past the end', () => {
    expect(editedSegments(body, segments, [edit(message.start - 1, message.start + 1, 'x')])).toBeNull();
    expect(editedSegments(body, segments, [edit(message.end - 1, message.end, '')])).toBeNull();
    expect(editedSegments(body, segments, [edit(body.length + 1, body.length + 1, 'x')])).toBeNull();
    // An insertion at a part's edge is the glue's next to it: the part keeps its bytes.
    const got = editedSegments(body, segments, [edit(message.end, message.end, ' ')])!;
    expect(got.map((c) => segments[c.index]!.kind)).toEqual(['glue']);
    // Also at its start: the glue before it, which ends there, takes the insertion.
    const before = editedSegments(body, segments, [edit(message.start, message.start, ' ')])!;
    expect(before.map((c) => [c.index, c.bytes.toString()])).toEqual([[segments.indexOf(message) - 1, '{"messages":[ ']]);
  });

  it('finds the segment of edits deep in a long conversation as a walk from the start would', () => {
    const long = Buffer.from(JSON.stringify({ model: 'm', messages: Array.from({ length: 300 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i}` })) }));
    const cut = splitBody(long).segments;
    const last = cut.filter((s) => s.kind === 'part').at(-1)!;
    const at = long.lastIndexOf('turn 299') + 8;
    const got = editedSegments(long, cut, [edit(last.start, last.start, ''), edit(at, at, '!'), edit(long.length - 1, long.length - 1, ' ')])!;
    expect(got.map((c) => [c.index, c.bytes.toString()])).toEqual([
      [cut.indexOf(last) - 1, ','],
      [cut.indexOf(last), '{"role":"assistant","content":"turn 299!"}'],
      [cut.length - 1, '] }'],
    ]);
  });
});

describe('the modifier splice over the sent body', () => {
  for (const form of ['JSON.stringify', 'loose'] as const) {
    it(`rebuilds the forwarded bytes and splitBody's cut of them (${RUNS} generated bodies, ${form} form)`, () => {
      const r = seeded(form === 'loose' ? 41 : 14);
      let derived = 0;
      let spliced = 0;
      let recut = 0;
      for (let n = 0; n < RUNS; n++) {
        const value = randomMessagesBody(r);
        const raw = Buffer.from(form === 'loose' ? looseStringify(r, value) : JSON.stringify(value));
        const got = spliceMessagesBody(raw, randomModifier(r));
        if (!got?.edits) continue;
        spliced++;
        const cut = editedCut(raw, splitBody(raw).segments, got.edits);
        if (cut === null) continue;
        derived++;
        const context = `${raw.toString()} -> ${got.forwarded.toString()}`;
        expect(cut.bytes.equals(got.forwarded), context).toBe(true);
        const fresh = splitBody(got.forwarded).segments;
        // The one way the cuts can differ: the edit took a value over the size from which it is a
        // part of its own (a messages key spelled with escapes is such a value), the same bytes either way.
        const kinds = (segs: readonly Segment[]): string => segs.map((s) => (s.kind === 'part' ? s.part : 'glue')).join();
        if (kinds(fresh) !== kinds(cut.segments)) {
          expect(splitBody(raw).messages, context).toEqual([]);
          recut++;
          continue;
        }
        expect(cut.segments, context).toEqual(fresh);
      }
      expect(spliced).toBeGreaterThan(RUNS / 3);
      if (form === 'JSON.stringify') expect(recut).toBe(0);
      // The modifier edits inside the last user message and cuts a top-level breakpoint out of the glue: always one segment each.
      expect(derived).toBe(spliced);
    });
  }

  it('rebuilds every real Claude Code request, with and without automatic caching', () => {
    for (const f of [...loadFixture('claude-code-2.1.197-session.jsonl'), ...loadFixture('claude-code-2.1.197-subagent.jsonl')]) {
      for (const raw of [Buffer.from(f.body), Buffer.from(JSON.stringify({ cache_control: { type: 'ephemeral' }, ...(JSON.parse(f.body) as object) }))]) {
        const got = spliceMessagesBody(raw, '\n\nAnswer in French.')!;
        const cut = editedCut(raw, splitBody(raw).segments, got.edits!)!;
        expect(cut.bytes.equals(applyByteEdits(raw, got.edits!))).toBe(true);
        expect(cut.segments).toEqual(splitBody(got.forwarded).segments);
      }
    }
  });
});
