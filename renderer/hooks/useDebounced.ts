import { useEffect, useRef, useState } from 'react';

/** Typing in a text filter waits for a pause before querying. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  // Keyed by content, not identity: callers pass a fresh object each render, and replacing the
  // state with an equal copy would reload the first page after every render.
  const key = JSON.stringify(value);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    const t = setTimeout(() => setDebounced((prev) => (JSON.stringify(prev) === key ? prev : latest.current)), ms);
    return () => clearTimeout(t);
  }, [key, ms]);
  return debounced;
}
