/**
 * The content-addressed part store: a body goes in as a manifest over parts (each
 * distinct part stored once, compressed, its text indexed once), comes back out as the
 * exact bytes, checked against the body's SHA-256 (part-reader.ts). Runs on the writer's
 * connection.
 */
import { BodyCache } from './body-cache.js';
import { continuedSplit, splitContinuing, type Continuation } from './body-diff.js';
import { sha256, startDigest } from './body-digest.js';
import { completeShape, type BodyShape, type PartRef } from './body-shape.js';
import { splitBody, type PartKind, type Segment } from './body-split.js';
import { pack } from './codec.js';
import type { ByteEdit } from '../lib/byte-edits.js';
import { storeEdited, type EditedStored, type StoredSegment } from './edited-body.js';
import { encodeEntries, manifestParts } from './manifest.js';
import type { Db } from './schema.js';
import type { SearchIndex } from './search-index.js';
import { textSize } from './rows.js';

export { sha256 };

export interface StoredPart {
  id: number;
  bytes: Buffer;
}

export interface StoredBody {
  manifest: Buffer;
  /** The body's check (body-digest.ts). */
  sha: Buffer;
  messageCount: number;
  /** Message `i` (0 <= i < messageCount). */
  message(i: number): StoredPart;
  system: StoredPart | null;
  tools: StoredPart | null;
  /** The body's glue, joined: indexed with the exchange, since small values (a short prompt) live there. */
  glue: Buffer;
  /** The size the history reports (see textSize). */
  size: number;
  /** The row whose parts this body took over (linked through it, not again), or null. */
  base: number | null;
  /** That row's sent manifest, whole: what this body's may be stored as a delta of (manifest-chain.ts). */
  baseManifest: Buffer | null;
  /** Leading messages that are the base body's, byte for byte. */
  reusedMessages: number;
  /** As the writer keeps it: what an edited copy of this body is stored from. */
  shape: BodyShape;
}

export interface StoreOptions {
  /** Put new parts' text in the full-text index. */
  index: boolean;
  /** The conversation thread the body belongs to: where the body it continues is found. */
  thread: string | null;
  /** Only continue from this row (the row's other body already does), or from none. */
  base?: number | null;
}

/** A resend or a long session looks the same parts up again and again. */
const ID_CACHE_MAX = 4096;
/** Copies of recently stored parts kept to recognise them again without hashing. */
const RECENT_MAX_BYTES = 8 * 1024 * 1024;
const RECENT_ENTRY_COST_BYTES = 256;
const EDGE = 24;

/** A cheap key for a part: its length and its edges. Equal keys are only candidates. */
function fingerprint(bytes: Buffer): string {
  return `${bytes.length}:${bytes.toString('latin1', 0, EDGE)}:${bytes.toString('latin1', Math.max(0, bytes.length - EDGE))}`;
}

export class PartWriter {
  readonly #find;
  readonly #insert;
  /** Where new parts' text waits for the full-text index. */
  readonly #search: SearchIndex;
  readonly #link;
  readonly #unlink;
  readonly #stillUsed;
  readonly #deletePart;
  readonly #ids = new Map<string, number>();
  /**
   * Parts stored lately, for bodies that do not continue a cached one (a resend in another
   * thread, the first turn after a restart): comparing with the copy (memcmp) costs several
   * times less than hashing again. Confirmed byte for byte, so a fingerprint collision only
   * costs the hash.
   */
  readonly #recent = new Map<string, { bytes: Buffer; ref: PartRef }>();
  #recentBytes = 0;
  readonly #bodies = new BodyCache();

  constructor(db: Db, search: SearchIndex) {
    this.#find = db.prepare<[Buffer], number>('SELECT id FROM parts WHERE hash = ?').pluck();
    this.#insert = db.prepare<[Buffer, string, number, Buffer], number>(
      'INSERT INTO parts (hash, kind, size, data) VALUES (?, ?, ?, ?) RETURNING id',
    ).pluck();
    this.#search = search;
    this.#link = db.prepare<[number, number]>('INSERT OR IGNORE INTO exchange_parts (part, seq) VALUES (?, ?)');
    this.#unlink = db.prepare<[number, number]>('DELETE FROM exchange_parts WHERE part = ? AND seq = ?');
    this.#stillUsed = db.prepare<[number], number>('SELECT 1 FROM exchange_parts WHERE part = ? LIMIT 1').pluck();
    this.#deletePart = db.prepare<[number]>('DELETE FROM parts WHERE id = ?');
  }

  #put(kind: PartKind, bytes: Buffer, index: boolean): PartRef {
    const fp = fingerprint(bytes);
    const seen = this.#recent.get(fp);
    if (seen && seen.bytes.equals(bytes)) return seen.ref;
    const ref = this.#putHashed(kind, bytes, index);
    // Each entry costs its copy, its key and its hash besides: tiny parts count at least that.
    const cost = bytes.length + RECENT_ENTRY_COST_BYTES;
    if (this.#recentBytes + cost > RECENT_MAX_BYTES) this.#forgetRecent();
    this.#recent.set(fp, { bytes: Buffer.from(bytes), ref });
    this.#recentBytes += cost;
    return ref;
  }

  #forgetRecent(): void {
    this.#recent.clear();
    this.#recentBytes = 0;
  }

  #putHashed(kind: PartKind, bytes: Buffer, index: boolean): PartRef {
    const hash = sha256(bytes);
    const key = hash.toString('base64');
    let id = this.#ids.get(key) ?? this.#find.get(hash);
    if (id === undefined) {
      id = this.#insert.get(hash, kind, bytes.length, pack(bytes))!;
      if (index) this.#search.addPart(id, bytes);
    }
    if (this.#ids.size >= ID_CACHE_MAX) this.#ids.clear();
    this.#ids.set(key, id);
    return { id, hash };
  }

  /**
   * Stores a body's parts for exchange `seq`. A body that continues the thread's last one
   * takes that body's parts over and links only its new ones: the row names the other as
   * its base (`exchanges.parts_base`), and removing rows hands links down (`release`).
   * Then only the new segments are hashed, compressed and encoded; the rest comes from the
   * cached body as array slices and byte ranges.
   */
  store(body: Buffer, seq: number, options: StoreOptions): StoredBody {
    const cached = options.thread === null ? undefined : this.#bodies.get(options.thread);
    const prev = cached !== undefined && (options.base === undefined || options.base === cached.seq) ? cached : undefined;
    const cont = prev ? splitContinuing(prev, body) : null;
    const shape = prev && cont ? this.#continue(prev, cont, body, seq, options.index) : this.#whole(body, seq, options.index);
    if (options.thread !== null && shape.split.messages.length > 0) this.#bodies.set(options.thread, shape);
    const { split, refs } = shape;
    const partAt = (i: number | undefined): StoredPart | null =>
      i === undefined ? null : { id: refs[i]!.id, bytes: body.subarray(split.segments[i]!.start, split.segments[i]!.end) };
    return {
      manifest: shape.manifest,
      sha: shape.sha,
      messageCount: split.messages.length,
      message: (i) => partAt(split.messages[i])!,
      system: partAt(shape.system),
      tools: partAt(shape.tools),
      glue: shape.glue,
      size: shape.size,
      base: cont ? prev!.seq : null,
      baseManifest: cont ? prev!.manifest : null,
      reusedMessages: cont?.reusedMessages ?? 0,
      shape,
    };
  }

  /** The body `edits` make of `base`, stored just now for `seq`, by reference but for what they change; null when they do not fit its cut. */
  storeEdited(base: StoredBody, edits: readonly ByteEdit[], seq: number): EditedStored | null {
    return storeEdited(base.shape, edits, (kind, bytes) => this.#stored(kind, bytes, seq, false));
  }

  #segment(body: Buffer, s: Segment, seq: number, index: boolean): StoredSegment {
    return this.#stored(s.kind === 'glue' ? null : s.part, body.subarray(s.start, s.end), seq, index);
  }

  /** Stores one new segment: a part (hashed, linked to `seq`) or glue (`kind` null). */
  #stored(kind: PartKind | null, bytes: Buffer, seq: number, index: boolean): StoredSegment {
    if (kind === null) return { ref: null, size: textSize(bytes), entry: bytes };
    const ref = this.#put(kind, bytes, index);
    this.#link.run(ref.id, seq);
    return { ref, size: textSize(bytes), entry: ref.id };
  }

  #whole(body: Buffer, seq: number, index: boolean): BodyShape {
    const cut = splitBody(body);
    // An empty body is one empty glue entry: a zero-length manifest could bind as NULL,
    // which means "no body", and the check covers exactly what the manifest holds.
    const split = cut.segments.length > 0 ? cut : { segments: [{ kind: 'glue' as const, start: 0, end: 0 }], messages: [] };
    const stored = split.segments.map((s) => this.#segment(body, s, seq, index));
    const { bytes, offsets } = encodeEntries(stored.map((x) => x.entry));
    const refs = stored.map((x) => x.ref);
    const glue = split.segments.filter((s) => s.kind === 'glue').map((s) => body.subarray(s.start, s.end));
    return completeShape({
      seq,
      bytes: body,
      split,
      refs,
      sizes: stored.map((x) => x.size),
      size: stored.reduce((n, x) => n + x.size, 0),
      manifest: bytes,
      offsets,
      glue: Buffer.concat(glue),
      states: new Map(),
    }, startDigest(), 0);
  }

  #continue(prev: BodyShape, c: Continuation, body: Buffer, seq: number, index: boolean): BodyShape {
    const stored = c.middle.map((s) => this.#segment(body, s, seq, index));
    const mid = encodeEntries(stored.map((x) => x.entry));
    const p = prev.offsets;
    const head = p[c.keep]!;
    const tail = p[c.after]!;
    const shift = head + mid.bytes.length - tail;
    let size = prev.size;
    for (let i = c.keep; i < c.after; i++) size -= prev.sizes[i]!;
    for (const x of stored) size += x.size;
    const offsets = p.slice(0, c.keep).concat(mid.offsets.slice(0, -1).map((o) => o + head), p.slice(c.after).map((o) => o + shift));
    // The hash state after the kept segments, when the previous turn kept one there.
    const state = prev.states.get(c.keep);
    const states = new Map([...prev.states].filter(([j]) => j <= c.keep));
    return completeShape({
      seq,
      bytes: body,
      split: continuedSplit(prev.split, c),
      refs: prev.refs.slice(0, c.keep).concat(stored.map((x) => x.ref), prev.refs.slice(c.after)),
      sizes: prev.sizes.slice(0, c.keep).concat(stored.map((x) => x.size), prev.sizes.slice(c.after)),
      size,
      manifest: Buffer.concat([prev.manifest.subarray(0, head), mid.bytes, prev.manifest.subarray(tail)]),
      offsets,
      // The middle adds only separators between messages: the glue's text is the previous body's.
      glue: prev.glue,
      states,
    }, state ? state.copy() : startDigest(), state ? c.keep : 0, prev, c);
  }

  /** Gives exchange `seq` its own link to each of `parts` (before the row it took them from goes). */
  adopt(seq: number, parts: Iterable<number>): void {
    for (const id of parts) this.#link.run(id, seq);
  }

  /** Unlinks exchange `seq` from the parts its manifests name; removes parts nothing references. Returns how many went. */
  release(seq: number, manifests: ReadonlyArray<Uint8Array | null>): number {
    const ids = new Set<number>();
    for (const m of manifests) for (const id of manifestParts(m)) ids.add(id);
    let removed = 0;
    for (const id of ids) {
      this.#unlink.run(id, seq);
      if (this.#stillUsed.get(id) === undefined) {
        this.#deletePart.run(id);
        removed++;
      }
    }
    if (removed > 0) {
      this.#ids.clear();
      this.#forgetRecent();
      this.#search.partsRemoved();
    }
    return removed;
  }

  /** After these rows went: bodies they stored can no longer be continued from. */
  forgetRows(seqs: ReadonlySet<number>): void {
    this.#bodies.dropRows(seqs);
  }

  /** After rows went or a transaction failed: nothing cached may name them any more. */
  forget(): void {
    this.#ids.clear();
    this.#forgetRecent();
    this.#bodies.clear();
    this.#search.forget();
  }
}
