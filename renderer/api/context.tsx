import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { AddendumApi, ContractEvent } from '../../proxy/contract/operations.js';

const ApiContext = createContext<AddendumApi | null>(null);

export function ApiProvider({ api, children }: { api: AddendumApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): AddendumApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside <ApiProvider>');
  return api;
}

/** Subscribes for the component's lifetime; the latest `listener` is always the one called,
 * so callers need not memoize it. */
export function useEvents(listener: (events: ContractEvent[]) => void, enabled = true): void {
  const api = useApi();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => {
    if (!enabled) return undefined;
    return api.subscribe((events) => ref.current(events));
  }, [api, enabled]);
}
