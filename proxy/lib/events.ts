import { EventEmitter } from 'node:events';
import type { ProxyEventMap, ProxyEventName } from '../contract/types.js';
import { deliverEach } from './fan-out.js';

type Listener<K extends ProxyEventName> = (payload: ProxyEventMap[K]) => void;

/**
 * A typed facade over EventEmitter so every emit and listener is checked against
 * ProxyEventMap. Events are emitted from inside the request path, so a listener that
 * throws (a UI bridge, a test) is reported and skipped, never allowed to break a stream.
 */
export class ProxyEvents {
  readonly #emitter = new EventEmitter();
  #onListenerError: (err: unknown, name: ProxyEventName) => void = (err, name) => {
    process.emitWarning(`addendum: a '${name}' listener threw: ${err instanceof Error ? err.message : String(err)}`);
  };

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
    // rawListeners keeps once-wrappers, which remove themselves when called.
    const listeners = this.#emitter.rawListeners(name) as Array<Listener<K>>;
    deliverEach(listeners, payload, (err) => this.#onListenerError(err, name));
  }

  /** Where listener failures go (default: a process warning). */
  onListenerError(handler: (err: unknown, name: ProxyEventName) => void): void {
    this.#onListenerError = handler;
  }

  listenerCount(name: ProxyEventName): number {
    return this.#emitter.listenerCount(name);
  }
}
