import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SessionSummary } from '../../proxy/contract/types.js';
import { useApi, useEvents } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { Empty, ErrorNotice, Loading } from '../components/States.js';
import { useDebounced } from '../hooks/useDebounced.js';
import { usePagedList } from '../hooks/usePagedList.js';
import { useRovingList } from '../hooks/useRovingList.js';
import { formatDateTime, formatPercent, formatRelative, formatTokens, formatUsd } from '../lib/format.js';
import { sessionCacheRatio } from '../lib/sessions.js';
import { SessionsDetail } from './SessionsDetail.js';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 78;

const SessionRow = memo(function SessionRow(props: {
  item: SessionSummary;
  index: number;
  top: number;
  selected: boolean;
  tabbable: boolean;
  now: number;
  onSelect: (id: string) => void;
  onFocusRow: (index: number) => void;
}) {
  const { item } = props;
  const t = item.tokens;
  return (
    <div
      role="option"
      aria-selected={props.selected}
      data-testid="session-row"
      data-id={item.id}
      data-index={props.index}
      tabIndex={props.tabbable ? 0 : -1}
      className={props.selected ? 'history-row session-row selected' : 'history-row session-row'}
      style={{ transform: `translateY(${props.top}px)`, height: ROW_HEIGHT }}
      onClick={() => props.onSelect(item.id)}
      onFocus={() => props.onFocusRow(props.index)}
    >
      <div className="hr-line">
        <span className="sr-title">{item.title ?? '(no prompt text)'}</span>
        {item.errors > 0 ? <span className="status-badge tone-error">{item.errors} errors</span> : null}
        <time className="hr-time" dateTime={new Date(item.lastAt).toISOString()} title={formatDateTime(item.lastAt)}>
          {formatRelative(item.lastAt, props.now)}
        </time>
      </div>
      <div className="hr-line hr-meta">
        <span className="hr-model">{item.models.join(', ') || '—'}</span>
        <span>{item.client ?? '—'}</span>
        <span className="sr-cwd" title={item.cwd ?? undefined}>
          {item.cwd ?? ''}
        </span>
      </div>
      <div className="hr-line hr-meta">
        <span>
          {item.turns} {item.turns === 1 ? 'turn' : 'turns'}
        </span>
        <span title="input + cache → output tokens">
          {formatTokens(t.input + t.cacheRead + t.cacheWrite)} → {formatTokens(t.output)}
        </span>
        <span title="cache read / (input + cache read + cache write)">cache {formatPercent(sessionCacheRatio(t), 0)}</span>
        <span>{formatUsd(item.cost)}</span>
      </div>
    </div>
  );
});

export function SessionsView(props: { selectedId: string | null; onSelect: (id: string | null) => void; focusTurn?: string | null; active?: boolean }) {
  const { selectedId, onSelect, active = true } = props;
  const api = useApi();
  const [search, setSearch] = useState('');
  const text = useDebounced(search.trim(), 300);
  const [now, setNow] = useState(() => Date.now());
  const query = useMemo(() => ({ text: text === '' ? null : text }), [text]);
  const fetchPage = useCallback((cursor: string | null) => api.listSessions({ ...query, cursor, limit: PAGE_SIZE }), [api, query]);
  // A new turn moves its session to the top with fresh totals; loaded pages and scroll stay.
  const { list, loadFirst, loadMore, refreshHead, refreshedAt } = usePagedList(fetchPage, 'replace', 1000);
  const shownNow = Math.max(now, refreshedAt);

  useEvents((events) => {
    for (const e of events) {
      if (e.name !== 'history:change') continue;
      if ((e.payload as { kind: string }).kind === 'added') refreshHead();
      else loadFirst();
    }
  });

  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, [active]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: list.items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => list.items[i]?.id ?? i,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastVisible = virtualItems.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastVisible >= list.items.length - 10) loadMore();
  }, [lastVisible, list.items.length, loadMore]);

  const roving = useRovingList({
    count: list.items.length,
    container: scrollRef,
    scroller: virtualizer,
    onActivate: (i) => {
      const item = list.items[i];
      if (item) onSelect(item.id);
    },
  });

  return (
    <div className="view history-view sessions-view">
      <div className="history-list-pane">
        <form className="filters sessions-filters" role="search" aria-label="Session filters" onSubmit={(e) => e.preventDefault()}>
          <label className="field">
            <span>Search</span>
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="text in any turn" />
          </label>
        </form>
        <div className="list-toolbar">
          <span className="toolbar-note">{list.items.length === 0 ? '' : `${list.items.length}${list.nextCursor ? '+' : ''} sessions`}</span>
        </div>
        <div className="history-scroll" ref={scrollRef} role="listbox" aria-label="Sessions" aria-busy={list.loading} onKeyDown={roving.onKeyDown}>
          {list.error && list.items.length === 0 ? (
            <ErrorNotice title="Cannot load the sessions" error={list.error} onRetry={loadFirst} />
          ) : list.items.length === 0 ? (
            list.loading ? (
              <Loading label="Loading sessions…" />
            ) : query.text ? (
              <Empty title="No session matches this search" />
            ) : (
              <Empty title="No sessions yet">
                <p>Each Claude Code run (and any conversation sent through the proxy) becomes a session here, turn by turn.</p>
              </Empty>
            )
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualItems.map((v) => {
                const item = list.items[v.index];
                return item ? (
                  <SessionRow
                    key={item.id}
                    item={item}
                    index={v.index}
                    top={v.start}
                    selected={item.id === selectedId}
                    tabbable={v.index === roving.active}
                    now={shownNow}
                    onSelect={onSelect}
                    onFocusRow={roving.setActive}
                  />
                ) : null;
              })}
            </div>
          )}
          {list.items.length > 0 && (list.loading || list.error) ? (
            <div className="list-footer">{list.error ? <button onClick={loadMore}>Retry loading more ({errorMessage(list.error)})</button> : 'Loading more…'}</div>
          ) : null}
        </div>
      </div>
      <div className="history-detail-pane">
        {selectedId ? (
          <SessionsDetail key={selectedId} id={selectedId} focusTurn={props.focusTurn ?? null} active={active} />
        ) : (
          <Empty title="Select a session">
            <p>Pick a session to see its turns: what each one added, what it cost, and where the prompt cache missed.</p>
          </Empty>
        )}
      </div>
    </div>
  );
}
