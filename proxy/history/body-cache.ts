/**
 * The last stored body of each conversation thread (threadKey), kept in the writer so the next turn
 * can be split from it (body-diff.ts) and take over its parts without hashing them again.
 * An entry only names rows and parts that exist: the writer drops the cache whenever rows
 * go away or a transaction fails.
 */
import { mayBePooled } from '../lib/buffer-pool.js';
import type { BodyShape } from './body-shape.js';
import { AGENT_HEADER, headerValue, SESSION_HEADER } from './session-match.js';

/** Enough for a few hundred Claude Code threads at once; a long session's body counts in full. */
const CACHE_MAX_BYTES = 24 * 1024 * 1024;
const CACHE_MAX_ENTRIES = 512;
/** What an entry holds besides its body: its arrays, manifest, glue and digest states, per segment and in all. */
const SEGMENT_COST_BYTES = 64;
const ENTRY_COST_BYTES = 1024;

/** The memory a shape keeps alive. A body that is a view into a larger buffer (a pooled or shared one) keeps all of it. */
function cost(shape: BodyShape): number {
  return shape.bytes.buffer.byteLength + shape.manifest.length + shape.glue.length + shape.split.segments.length * SEGMENT_COST_BYTES + ENTRY_COST_BYTES;
}

/** A copy's room to grow, so the thread's next turns (a little longer each) are copied into it again. */
const COPY_HEADROOM = 1 / 8;

/**
 * The body as the cache may keep it. One over a buffer that may be the main thread's pooled
 * memory (buffer-pool.ts), used again once the writer has committed the row, is copied:
 * into the thread's previous copy when that has room, since a new copy per turn would wait
 * in the old generation for a full collection. A small body viewing a large buffer is
 * copied too, so the cache does not hold the rest.
 */
function ownBytes(bytes: Buffer, previous: Buffer | undefined): Buffer {
  const pooled = mayBePooled(bytes);
  if (!pooled && bytes.buffer.byteLength <= 2 * bytes.length + 4096) return bytes;
  // Only memory the cache allocated itself is written again: any other buffer may be its owner's still.
  const room = previous && copies.has(previous.buffer) && previous.buffer.byteLength >= bytes.length ? previous.buffer : null;
  const out = room ? Buffer.from(room, 0, bytes.length) : Buffer.allocUnsafeSlow(Math.ceil(bytes.length * (1 + COPY_HEADROOM))).subarray(0, bytes.length);
  copies.add(out.buffer);
  bytes.copy(out);
  return out;
}

/** The memory of the copies ownBytes made. */
const copies = new WeakSet<ArrayBufferLike>();

/** Bytes the thread key reads from a body without a session header: the model and the first message's start. */
const THREAD_KEY_BYTES = 256;

/**
 * Which earlier body a request most likely continues: the last one of its Claude Code
 * session and agent, or else the last one that began the same way. Only a hint; the split
 * proves the bytes it takes over.
 */
export function threadKey(headers: Record<string, string>, model: string | null, body: Buffer): string {
  const session = headerValue(headers, SESSION_HEADER);
  // The model too: Claude Code asks a small model for a title or a topic in the same
  // session, and that request must not take the place of the main thread's last body.
  if (session !== null) return `h:${session}\0${headerValue(headers, AGENT_HEADER) ?? ''}\0${model ?? ''}`;
  return `b:${body.toString('latin1', 0, THREAD_KEY_BYTES)}`;
}

export class BodyCache {
  readonly #entries = new Map<string, { shape: BodyShape; cost: number }>();
  #bytes = 0;

  get(key: string): BodyShape | undefined {
    return this.#entries.get(key)?.shape;
  }

  /** Keeps `shape` as the thread's last body. The caller's `shape` keeps its own bytes; only the cached one may hold a copy. */
  set(key: string, shape: BodyShape): void {
    const previous = this.#entries.get(key)?.shape.bytes;
    this.delete(key);
    const bytes = ownBytes(shape.bytes, previous);
    const own = bytes === shape.bytes ? shape : { ...shape, bytes };
    const c = cost(own);
    if (c > CACHE_MAX_BYTES) return;
    // Oldest first: a Map iterates in insertion order, and set() re-inserts.
    for (const k of this.#entries.keys()) {
      if (this.#bytes + c <= CACHE_MAX_BYTES && this.#entries.size < CACHE_MAX_ENTRIES) break;
      this.delete(k);
    }
    this.#entries.set(key, { shape: own, cost: c });
    this.#bytes += c;
  }

  delete(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.#bytes -= old.cost;
  }

  dropRows(seqs: ReadonlySet<number>): void {
    for (const [k, e] of this.#entries) if (seqs.has(e.shape.seq)) this.delete(k);
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
