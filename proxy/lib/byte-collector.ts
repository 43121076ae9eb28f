/**
 * Collects a response's bytes for the history as it streams, in one buffer from the body
 * pool (buffer-pool.ts) that grows by doubling, each outgrown one going back to the pool.
 *
 * Why: a stream's events arrive as hundreds of small buffers; kept, each would be its own
 * heap object for the whole stream. Copied into blocks of the collector's own, the blocks
 * outlived two scavenges too, and so did the joined copy the history needs: at the end of
 * 200 concurrent streams both waited in the old generation for a full collection, some
 * 10 MB. From the pool, the buffer the history takes is the one the bytes were collected
 * in, and it is used again once the history's writer has committed it.
 */
import { bodyPool, POOL_MIN_BYTES } from './buffer-pool.js';

export class ByteCollector {
  #buf: Buffer | null = null;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const need = this.#length + chunk.length;
    if (this.#buf === null || need > this.#buf.length) this.#grow(need);
    this.#buf!.set(chunk, this.#length);
    this.#length = need;
  }

  /** What was pushed so far, as a view into the collector's buffer. */
  forEach(fn: (piece: Buffer) => void): void {
    if (this.#buf && this.#length > 0) fn(this.#buf.subarray(0, this.#length));
  }

  /** Everything pushed, in shared memory for the history's writer (shared-bytes.ts), with the caller as its holder; null when nothing was. */
  take(): Buffer | null {
    const buf = this.#buf;
    const length = this.#length;
    this.#buf = null;
    this.#length = 0;
    return buf === null ? null : buf.subarray(0, length);
  }

  /** At least the pool's smallest size: a short answer then needs no second buffer, and its one returns to the pool. */
  #grow(need: number): void {
    const size = Math.max(POOL_MIN_BYTES, need, 2 * (this.#buf?.length ?? 0));
    // All of the buffer's class, which may be larger than asked for.
    const next = Buffer.from(bodyPool.take(size).buffer as SharedArrayBuffer);
    if (this.#buf) {
      next.set(this.#buf.subarray(0, this.#length));
      bodyPool.release(this.#buf);
    }
    this.#buf = next;
  }
}
