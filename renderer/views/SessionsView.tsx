import { memo, useCallback, useMemo, useState } from 'react';
import type { SessionSummary } from '../../proxy/contract/types.js';
import { useApi, useEvents } from '../api/context.js';
import { ListDetail } from '../components/ListDetail.js';
import { ListRow, VirtualList, type ListTexts, type RowSlot } from '../components/VirtualList.js';
import { useClock } from '../hooks/useClock.js';
import { useDebounced } from '../hooks/useDebounced.js';
import { usePagedList } from '../hooks/usePagedList.js';
import { formatDateTime, formatPercent, formatRelative, formatTokens, formatUsd } from '../lib/format.js';
import { sessionCacheRatio } from '../lib/sessions.js';
import { SessionsDetail } from './SessionsDetail.js';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 78;
const SESSION_TEXTS: ListTexts = {
  error: 'Cannot load the sessions',
  loading: 'Loading sessions…',
  noMatch: 'No session matches this search',
  none: 'No sessions yet',
  noneHint: 'Each Claude Code run (and any conversation sent through the proxy) becomes a session here, turn by turn.',
};

const SessionRow = memo(function SessionRow(props: RowSlot & {
  item: SessionSummary;
  now: number;
}) {
  const { item } = props;
  const t = item.tokens;
  return (
    <ListRow id={item.id} slot={props} height={ROW_HEIGHT} className="history-row session-row" testId="session-row">
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
    </ListRow>
  );
});

export function SessionsView(props: { selectedId: string | null; onSelect: (id: string | null) => void; focusTurn?: string | null; active?: boolean }) {
  const { selectedId, onSelect, active = true } = props;
  const api = useApi();
  const [search, setSearch] = useState('');
  const text = useDebounced(search.trim(), 300);
  const now = useClock(active);
  const query = useMemo(() => ({ text: text === '' ? null : text }), [text]);
  const fetchPage = useCallback((cursor: string | null) => api.listSessions({ ...query, cursor, limit: PAGE_SIZE }), [api, query]);
  // A new turn moves its session to the top with fresh totals; loaded pages and scroll stay.
  const pages = usePagedList(fetchPage, 'replace', 1000);
  const { list, loadFirst, refreshHead, refreshedAt } = pages;
  const shownNow = Math.max(now, refreshedAt);

  useEvents((events) => {
    for (const e of events) {
      if (e.name !== 'history:change') continue;
      if ((e.payload as { kind: string }).kind === 'added') refreshHead();
      else loadFirst();
    }
  });

  return (
    <ListDetail
      className="sessions-view"
      detail={selectedId ? <SessionsDetail key={selectedId} id={selectedId} focusTurn={props.focusTurn ?? null} active={active} /> : null}
      placeholder={{ title: 'Select a session', hint: 'Pick a session to see its turns: what each one added, what it cost, and where the prompt cache missed.' }}
    >
      <form className="filters sessions-filters" role="search" aria-label="Session filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Search</span>
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="text in any turn" />
        </label>
      </form>
      <div className="list-toolbar">
        <span className="toolbar-note">{list.items.length === 0 ? '' : `${list.items.length}${list.nextCursor ? '+' : ''} sessions`}</span>
      </div>
      <VirtualList
        label="Sessions"
        pages={pages}
        rowHeight={ROW_HEIGHT}
        selectedId={selectedId}
        onSelect={onSelect}
        filtered={!!query.text}
        texts={SESSION_TEXTS}
        renderRow={(item, slot) => <SessionRow {...slot} item={item} now={shownNow} />}
      />
    </ListDetail>
  );
}
