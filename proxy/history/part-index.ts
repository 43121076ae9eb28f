/**
 * The full-text index of parts, filled behind the writes. FTS5 writes a new segment (and
 * merges older ones) at every commit that touched it: for a turn's one or two new parts
 * that was most of the turn's commit. Parts wait in `parts_unindexed` instead and are
 * indexed many per transaction: when enough have gathered, a second after the first of
 * them (writer-worker.ts), and before a flush reports done. The waiting list is a table, so a crash loses none of it.
 */
import { unpack } from './codec.js';
import type { Db } from './schema.js';
import { searchableBytes } from './search-text.js';

/** Waiting parts that make the next write transaction index them. */
export const INDEX_BATCH_PARTS = 64;
/** Bytes of waiting parts kept in memory, so indexing them needs no read and no decompression. */
const KEPT_BYTES_MAX = 4 * 1024 * 1024;

export class PartIndex {
  readonly #wait;
  readonly #next;
  readonly #done;
  readonly #count;
  readonly #data;
  readonly #insertFts;
  /** Copies of waiting parts (a body's slice would keep the whole body alive). */
  readonly #kept = new Map<number, Buffer>();
  #keptBytes = 0;
  /** Parts waiting; recounted from the table whenever it may have changed behind this count. */
  #waiting: number;

  constructor(db: Db) {
    this.#wait = db.prepare<[number]>('INSERT OR IGNORE INTO parts_unindexed (id) VALUES (?)');
    this.#next = db.prepare<[], number>('SELECT id FROM parts_unindexed').pluck();
    this.#done = db.prepare<[number]>('DELETE FROM parts_unindexed WHERE id = ?');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM parts_unindexed').pluck();
    this.#data = db.prepare<[number], Buffer>('SELECT data FROM parts WHERE id = ?').pluck();
    this.#insertFts = db.prepare<[number, string]>('INSERT INTO parts_fts (rowid, text) VALUES (?, ?)');
    this.#waiting = this.#count.get()!;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /** Part `id`, just stored with these bytes, is to be indexed. Inside the writer's transaction. */
  add(id: number, bytes: Buffer): void {
    this.#wait.run(id);
    this.#waiting++;
    if (this.#keptBytes + bytes.length <= KEPT_BYTES_MAX) {
      this.#kept.set(id, Buffer.from(bytes));
      this.#keptBytes += bytes.length;
    }
  }

  /** Indexes every waiting part; returns how many. Inside a transaction. */
  index(): number {
    const ids = this.#next.all();
    for (const id of ids) {
      const kept = this.#kept.get(id);
      const text = searchableBytes(kept ?? this.#stored(id));
      if (text) this.#insertFts.run(id, text);
      this.#done.run(id);
      if (kept) {
        this.#kept.delete(id);
        this.#keptBytes -= kept.length;
      }
    }
    this.#waiting = Math.max(0, this.#waiting - ids.length);
    return ids.length;
  }

  /** Whether enough parts wait for the next write to index them. */
  get due(): boolean {
    return this.#waiting >= INDEX_BATCH_PARTS;
  }

  /** A part the index cannot read is left out of it rather than holding every later one back. */
  #stored(id: number): Buffer {
    try {
      return unpack(this.#data.get(id) ?? Buffer.of(0));
    } catch {
      return Buffer.alloc(0);
    }
  }

  /** After a failed transaction or removed parts: the table is the truth. */
  forget(): void {
    this.#kept.clear();
    this.#keptBytes = 0;
    this.#waiting = this.#count.get()!;
  }
}
