import { EventEmitter } from 'node:events';
import type { ProxyEventMap, ProxyEventName } from './types.js';

type Listener<K extends ProxyEventName> = (payload: ProxyEventMap[K]) => void;

/** A typed facade over EventEmitter so every emit and listener is checked against ProxyEventMap. */
export class ProxyEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // The UI, the console logger and tests all listen; none of them is a leak.
    this.#emitter.setMaxListeners(0);
  }

  on<K extends ProxyEventName>(name: K, listener: Listener<K>): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }

  once<K extends ProxyEventName>(name: K, listener: Listener<K>): void {
    this.#emitter.once(name, listener);
  }

  emit<K extends ProxyEventName>(name: K, payload: ProxyEventMap[K]): void {
    this.#emitter.emit(name, payload);
  }

  listenerCount(name: ProxyEventName): number {
    return this.#emitter.listenerCount(name);
  }
}
