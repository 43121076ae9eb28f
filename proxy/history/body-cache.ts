/**
 * The last stored body of each conversation thread, kept in the writer so the next turn
 * can be split from it (body-diff.ts) and take over its parts without hashing them again.
 * An entry only names rows and parts that exist: the writer drops the cache whenever rows
 * go away or a transaction fails.
 */
import type { BodyShape } from './body-shape.js';

/** Enough for a few hundred Claude Code threads at once; a long session's body counts in full. */
const CACHE_MAX_BYTES = 24 * 1024 * 1024;

export class BodyCache {
  readonly #entries = new Map<string, BodyShape>();
  #bytes = 0;

  get(key: string): BodyShape | undefined {
    return this.#entries.get(key);
  }

  set(key: string, shape: BodyShape): void {
    this.delete(key);
    if (shape.bytes.length > CACHE_MAX_BYTES) return;
    // Oldest first: a Map iterates in insertion order, and set() re-inserts.
    for (const [k, old] of this.#entries) {
      if (this.#bytes + shape.bytes.length <= CACHE_MAX_BYTES) break;
      this.#entries.delete(k);
      this.#bytes -= old.bytes.length;
    }
    this.#entries.set(key, shape);
    this.#bytes += shape.bytes.length;
  }

  delete(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.#bytes -= old.bytes.length;
  }

  dropRows(seqs: ReadonlySet<number>): void {
    for (const [k, shape] of this.#entries) if (seqs.has(shape.seq)) this.delete(k);
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
