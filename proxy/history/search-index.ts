/**
 * The full-text indexes, filled behind the writes. FTS5 writes a new segment (and merges
 * older ones) at every commit that touched it: for a turn's two or three new parts and
 * its own row, that was most of the turn's commit (35 and 6 of 69 pages at turn 500 of
 * the bench's session). New parts and exchanges wait in `parts_unindexed` and
 * `exchanges_unindexed` instead and are indexed many per transaction: when enough have
 * gathered, a second after the first of them (writer-worker.ts), and before a flush
 * reports done. The waiting lists are tables, so a crash loses none of them; what a waiting
 * entry's text is comes from memory, or after a restart from the stored row.
 */
import { unpack, unpackText } from './codec.js';
import { decodeManifest, isGlue } from './manifest.js';
import type { ManifestChain, ChainRow } from './manifest-chain.js';
import { responseSearchText } from './rows.js';
import type { Db } from './schema.js';
import { searchableBytes, searchableText } from './search-text.js';

/** Waiting entries (parts and exchanges) that make the next write index them. */
export const INDEX_BATCH = 64;
/** Bytes of waiting parts kept in memory, so indexing them needs no read and no decompression. */
const KEPT_BYTES_MAX = 4 * 1024 * 1024;

/** An exchange's row in exchanges_fts: its glue's text and its response's. */
export type ExchangeText = [string | null, string | null];

type StoredExchange = ChainRow & { response_packed: Buffer | null; assembled_packed: Buffer | null };

export class SearchIndex {
  readonly #waitPart;
  readonly #waitExchange;
  readonly #parts;
  readonly #exchanges;
  readonly #donePart;
  readonly #doneExchange;
  readonly #count;
  readonly #partData;
  readonly #exchange;
  readonly #insertPart;
  readonly #insertExchange;
  readonly #manifests: ManifestChain;
  /** Copies of waiting parts (a body's slice would keep the whole body alive). */
  readonly #kept = new Map<number, Buffer>();
  #keptBytes = 0;
  readonly #texts = new Map<number, ExchangeText>();
  /** Entries waiting; recounted from the tables whenever they may have changed behind this count. */
  #waiting: number;

  constructor(db: Db, manifests: ManifestChain) {
    this.#waitPart = db.prepare<[number]>('INSERT OR IGNORE INTO parts_unindexed (id) VALUES (?)');
    this.#waitExchange = db.prepare<[number]>('INSERT OR IGNORE INTO exchanges_unindexed (seq) VALUES (?)');
    this.#parts = db.prepare<[], number>('SELECT id FROM parts_unindexed').pluck();
    this.#exchanges = db.prepare<[], number>('SELECT seq FROM exchanges_unindexed').pluck();
    this.#donePart = db.prepare<[number]>('DELETE FROM parts_unindexed WHERE id = ?');
    this.#doneExchange = db.prepare<[number]>('DELETE FROM exchanges_unindexed WHERE seq = ?');
    this.#count = db.prepare<[], number>('SELECT (SELECT count(*) FROM parts_unindexed) + (SELECT count(*) FROM exchanges_unindexed)').pluck();
    this.#partData = db.prepare<[number], Buffer>('SELECT data FROM parts WHERE id = ?').pluck();
    this.#exchange = db.prepare<[number], StoredExchange>(
      'SELECT seq, parts_base, manifest_delta, original_manifest, forwarded_manifest, response_packed, assembled_packed FROM exchanges WHERE seq = ?',
    );
    this.#insertPart = db.prepare<[number, string]>('INSERT INTO parts_fts (rowid, text) VALUES (?, ?)');
    this.#insertExchange = db.prepare<[number, string | null, string | null]>('INSERT INTO exchanges_fts (rowid, original, response) VALUES (?, ?, ?)');
    this.#manifests = manifests;
    this.#waiting = this.#count.get()!;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /** Whether enough entries wait for the next write to index them. */
  get due(): boolean {
    return this.#waiting >= INDEX_BATCH;
  }

  /** Part `id`, just stored with these bytes, is to be indexed. Inside the writer's transaction. */
  addPart(id: number, bytes: Buffer): void {
    this.#waitPart.run(id);
    this.#waiting++;
    if (this.#keptBytes + bytes.length <= KEPT_BYTES_MAX) {
      this.#kept.set(id, Buffer.from(bytes));
      this.#keptBytes += bytes.length;
    }
  }

  /** Exchange `seq`, just stored, is to be indexed with this text. Inside the writer's transaction. */
  addExchange(seq: number, text: ExchangeText): void {
    this.#waitExchange.run(seq);
    this.#waiting++;
    this.#texts.set(seq, text);
  }

  /** Indexes every waiting entry; returns how many. Inside a transaction. */
  index(): number {
    const parts = this.#parts.all();
    for (const id of parts) {
      const text = searchableBytes(this.#kept.get(id) ?? this.#storedPart(id));
      if (text) this.#insertPart.run(id, text);
      this.#donePart.run(id);
    }
    const exchanges = this.#exchanges.all();
    for (const seq of exchanges) {
      const [glue, response] = this.#texts.get(seq) ?? this.#storedText(seq);
      if (glue || response) this.#insertExchange.run(seq, glue, response);
      this.#doneExchange.run(seq);
    }
    // Everything that waited is indexed: what memory still holds is of rows and parts that went.
    this.#dropKept();
    this.#texts.clear();
    this.#waiting = 0;
    return parts.length + exchanges.length;
  }

  /** A part the index cannot read is left out of it rather than holding every later one back. */
  #storedPart(id: number): Buffer {
    try {
      return unpack(this.#partData.get(id) ?? Buffer.of(0));
    } catch {
      return Buffer.alloc(0);
    }
  }

  /** What the writer would have indexed for row `seq`, from the row: the glue of its sent body and its response. Same rule as above for a row it cannot read. */
  #storedText(seq: number): ExchangeText {
    try {
      const row = this.#exchange.get(seq);
      if (!row) return [null, null];
      const manifest = this.#manifests.original(row);
      const glue = manifest === null ? [] : decodeManifest(manifest).filter(isGlue);
      const assembled = row.assembled_packed === null ? null : unpackText(row.assembled_packed);
      const response = row.response_packed === null ? null : unpack(row.response_packed);
      const text = Buffer.concat(glue).toString('utf8');
      return [text === '' ? null : searchableText(text), responseSearchText(assembled, response)];
    } catch {
      return [null, null];
    }
  }

  /** After parts went: an id may be given out again, so nothing kept for one may outlive it. A row's text is keyed by its seq, which a new row's text replaces. */
  partsRemoved(): void {
    this.#dropKept();
    this.#waiting = this.#count.get()!;
  }

  /** After a failed transaction: the tables are the truth. */
  forget(): void {
    this.#dropKept();
    this.#texts.clear();
    this.#waiting = this.#count.get()!;
  }

  #dropKept(): void {
    this.#kept.clear();
    this.#keptBytes = 0;
  }
}
