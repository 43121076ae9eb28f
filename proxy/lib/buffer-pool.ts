/**
 * Body buffers in shared memory that are used again instead of left to the garbage
 * collector.
 *
 * Why: V8 frees an ArrayBuffer's memory only when it collects the object. A request body
 * lives for its exchange and until the history's writer has committed it, which outlasts
 * two scavenges, so the object reaches the old generation and is freed only by a full
 * collection. V8 schedules one after some 64 MB of such memory. Under load that kept 60 to
 * 120 MB of dead bodies on the main thread's malloc heap, which then never shrank back:
 * RSS rose from about 130 to over 300 MB in a soak of 5 000 Claude-Code-sized requests.
 *
 * A buffer is taken with one holder. Whoever keeps it past the taker's use retains it, and
 * each holder releases it once. At no holders it goes back to a free list of its size class,
 * for the next body of about its size. Releasing less often than retaining only leaves a
 * buffer to the collector; releasing more often would hand out bytes still in use, so a
 * pool can overwrite released buffers (the test suites turn that on) to make such a bug show.
 *
 * Only the thread that takes a buffer counts its holders. Another thread may read it (it is
 * shared) only while a holder on this thread keeps it, and must copy what it keeps longer
 * (any body over a buffer `mayBePooled` allows).
 */

import { AddendumError } from './errors.js';

/** Smaller bodies die young enough, and a class per few kilobytes would waste more than it saves. */
export const POOL_MIN_BYTES = 32 * 1024;
/**
 * Larger ones are rare (a session hundreds of turns long), and left to the collector: a free
 * list of them would hold megabytes idle, and the writer would have to copy each one it keeps
 * for the next turn (body-cache.ts), where it can keep a view of memory that is never reused.
 */
export const POOL_MAX_BYTES = 512 * 1024;
/**
 * Bytes kept idle in the free lists, all classes together; past it a released buffer is left
 * to the collector. About what the history's backlog holds before it sheds bodies
 * (shedding.ts): under overload that backlog fills and drains again and again, and with half
 * as much room a quarter of the bench's session bodies needed new memory (7% with this).
 */
export const IDLE_MAX_BYTES = 32 * 1024 * 1024;
/** Each octave splits into this many classes, so a buffer is at most a quarter larger than its body. */
const CLASSES_PER_OCTAVE = 4;
const PAGE = 4096;
/** How many classes above its own a body may take a free buffer from: at most about half again its size. */
const LARGER_CLASSES = 2;
const POISON = 0xee;

/** The capacity of the class `size` falls in: the next of 2^k × (1, 1.25, 1.5, 1.75), in whole pages. Pure. */
export function classCapacity(size: number): number {
  const octave = 2 ** Math.floor(Math.log2(Math.max(size, 1)));
  const step = octave / CLASSES_PER_OCTAVE;
  const capacity = Math.ceil(size / step) * step;
  return Math.ceil(capacity / PAGE) * PAGE;
}

/** Whether a shared body of this length may be pooled memory, which its holders' thread uses again once they let go. Pure. */
export function poolSized(length: number): boolean {
  return length >= POOL_MIN_BYTES && length <= POOL_MAX_BYTES;
}

/**
 * Whether these bytes may be over pooled memory, which the pool hands out again once their
 * holders let go. Decided by the buffer, not the body: a body shorter than the pool's
 * smallest class may sit in a pooled buffer (a response collected in one, byte-collector.ts).
 * Every pooled buffer's size is a class capacity within the pool's bounds, and the pool
 * makes every other shared buffer exactly its body's size, outside them. Pure.
 */
export function mayBePooled(bytes: Uint8Array): boolean {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) return false;
  const size = bytes.buffer.byteLength;
  return size >= POOL_MIN_BYTES && size <= classCapacity(POOL_MAX_BYTES);
}

/** The memory a body keeps alive while it is held: its whole buffer when that may be pooled. Pure. */
export function heldBytes(body: Uint8Array | string | null | undefined): number {
  if (body === null || body === undefined) return 0;
  return typeof body !== 'string' && mayBePooled(body) ? body.buffer.byteLength : body.length;
}

export interface BufferPoolOptions {
  /** Fill a buffer when its last holder releases it, so a holder that was not counted reads
   * garbage at once, and refuse to retain or release a buffer no one holds. */
  strict?: boolean;
}

export class BufferPool {
  /** Weak: a buffer whose holders forgot to release it is still collected. */
  readonly #holders = new WeakMap<SharedArrayBuffer, number>();
  readonly #free = new Map<number, SharedArrayBuffer[]>();
  /** Buffers whose last holder let go: touching one again is a miscount. */
  readonly #released = new WeakSet<SharedArrayBuffer>();
  #idleBytes = 0;
  readonly #strict: boolean;

  constructor(options: BufferPoolOptions = {}) {
    this.#strict = options.strict ?? false;
  }

  /** Bytes idle in the free lists. */
  get idleBytes(): number {
    return this.#idleBytes;
  }

  /** A buffer of exactly `size` bytes over shared memory, with the caller as its one holder. Its contents are undefined. */
  take(size: number): Buffer {
    if (!poolSized(size)) return Buffer.from(new SharedArrayBuffer(size));
    const capacity = classCapacity(size);
    const reused = this.#reuse(capacity);
    const sab = reused ?? new SharedArrayBuffer(capacity);
    this.#holders.set(sab, 1);
    return Buffer.from(sab, 0, size);
  }

  /**
   * A free buffer of this class, or else of one of the next larger ones: Claude Code's bodies
   * grow turn by turn, so the class a session's bodies need moves up while the buffers its
   * earlier turns freed wait one class below; measured on the bench's session workload, a
   * third of the bodies found their own class empty with nearly 16 MB idle in others.
   */
  #reuse(capacity: number): SharedArrayBuffer | undefined {
    let c = capacity;
    for (let step = 0; step <= LARGER_CLASSES; step++, c = classCapacity(c + 1)) {
      const sab = this.#free.get(c)?.pop();
      if (!sab) continue;
      this.#idleBytes -= c;
      this.#released.delete(sab);
      return sab;
    }
    return undefined;
  }

  /** Another holder of `bytes`; a buffer not from this pool (or not a buffer) is ignored. */
  retain(bytes: unknown): void {
    const sab = this.#pooled(bytes);
    if (sab) this.#holders.set(sab, this.#holders.get(sab)! + 1);
  }

  /** One holder fewer; the last one makes the buffer free for the next `take`. */
  release(bytes: unknown): void {
    const sab = this.#pooled(bytes);
    if (!sab) return;
    const left = this.#holders.get(sab)! - 1;
    if (left > 0) {
      this.#holders.set(sab, left);
      return;
    }
    this.#holders.delete(sab);
    this.#released.add(sab);
    if (this.#strict) new Uint8Array(sab).fill(POISON);
    if (this.#idleBytes + sab.byteLength > IDLE_MAX_BYTES) return;
    const list = this.#free.get(sab.byteLength);
    if (list) list.push(sab);
    else this.#free.set(sab.byteLength, [sab]);
    this.#idleBytes += sab.byteLength;
  }

  #pooled(bytes: unknown): SharedArrayBuffer | null {
    if (!(bytes instanceof Uint8Array) || !(bytes.buffer instanceof SharedArrayBuffer)) return null;
    const sab = bytes.buffer;
    if (this.#holders.has(sab)) return sab;
    // In production a miscount only costs the reuse of this buffer; the test suites fail on it.
    if (this.#strict && this.#released.has(sab)) throw new AddendumError('INTERNAL', 'A pooled body buffer was retained or released after its last holder let go of it.');
    return null;
  }
}

/**
 * The main thread's pool for request and response bodies. Under the test runner it is
 * strict: a holder the counts missed fails a byte-exact test, a release too many throws.
 */
export const bodyPool = new BufferPool({ strict: process.env.VITEST !== undefined });
