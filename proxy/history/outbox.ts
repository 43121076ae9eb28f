/**
 * Messages the worker has not confirmed yet, in sequence order, and the flushes waiting
 * on them. A worker that dies is sent the outbox again, so nothing queued is lost.
 */
import { bodyPool } from '../lib/buffer-pool.js';
import type { ToWorker } from './protocol.js';
import { recordChars } from './shedding.js';

export type Pending = Extract<ToWorker, { seq: number }>;

function chars(message: Pending): number {
  return message.t === 'add' ? recordChars(message.record) : 64;
}

/** The outbox holds a queued record's pooled bodies (buffer-pool.ts) until the writer has committed it; the writer reads them only until then. */
function holdBodies(message: Pending, hold: (bytes: unknown) => void): void {
  if (message.t !== 'add') return;
  const r = message.record;
  hold(r.originalBody);
  hold(r.forwardedBody);
  hold(r.responseBody);
}

export class Outbox {
  /** Unconfirmed messages by seq; Map iteration order is seq order. */
  readonly #messages = new Map<number, Pending>();
  #chars = 0;
  #seq = 0;
  readonly #flushWaiters: Array<{ upTo: number; resolve: () => void }> = [];
  readonly #resultWaiters = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  get chars(): number {
    return this.#chars;
  }

  get size(): number {
    return this.#messages.size;
  }

  get waiting(): number {
    return this.#flushWaiters.length;
  }

  /** Anything unconfirmed or awaited. */
  get busy(): boolean {
    return this.#messages.size > 0 || this.#flushWaiters.length > 0 || this.#resultWaiters.size > 0;
  }

  /** Registers who receives the result of operation `seq`. */
  awaitResult(seq: number, waiter: { resolve: (v: unknown) => void; reject: (e: Error) => void }): void {
    this.#resultWaiters.set(seq, waiter);
  }

  settle(seq: number, value: unknown, error?: Error): void {
    const waiter = this.#resultWaiters.get(seq);
    if (!waiter) return;
    this.#resultWaiters.delete(seq);
    if (error) waiter.reject(error);
    else waiter.resolve(value);
  }

  rejectResults(error: Error): void {
    for (const waiter of this.#resultWaiters.values()) waiter.reject(error);
    this.#resultWaiters.clear();
  }

  /** The seq the next message gets. */
  nextSeq(): number {
    return this.#seq + 1;
  }

  lastSeq(): number {
    return this.#seq;
  }

  add(message: Pending): void {
    this.#seq = message.seq;
    this.#messages.set(message.seq, message);
    this.#chars += chars(message);
    holdBodies(message, (b) => bodyPool.retain(b));
  }

  values(): Pending[] {
    return [...this.#messages.values()];
  }

  oldest(): Pending | undefined {
    for (const m of this.#messages.values()) return m;
    return undefined;
  }

  #oldestSeq(): number {
    return this.oldest()?.seq ?? Infinity;
  }

  /** Resolves when everything up to `upTo` is confirmed. */
  waitFor(upTo: number): Promise<void> | null {
    if (this.#oldestSeq() > upTo) return null;
    return new Promise((resolve) => this.#flushWaiters.push({ upTo, resolve }));
  }

  /** Removes confirmed messages `from..upTo` and wakes the flushes they were holding up. */
  confirm(from: number, upTo: number): void {
    for (const [seq, message] of this.#messages) {
      if (seq > upTo) break;
      if (seq < from) continue;
      this.#messages.delete(seq);
      this.#chars -= chars(message);
      holdBodies(message, (b) => bodyPool.release(b));
    }
    const oldest = this.#oldestSeq();
    for (let i = this.#flushWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#flushWaiters[i]!;
      if (waiter.upTo < oldest) {
        this.#flushWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Drops everything (close): the flushes waiting are released. */
  clear(): void {
    for (const message of this.#messages.values()) holdBodies(message, (b) => bodyPool.release(b));
    this.#messages.clear();
    this.#chars = 0;
    for (const waiter of this.#flushWaiters.splice(0)) waiter.resolve();
  }
}
