/**
 * Manifest entries (manifest.ts), the edited part above all: it round-trips, a damaged one
 * is refused, and in the database a splice's forwarded body stored through it reads back
 * byte for byte, checked, however turns go.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyByteEdits } from '../lib/byte-edits.js';
import { looseStringify, randomMessagesBody, randomModifier, seeded } from '../modifier/messages-gen.js';
import { spliceMessagesBody } from '../modifier/splice.js';
import { fixtureRecord } from './fixtures.js';
import { applyEditedPart, decodeManifest, encodeEntries, encodeManifest, manifestParts, type EditedPart, type ManifestEntry } from './manifest.js';
import type { QueuedRecord } from './protocol.js';
import type { HistoryReader } from './reader.js';
import { openTestHistory } from './testing.js';

const bytes = (s: string): Buffer => Buffer.from(s);
/** Entries as comparable values: glue as text, edits with their inserts as text. */
const plain = (entries: readonly ManifestEntry[]): unknown[] =>
  entries.map((e) =>
    typeof e === 'number' ? e : e instanceof Uint8Array ? Buffer.from(e).toString() : { part: e.part, edits: e.edits.map((x) => [x.start, x.end, typeof x.insert === 'number' ? x.insert : Buffer.from(x.insert).toString()]) },
  );

describe('edited parts in a manifest', () => {
  const edited: EditedPart = { part: 2 ** 33, edits: [{ start: 0, end: 0, insert: bytes('[') }, { start: 5, end: 9, insert: bytes('') }, { start: 200, end: 200, insert: 41 }, { start: 201, end: 201, insert: bytes(',{"type":"text","text":"é"}') }] };
  const entries: ManifestEntry[] = [bytes('{"messages":['), 7, edited, { part: 1, edits: [] }, bytes(']}'), 300];

  it('round-trip among glue and part references, in both encoders, and name their part', () => {
    expect(plain(decodeManifest(encodeManifest(entries)))).toEqual(plain(entries));
    const { bytes: encoded, offsets } = encodeEntries(entries);
    expect(encoded.equals(encodeManifest(entries))).toBe(true);
    // Each entry's bytes decode alone to that entry: a later manifest takes runs of them over.
    entries.forEach((e, i) => expect(plain(decodeManifest(encoded.subarray(offsets[i], offsets[i + 1])))).toEqual(plain([e])));
    expect(manifestParts(encodeManifest(entries)).sort((a, b) => a - b)).toEqual([1, 7, 41, 300, 2 ** 33]);
  });

  it('apply their edits to the part, inserts kept as parts included, and refuse edits that do not fit it or a cut-off entry', () => {
    const part = bytes('{"role":"user","content":[{"type":"text","text":"hi"}]}');
    const parts = new Map([[3, part], [4, bytes(',{"type":"text","text":"a long appended text"}')]]);
    const lookup = (id: number): Buffer => parts.get(id)!;
    const e: EditedPart = { part: 3, edits: [{ start: 1, end: 1, insert: bytes(' ') }, { start: part.length - 2, end: part.length - 2, insert: 4 }] };
    expect(applyEditedPart(e, lookup).toString()).toBe('{ "role":"user","content":[{"type":"text","text":"hi"},{"type":"text","text":"a long appended text"}]}');
    expect(() => applyEditedPart({ part: 3, edits: [{ start: 4, end: part.length + 1, insert: bytes('') }] }, lookup)).toThrow(expect.objectContaining({ code: 'HISTORY_CORRUPT' }));
    expect(() => applyEditedPart({ part: 3, edits: [{ start: 9, end: 9, insert: bytes('') }, { start: 4, end: 4, insert: bytes('') }] }, lookup)).toThrow(expect.objectContaining({ code: 'HISTORY_CORRUPT' }));
    const encoded = encodeManifest([e]);
    for (let cut = 1; cut < encoded.length; cut++) {
      expect(() => decodeManifest(encoded.subarray(0, cut)), `cut at ${cut}`).toThrow(expect.objectContaining({ code: 'HISTORY_CORRUPT' }));
    }
  });

  it('never encode a reference to part 0, whose number marks an edited part', () => {
    expect(() => encodeManifest([0])).toThrow(expect.objectContaining({ code: 'HISTORY_WRITE_FAILED' }));
  });
});

describe('a splice stored through edited parts', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const open = (): ReturnType<typeof openTestHistory> => openTestHistory(cleanups);
  function expectForwarded(reader: HistoryReader, records: readonly QueuedRecord[]): void {
    for (const record of records) {
      const edits = (record.forwardedBody as { edits: Parameters<typeof applyByteEdits>[1] }).edits;
      expect(reader.get(record.id)!.forwardedBody, record.id).toBe(applyByteEdits(record.originalBody as Buffer, edits).toString());
    }
  }

  it('stores a long appended text once for the whole session, and keeps it while a turn needs it', () => {
    const { db, writer, reader } = open();
    const modifier = `Always answer in the voice of a careful reviewer. ${'Keep it short. '.repeat(6)}`;
    const records = Array.from({ length: 12 }, (_, t) => {
      const messages = Array.from({ length: t + 1 }, (_, i) => ({ role: 'user', content: [{ type: 'text', text: `question ${i}: ${'why '.repeat(40)}` }] }));
      const raw = bytes(JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages }));
      const splice = spliceMessagesBody(raw, modifier)!;
      expect(splice.edits).not.toBeNull();
      return fixtureRecord({ headers: { 'x-claude-code-session-id': 'long-text' }, body: '' }, '{"type":"message"}', {
        id: `lt-${t}`, startedAt: 1_700_000_000_000 + t, originalBody: raw, forwardedBody: { edits: splice.edits! }, modified: true,
      });
    });
    for (const r of records) expect(writer.insertBatch([r]).failures).toEqual([]);
    expect(db.prepare("SELECT count(*) FROM parts WHERE kind = 'edit'").pluck().get()).toBe(1);
    // One part per message sent, one for the appended text: no forwarded message of its own.
    expect(db.prepare('SELECT count(*) FROM parts').pluck().get()).toBe(records.length + 1);
    expectForwarded(reader, records);
    writer.setRetention({ maxRows: 1, maxAgeDays: 0 });
    expectForwarded(reader, records.slice(-1));
    expect(writer.delete(records[records.length - 1]!.id)).toBe(true);
    expect(db.prepare('SELECT count(*) FROM parts').pluck().get()).toBe(0);
  });

  it('reads back every generated forwarded body byte for byte, alone and continuing the turn before, and through retention', () => {
    const { writer, reader } = open();
    const r = seeded(8);
    const stored: QueuedRecord[] = [];
    let spliced = 0;
    for (let n = 0; n < 400; n++) {
      const value = randomMessagesBody(r);
      const raw = bytes(n % 2 ? looseStringify(r, value) : JSON.stringify(value));
      const got = spliceMessagesBody(raw, randomModifier(r));
      if (!got?.edits) continue;
      spliced++;
      // Every other body goes twice in one session: the second turn continues the first.
      const session = `gen-${n - (n % 2)}`;
      for (const k of [0, 1]) {
        const record = fixtureRecord({ headers: { 'x-claude-code-session-id': session }, body: '' }, '{"type":"message"}', {
          id: `gen-${n}-${k}`,
          startedAt: 1_700_000_000_000 + n * 2 + k,
          originalBody: raw,
          forwardedBody: { edits: got.edits },
          modified: true,
        });
        expect(writer.insertBatch([record]).failures).toEqual([]);
        stored.push(record);
      }
    }
    expect(spliced).toBeGreaterThan(100);
    expectForwarded(reader, stored);
    writer.setRetention({ maxRows: 25, maxAgeDays: 0 });
    expectForwarded(reader, stored.slice(-25));
  });
});
