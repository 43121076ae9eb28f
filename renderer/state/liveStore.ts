import type { AddendumApi, ContractEvent } from '../../proxy/contract.js';
import { applyEvents, createLiveState, DEFAULT_LIVE_CAP, type LiveState } from '../lib/live.js';

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

  apply(events: readonly ContractEvent[]): void {
    const next = applyEvents(this.#state, events);
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
