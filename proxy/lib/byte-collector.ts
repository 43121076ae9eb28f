/**
 * Collects a response's bytes for the history as it streams. Each chunk is copied into a
 * block the collector owns, instead of the chunk being kept: a stream's events arrive as
 * hundreds of small buffers, each its own allocation and heap object, which would live for
 * the whole stream, be promoted to the old generation and fragment the allocator's heap.
 * Copied, a chunk is young garbage once it has been written to the client.
 */
import { joinShared } from './shared-bytes.js';

const FIRST_BLOCK_BYTES = 4 * 1024;
const MAX_BLOCK_BYTES = 64 * 1024;

export class ByteCollector {
  readonly #full: Buffer[] = [];
  #block: Buffer | null = null;
  #used = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#block === null || this.#used === this.#block.length) this.#newBlock(chunk.length - at);
      const n = Math.min(chunk.length - at, this.#block!.length - this.#used);
      this.#block!.set(chunk.subarray(at, at + n), this.#used);
      this.#used += n;
      at += n;
    }
    this.#length += chunk.length;
  }

  /** Each stored piece in order, as views into the collector's blocks. */
  forEach(fn: (piece: Buffer) => void): void {
    for (const b of this.#full) fn(b);
    if (this.#block && this.#used > 0) fn(this.#block.subarray(0, this.#used));
  }

  /** Everything pushed, in shared memory for the history's writer (shared-bytes.ts); null when nothing was. */
  take(): Buffer | null {
    if (this.#length === 0) return null;
    const blocks = this.#block ? [...this.#full, this.#block.subarray(0, this.#used)] : this.#full;
    const out = joinShared(blocks);
    this.#full.length = 0;
    this.#block = null;
    this.#used = 0;
    this.#length = 0;
    return out;
  }

  /** Blocks double, so a long answer takes few of them and a short one little memory. */
  #newBlock(need: number): void {
    if (this.#block) this.#full.push(this.#block);
    const size = Math.min(MAX_BLOCK_BYTES, Math.max(FIRST_BLOCK_BYTES, this.#length, need));
    // Its own memory, not a slice of Buffer's shared pool, which one live block would pin.
    this.#block = Buffer.allocUnsafeSlow(size);
    this.#used = 0;
  }
}
