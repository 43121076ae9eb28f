import type { ContractEvent } from '../contract/operations.js';
import { deliverEach } from '../lib/fan-out.js';

export interface BatcherOptions {
  intervalMs: number;
  /** Largest batch handed to a listener; a bigger backlog goes out as several batches. */
  maxBatch: number;
  /** Events kept between two flushes; the oldest are dropped past this (and counted). */
  maxQueued: number;
  now?: () => number;
}

export interface EventBatcher {
  push(event: ContractEvent): void;
  subscribe(listener: (events: ContractEvent[]) => void): () => void;
  /** Delivers whatever is queued now (tests, shutdown). */
  flush(): void;
  listenerCount(): number;
  close(): void;
}

/** Collects events and hands them to every listener in batches, so a burst of requests
 * costs the UI a render per interval, not one per event. */
export function createEventBatcher(options: BatcherOptions): EventBatcher {
  const listeners = new Set<(events: ContractEvent[]) => void>();
  let queue: ContractEvent[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const now = options.now ?? Date.now;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0 && dropped === 0) return;
    const events = queue;
    queue = [];
    if (dropped > 0) {
      events.push({
        name: 'log',
        payload: { time: now(), level: 'warn', message: `${dropped} live events were dropped to keep the dashboard responsive` },
      });
      dropped = 0;
    }
    for (let i = 0; i < events.length; i += options.maxBatch) {
      const batch = events.slice(i, i + options.maxBatch);
      deliverEach(listeners, batch);
    }
  }

  return {
    push(event) {
      if (closed || listeners.size === 0) return;
      queue.push(event);
      if (queue.length > options.maxQueued) {
        const excess = queue.length - options.maxQueued;
        queue.splice(0, excess);
        dropped += excess;
      }
      if (!timer) {
        timer = setTimeout(flush, options.intervalMs);
        timer.unref();
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          queue = [];
          dropped = 0;
        }
      };
    },
    flush,
    listenerCount: () => listeners.size,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      queue = [];
      listeners.clear();
    },
  };
}
