import { useEffect, useState } from 'react';

/** The current time for relative labels ("3 min ago"), advanced every `ms` while `active`. */
export function useClock(active: boolean, ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}
