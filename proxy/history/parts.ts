/**
 * The content-addressed part store: a body goes in as a manifest over parts (each
 * distinct part stored once, compressed, its text indexed once), comes back out as the
 * exact bytes, checked against the body's SHA-256. Runs on the writer's connection,
 * except `rebuild`, which the reader uses too.
 */
import { createHash } from 'node:crypto';
import { splitBody, type PartKind } from './body-split.js';
import { pack, unpack } from './codec.js';
import { HistoryError } from './errors.js';
import { decodeManifest, encodeManifest, manifestParts, type ManifestEntry } from './manifest.js';
import type { Db } from './schema.js';
import { searchableBytes } from './search-text.js';

export interface StoredPart {
  id: number;
  bytes: Buffer;
}

export interface StoredBody {
  manifest: Buffer;
  sha: Buffer;
  /** Every distinct part id the manifest references. */
  parts: number[];
  messages: StoredPart[];
  system: StoredPart | null;
  tools: StoredPart | null;
  /** The body's glue, joined: indexed with the exchange, since small values (a short prompt) live there. */
  glue: Buffer;
}

/** A resend or a long session looks the same parts up again and again. */
const ID_CACHE_MAX = 4096;
/** Copies of recently stored parts kept to recognise them again without hashing. */
const RECENT_MAX_BYTES = 32 * 1024 * 1024;
const EDGE = 24;

/** A cheap key for a part: its length and its edges. Equal keys are only candidates. */
function fingerprint(bytes: Buffer): string {
  return `${bytes.length}:${bytes.toString('latin1', 0, EDGE)}:${bytes.toString('latin1', Math.max(0, bytes.length - EDGE))}`;
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export class PartWriter {
  readonly #find;
  readonly #insert;
  readonly #insertFts;
  readonly #link;
  readonly #unlink;
  readonly #stillUsed;
  readonly #deletePart;
  readonly #ids = new Map<string, number>();
  /**
   * Every turn re-sends all earlier messages; comparing a message with the copy stored last
   * time (memcmp) costs several times less than hashing it again, which matters in long
   * sessions. Confirmed byte for byte, so a fingerprint collision only costs the hash.
   */
  readonly #recent = new Map<string, { bytes: Buffer; id: number }>();
  #recentBytes = 0;

  constructor(db: Db) {
    this.#find = db.prepare<[Buffer], number>('SELECT id FROM parts WHERE hash = ?').pluck();
    this.#insert = db.prepare<[Buffer, string, number, Buffer], number>(
      'INSERT INTO parts (hash, kind, size, data) VALUES (?, ?, ?, ?) RETURNING id',
    ).pluck();
    this.#insertFts = db.prepare<[number, string]>('INSERT INTO parts_fts (rowid, text) VALUES (?, ?)');
    this.#link = db.prepare<[number, number]>('INSERT OR IGNORE INTO exchange_parts (part, seq) VALUES (?, ?)');
    this.#unlink = db.prepare<[number, number]>('DELETE FROM exchange_parts WHERE part = ? AND seq = ?');
    this.#stillUsed = db.prepare<[number], number>('SELECT 1 FROM exchange_parts WHERE part = ? LIMIT 1').pluck();
    this.#deletePart = db.prepare<[number]>('DELETE FROM parts WHERE id = ?');
  }

  #put(kind: PartKind, bytes: Buffer, index: boolean): number {
    const fp = fingerprint(bytes);
    const seen = this.#recent.get(fp);
    if (seen && seen.bytes.equals(bytes)) return seen.id;
    const id = this.#putHashed(kind, bytes, index);
    if (this.#recentBytes + bytes.length > RECENT_MAX_BYTES) this.#forgetRecent();
    this.#recent.set(fp, { bytes: Buffer.from(bytes), id });
    this.#recentBytes += bytes.length;
    return id;
  }

  #forgetRecent(): void {
    this.#recent.clear();
    this.#recentBytes = 0;
  }

  #putHashed(kind: PartKind, bytes: Buffer, index: boolean): number {
    const hash = sha256(bytes);
    const key = hash.toString('base64');
    let id = this.#ids.get(key) ?? this.#find.get(hash);
    if (id === undefined) {
      id = this.#insert.get(hash, kind, bytes.length, pack(bytes))!;
      const text = index ? searchableBytes(bytes) : null;
      if (text) this.#insertFts.run(id, text);
    }
    if (this.#ids.size >= ID_CACHE_MAX) this.#ids.clear();
    this.#ids.set(key, id);
    return id;
  }

  /** Stores a body's parts and links them to exchange `seq`; `index` puts new parts' text in the full-text index. */
  store(body: Buffer, seq: number, index = true): StoredBody {
    const split = splitBody(body);
    const entries: ManifestEntry[] = [];
    const stored: Array<StoredPart | null> = [];
    const ids = new Set<number>();
    const glue: Buffer[] = [];
    let system: StoredPart | null = null;
    let tools: StoredPart | null = null;
    for (const s of split.segments) {
      const bytes = body.subarray(s.start, s.end);
      if (s.kind === 'glue') {
        entries.push(bytes);
        glue.push(bytes);
        stored.push(null);
        continue;
      }
      const part = { id: this.#put(s.part, bytes, index), bytes };
      entries.push(part.id);
      stored.push(part);
      ids.add(part.id);
      if (s.part === 'system') system ??= part;
      if (s.part === 'tools') tools ??= part;
    }
    for (const id of ids) this.#link.run(id, seq);
    return {
      manifest: encodeManifest(entries),
      sha: sha256(body),
      parts: [...ids],
      messages: split.messages.map((i) => stored[i]!),
      system,
      tools,
      glue: Buffer.concat(glue),
    };
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
    }
    return removed;
  }

  /** After every part was deleted (clear). */
  forget(): void {
    this.#ids.clear();
    this.#forgetRecent();
  }
}

export class PartReader {
  readonly #get;

  constructor(db: Db) {
    this.#get = db.prepare<[number], Buffer>('SELECT data FROM parts WHERE id = ?').pluck();
  }

  part(id: number): Buffer {
    const data = this.#get.get(id);
    if (data === undefined) throw new HistoryError('HISTORY_CORRUPT', `A stored body references part ${id}, which is missing.`);
    return unpack(data);
  }

  /** The exact bytes of a stored body; a HISTORY_CORRUPT error unless they hash to `sha`. */
  rebuild(manifest: Uint8Array, sha: Uint8Array | null): Buffer {
    const chunks = decodeManifest(manifest).map((e) => (typeof e === 'number' ? this.part(e) : e));
    const body = Buffer.concat(chunks);
    if (sha === null || !sha256(body).equals(sha)) {
      throw new HistoryError('HISTORY_CORRUPT', 'A stored body does not match its SHA-256; it was not shown.');
    }
    return body;
  }
}
