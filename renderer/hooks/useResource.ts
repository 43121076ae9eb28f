import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Refetch; the current data stays on screen until the new data arrives. */
  reload: () => void;
}

/** Loads once per `key` change; late replies from superseded loads are ignored. */
export function useResource<T>(load: () => Promise<T>, key: unknown[] = []): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const gen = ++generation.current;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (gen !== generation.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (gen !== generation.current) return;
        setError(err);
        setLoading(false);
      },
    );
  }, []);

  // `key` is the caller's dependency list: `load` itself is a fresh closure every render.
  useEffect(reload, key);
  useEffect(() => () => void generation.current++, []);

  return { data, error, loading, reload };
}
