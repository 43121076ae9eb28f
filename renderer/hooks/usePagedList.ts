import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { throttle } from '../lib/throttle.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList<T> {
  items: T[];
  nextCursor: string | null;
  loading: boolean;
  error: unknown;
}

/** How fresh first-page rows join the loaded ones: 'prepend' adds only unseen rows (rows never
 * change), 'replace' also moves updated rows to the top with their new values. */
export type HeadMerge = 'prepend' | 'replace';

/**
 * A cursor-paged list: the first page whenever `fetchPage` changes, further pages on demand,
 * and a throttled refresh of the head that keeps loaded pages (and so the scroll position).
 * Late replies from a superseded query are dropped.
 */
export function usePagedList<T extends { id: string }>(fetchPage: (cursor: string | null) => Promise<Page<T>>, merge: HeadMerge, refreshMs: number) {
  const [list, setList] = useState<PagedList<T>>({ items: [], nextCursor: null, loading: true, error: null });
  const generation = useRef(0);
  const [refreshedAt, setRefreshedAt] = useState(() => Date.now());

  const loadFirst = useCallback(() => {
    const gen = ++generation.current;
    setList((l) => ({ ...l, loading: true, error: null }));
    fetchPage(null).then(
      (page) => gen === generation.current && setList({ items: page.items, nextCursor: page.nextCursor, loading: false, error: null }),
      (err: unknown) => gen === generation.current && setList((l) => ({ ...l, loading: false, error: err })),
    );
  }, [fetchPage]);
  useEffect(loadFirst, [loadFirst]);

  const loadMore = useCallback(() => {
    if (list.loading || list.nextCursor === null || list.error) return;
    const gen = generation.current;
    setList((l) => ({ ...l, loading: true }));
    fetchPage(list.nextCursor).then(
      (page) =>
        gen === generation.current &&
        setList((l) => {
          const seen = new Set(l.items.map((i) => i.id));
          return { items: [...l.items, ...page.items.filter((i) => !seen.has(i.id))], nextCursor: page.nextCursor, loading: false, error: null };
        }),
      (err: unknown) => gen === generation.current && setList((l) => ({ ...l, loading: false, error: err })),
    );
  }, [fetchPage, list.loading, list.nextCursor, list.error]);

  const refreshHead = useMemo(
    () =>
      throttle(() => {
        const gen = generation.current;
        fetchPage(null).then(
          (page) => {
            if (gen !== generation.current) return;
            setRefreshedAt(Date.now());
            setList((l) => {
              if (merge === 'replace') {
                const fresh = new Set(page.items.map((i) => i.id));
                return { ...l, items: [...page.items, ...l.items.filter((i) => !fresh.has(i.id))] };
              }
              const seen = new Set(l.items.map((i) => i.id));
              const fresh = page.items.filter((i) => !seen.has(i.id));
              return fresh.length === 0 ? l : { ...l, items: [...fresh, ...l.items] };
            });
          },
          () => {},
        );
      }, refreshMs),
    [fetchPage, merge, refreshMs],
  );
  useEffect(() => () => refreshHead.cancel(), [refreshHead]);

  return { list, setList, loadFirst, loadMore, refreshHead, refreshedAt };
}
