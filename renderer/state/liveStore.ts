import type { AddendumApi, ContractEvent } from '../../proxy/contract/operations.js';
import type { ExchangeSummary } from '../../proxy/contract/types.js';
import { applyEvents, createLiveState, DEFAULT_LIVE_CAP, seedRows, type LiveState } from '../lib/live.js';

/**
 * Holds the live log outside React so it keeps filling while another view is shown, and
 * so each event batch becomes exactly one state change for useSyncExternalStore.
 */
export class LiveStore {
  #state: LiveState;
  readonly #listeners = new Set<() => void>();
  readonly #cap: number;

  constructor(cap = DEFAULT_LIVE_CAP) {
    this.#cap = cap;
    this.#state = createLiveState(cap);
  }

  connect(api: Pick<AddendumApi, 'subscribe'>): () => void {
    return api.subscribe((events) => this.apply(events));
  }

  /** Subscribes first, then fills in recent history, so nothing falls in between. */
  start(api: Pick<AddendumApi, 'subscribe' | 'listHistory'>, recent = 200): () => void {
    const stop = this.connect(api);
    let stopped = false;
    api.listHistory({ limit: recent }).then(
      (page) => {
        if (!stopped) this.seed(page.items);
      },
      () => {
        // Live still works without the backfill.
      },
    );
    return () => {
      stopped = true;
      stop();
    };
  }

  apply(events: readonly ContractEvent[]): void {
    this.#set(applyEvents(this.#state, events));
  }

  seed(recent: readonly ExchangeSummary[]): void {
    this.#set(seedRows(this.#state, recent));
  }

  #set(next: LiveState): void {
    if (next === this.#state) return;
    this.#state = next;
    for (const l of [...this.#listeners]) l();
  }

  clear(): void {
    this.#state = createLiveState(this.#cap);
    for (const l of [...this.#listeners]) l();
  }

  readonly getSnapshot = (): LiveState => this.#state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
}
