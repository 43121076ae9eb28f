import { useCallback, useMemo, useRef, useState } from 'react';
import type { AddendumApi, BodyField, ExchangeDetail } from '../../proxy/contract/operations.js';

type Loaded = Partial<Record<BodyField, string | null>>;

export interface LazyBodies {
  /** The detail with every body loaded so far merged in. */
  record: ExchangeDetail;
  /** UTF-8 size of each stored body, loaded or not. */
  bytes: Record<BodyField, number>;
  /** Left out by the host and not fetched yet. */
  isMissing(field: BodyField): boolean;
  /** Fetched on request but no longer stored (the exchange was deleted meanwhile). */
  isGone(field: BodyField): boolean;
  /** Loaded because the reader pressed Load, so views show it without asking again. */
  isRequested(field: BodyField): boolean;
  /** The reader asks to see `fields`: fetches the missing ones (a body already on its way
   * is not asked twice). */
  load(fields: readonly BodyField[]): Promise<void>;
  /** The detail with `fields` loaded, for actions that need full content (copy). */
  complete(fields: readonly BodyField[]): Promise<ExchangeDetail>;
}

/** Bodies the host left out of a detail, fetched one by one when the reader asks. */
export function useLazyBodies(api: Pick<AddendumApi, 'getHistoryBody'>, detail: ExchangeDetail): LazyBodies {
  const [loaded, setLoaded] = useState<Loaded>({});
  const [requested, setRequested] = useState<ReadonlySet<BodyField>>(new Set());
  // Mirrors the state so `complete` can answer right after its fetches, before a render.
  const loadedRef = useRef<Loaded>({});
  const inflight = useRef(new Map<BodyField, Promise<string | null>>());
  const omitted = useMemo(() => new Set(detail.omitted), [detail.omitted]);

  const fetchBody = useCallback(
    (field: BodyField): Promise<string | null> => {
      let pending = inflight.current.get(field);
      if (!pending) {
        pending = api.getHistoryBody({ id: detail.id, field }).then(
          ({ text }) => {
            loadedRef.current = { ...loadedRef.current, [field]: text };
            setLoaded(loadedRef.current);
            inflight.current.delete(field);
            return text;
          },
          (err: unknown) => {
            inflight.current.delete(field);
            throw err;
          },
        );
        inflight.current.set(field, pending);
      }
      return pending;
    },
    [api, detail.id],
  );

  const isMissing = useCallback((field: BodyField) => omitted.has(field) && !(field in loaded), [omitted, loaded]);

  const fetchMissing = useCallback(
    async (fields: readonly BodyField[]) => {
      const wanted = fields.filter((f) => omitted.has(f) && !(f in loadedRef.current));
      await Promise.all(wanted.map(fetchBody));
    },
    [omitted, fetchBody],
  );

  const load = useCallback(
    async (fields: readonly BodyField[]) => {
      await fetchMissing(fields);
      setRequested((prev) => new Set([...prev, ...fields]));
    },
    [fetchMissing],
  );

  // Not a request to see them: a body fetched for a copy still waits behind Show.
  const complete = useCallback(
    async (fields: readonly BodyField[]) => {
      await fetchMissing(fields);
      return { ...detail, ...loadedRef.current };
    },
    [detail, fetchMissing],
  );

  const record = useMemo(() => ({ ...detail, ...loaded }), [detail, loaded]);
  return {
    record,
    bytes: detail.bodyBytes,
    isMissing,
    isGone: (field) => omitted.has(field) && loaded[field] === null,
    isRequested: (field) => requested.has(field),
    load,
    complete,
  };
}
