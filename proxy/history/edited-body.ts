/**
 * The forwarded body as the sent body's shape with the modifier's edits: only the segments
 * the edits fall in are new, everything else is the sent body's, by construction. So the
 * writer neither receives nor compares the forwarded bytes. An edited message is stored as
 * the sent message's part and the edits (editedPart), not as a second copy of it. Pure,
 * but for `put`.
 *
 * The cut stays the sent body's. An edit must lie strictly inside a part (its value's
 * first and last bytes unchanged: a message stays one JSON value) or inside glue; anything
 * else, such as an edit across a boundary, gives null and the caller stores the rebuilt
 * bytes as any body.
 */
import type { Hash } from 'node:crypto';
import type { ByteEdit } from '../lib/byte-edits.js';
import { digestInput, finishDigest, sha256, startDigest, type DigestEntry } from './body-digest.js';
import { textSize } from './rows.js';
import type { BodyShape, PartRef } from './body-shape.js';
import type { PartKind, Segment } from './body-split.js';
import { encodeEntries, type ManifestEntry, type PartEdit } from './manifest.js';

/** A segment the edits changed: its index, its bytes in the edited body, and the edits that made them (offsets in the segment). */
export interface EditedSegment {
  index: number;
  segment: Segment;
  bytes: Buffer;
  edits: ByteEdit[];
}

/** Whether edit `x` lies inside segment `s`: anywhere in glue, strictly inside a part. */
const inside = (s: Segment, x: ByteEdit): boolean => (s.kind === 'glue' ? s.start <= x.start && x.end <= s.end : s.start < x.start && x.end < s.end);

/**
 * The first segment at or after `from` that ends at or after `pos` (segments are in order and
 * touch): none before it can hold an edit starting at `pos`. A long conversation has
 * thousands of segments and its edits lie in the last message, so they are bisected, not walked.
 */
function firstEndingFrom(segments: readonly Segment[], from: number, pos: number): number {
  let lo = from;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.end < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The segments `edits` (in order, editsFit) change, with their new bytes; null when an edit does not lie inside one segment. */
export function editedSegments(body: Buffer, segments: readonly Segment[], edits: readonly ByteEdit[]): EditedSegment[] | null {
  const out: EditedSegment[] = [];
  let i = 0;
  let e = 0;
  while (e < edits.length) {
    const first = edits[e]!;
    i = firstEndingFrom(segments, i, first.start);
    while (i < segments.length && !inside(segments[i]!, first)) {
      // Edits are in order: once a segment ends past the edit's start, no later one holds it.
      if (segments[i]!.end > first.start) return null;
      i++;
    }
    const s = segments[i];
    if (s === undefined) return null;
    const pieces: Uint8Array[] = [];
    const local: ByteEdit[] = [];
    let at = s.start;
    while (e < edits.length && inside(s, edits[e]!)) {
      const x = edits[e++]!;
      pieces.push(body.subarray(at, x.start), x.insert);
      local.push({ start: x.start - s.start, end: x.end - s.start, insert: x.insert });
      at = x.end;
    }
    pieces.push(body.subarray(at, s.end));
    out.push({ index: i, segment: s, bytes: Buffer.concat(pieces), edits: local });
    i++;
  }
  return out;
}

/** What storing one new segment gives (parts.ts): its part (for an edited part, the part it edits and its bytes' hash), or null for glue; its size; its manifest entry. */
export interface StoredSegment {
  ref: PartRef | null;
  size: number;
  entry: ManifestEntry;
}

/** The edited body as stored: its manifest, check and size. Its parts are the base's but for the new ones `put` stored. */
export interface EditedStored {
  manifest: Buffer;
  sha: Buffer;
  size: number;
}

/**
 * Inserts from this size are parts of their own, stored once for every turn that makes the
 * same edit (the appended text is the same each time); a part costs its row, its hash and
 * a link per exchange, which on shorter inserts outweighs keeping the bytes inline.
 */
export const INSERT_PART_MIN_BYTES = 64;

/**
 * A changed part as the part it edits and the edits: the message, a tool result the size of a
 * source file, is stored once however the modifier changed it. It counts in the digest by
 * its bytes' hash, as a part of its own would.
 */
function editedPart(base: BodyShape, c: EditedSegment, put: (kind: PartKind, bytes: Buffer) => StoredSegment): StoredSegment {
  const id = base.refs[c.index]!.id;
  const edits: PartEdit[] = c.edits.map((x) => ({
    start: x.start,
    end: x.end,
    insert: x.insert.length >= INSERT_PART_MIN_BYTES ? (put('edit', Buffer.from(x.insert.buffer, x.insert.byteOffset, x.insert.byteLength)).entry as number) : x.insert,
  }));
  return { ref: { id, hash: sha256(c.bytes) }, size: textSize(c.bytes), entry: { part: id, edits } };
}

/** The digest state after the most segments, at most `upTo`, that `shape` kept. */
function stateBefore(shape: BodyShape, upTo: number): { h: Hash; from: number } {
  let from = 0;
  for (const j of shape.states.keys()) if (j <= upTo && j > from) from = j;
  const state = from > 0 ? shape.states.get(from) : undefined;
  return state ? { h: state.copy(), from } : { h: startDigest(), from: 0 };
}

/**
 * Stores the body `edits` make of `base` (the sent body, just stored): the changed segments
 * through `put`, the rest by reference. Null when the edits do not fit the base's cut.
 */
export function storeEdited(base: BodyShape, edits: readonly ByteEdit[], put: (kind: PartKind | null, bytes: Buffer) => StoredSegment): EditedStored | null {
  const changed = editedSegments(base.bytes, base.split.segments, edits);
  if (changed === null || changed.length === 0) return null;
  const stored = changed.map((c) => (c.segment.kind === 'part' ? editedPart(base, c, put) : put(null, c.bytes)));
  const encoded = encodeEntries(stored.map((s) => s.entry));

  const pieces: Buffer[] = [];
  let at = 0;
  let size = base.size;
  changed.forEach((c, k) => {
    pieces.push(base.manifest.subarray(at, base.offsets[c.index]), encoded.bytes.subarray(encoded.offsets[k], encoded.offsets[k + 1]));
    at = base.offsets[c.index + 1]!;
    size += stored[k]!.size - base.sizes[c.index]!;
  });
  pieces.push(base.manifest.subarray(at));

  const { h, from } = stateBefore(base, changed[0]!.index);
  const entries: DigestEntry[] = [];
  const segments = base.split.segments;
  let k = 0;
  for (let i = from; i < segments.length; i++) {
    const c = changed[k];
    if (c !== undefined && c.index === i) {
      const ref = stored[k++]!.ref;
      entries.push(ref ? { hash: ref.hash } : { glue: c.bytes });
    } else {
      const s = segments[i]!;
      entries.push(s.kind === 'glue' ? { glue: base.bytes.subarray(s.start, s.end) } : { hash: base.refs[i]!.hash });
    }
  }
  h.update(digestInput(entries));
  return { manifest: Buffer.concat(pieces), sha: finishDigest(h), size };
}
