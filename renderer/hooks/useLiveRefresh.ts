import { useEffect, useMemo, useRef } from 'react';
import { useEvents } from '../api/context.js';
import { throttle } from '../lib/throttle.js';

/**
 * Calls `refresh` when the history changes, at most once per `ms` so a burst of traffic does
 * not refetch on every exchange. Only listens while `active`, and catches up on what happened
 * meanwhile when the view is shown again. `refresh` should be stable (useCallback).
 */
export function useLiveRefresh(refresh: () => void, ms: number, active: boolean): void {
  const throttled = useMemo(() => throttle(refresh, ms), [refresh, ms]);
  useEffect(() => () => throttled.cancel(), [throttled]);
  useEvents((events) => {
    if (events.some((e) => e.name === 'history:change')) throttled();
  }, active);
  const wasActive = useRef(active);
  useEffect(() => {
    if (active && !wasActive.current) throttled();
    wasActive.current = active;
  }, [active, throttled]);
}
