import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExchangeSummary, StatusClass } from '../../proxy/contract/types.js';
import { useApi, useEvents } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { ListDetail } from '../components/ListDetail.js';
import { ListRow, VirtualList, type ListTexts, type RowSlot } from '../components/VirtualList.js';
import { useClock } from '../hooks/useClock.js';
import { useDebounced } from '../hooks/useDebounced.js';
import { usePagedList } from '../hooks/usePagedList.js';
import { useResource } from '../hooks/useResource.js';
import { downloadText } from '../lib/browser.js';
import { estimateCost } from '../lib/cost.js';
import { formatDateTime, formatDuration, formatRelative, formatTokens, formatUsd, statusTone } from '../lib/format.js';
import { exportFileName, exportJsonl, ExportAbortedError, type HistoryFilter } from '../lib/jsonl.js';
import { HistoryDetail } from './HistoryDetail.js';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 58;
const HISTORY_TEXTS: ListTexts = {
  error: 'Cannot load the history',
  loading: 'Loading history…',
  noMatch: 'No exchange matches these filters',
  none: 'No history yet',
  noneHint: 'Every request that goes through the proxy is recorded here.',
};
const STATUS_OPTIONS: Array<{ value: '' | StatusClass; label: string }> = [
  { value: '', label: 'Any' },
  { value: '2xx', label: '2xx success' },
  { value: '4xx', label: '4xx client error' },
  { value: '5xx', label: '5xx server error' },
  { value: '3xx', label: '3xx redirect' },
  { value: 'error', label: 'No response' },
];

interface FilterForm {
  model: string;
  status: '' | StatusClass;
  path: string;
  search: string;
}

export function toQuery(form: FilterForm, session: string | null = null): HistoryFilter {
  const clean = (s: string) => (s.trim() === '' ? null : s.trim());
  return { model: clean(form.model), statusClass: form.status === '' ? null : form.status, path: clean(form.path), text: clean(form.search), session };
}

const HistoryRow = memo(function HistoryRow(props: RowSlot & {
  item: ExchangeSummary;
  now: number;
}) {
  const { item } = props;
  const tone = statusTone(item.status, item.outcome);
  const cost = estimateCost(item.model, item.usage);
  return (
    <ListRow id={item.id} slot={props} height={ROW_HEIGHT} className="history-row" testId="history-row">
      <div className="hr-line">
        <span className={`status-badge tone-${tone}`}>{item.status ?? (item.outcome === 'client_aborted' ? 'aborted' : 'failed')}</span>{' '}
        <span className="hr-method">{item.method}</span>{' '}
        <span className="hr-path">{item.path}</span>{' '}
        {item.modified ? <span className="badge accent">+text</span> : null}
        {item.stream ? <span className="badge">stream</span> : null}
        <time className="hr-time" dateTime={new Date(item.startedAt).toISOString()} title={formatDateTime(item.startedAt)}>
          {formatRelative(item.startedAt, props.now)}
        </time>
      </div>
      <div className="hr-line hr-meta">
        <span className="hr-model">{item.model ?? '—'}</span>{' '}
        <span>{formatDuration(item.durationMs)}</span>{' '}
        <span title="input + cache → output tokens">{item.usage ? `${formatTokens(item.usage.input + item.usage.cacheRead + item.usage.cacheCreation)} → ${formatTokens(item.usage.output)}` : '—'}</span>{' '}
        <span>{formatUsd(cost)}</span>
      </div>
    </ListRow>
  );
});

export function HistoryView({
  selectedId,
  onSelect,
  active = true,
  session = null,
  onClearSession,
}: {
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  active?: boolean;
  /** Only this session's exchanges (a SessionSummary id), shown in the filters with a way to clear it. */
  session?: string | null;
  onClearSession?: () => void;
}) {
  const api = useApi();
  const [form, setForm] = useState<FilterForm>({ model: '', status: '', path: '', search: '' });
  const debouncedText = useDebounced({ model: form.model, path: form.path, search: form.search }, 300);
  const query = useMemo(() => toQuery({ ...debouncedText, status: form.status }, session), [debouncedText, form.status, session]);
  const now = useClock(active);
  const fetchPage = useCallback((cursor: string | null) => api.listHistory({ ...query, cursor, limit: PAGE_SIZE }), [api, query]);
  // New rows are merged in at the top without losing the reader's scroll or loaded pages.
  const pages = usePagedList(fetchPage, 'prepend', 300);
  const { list, setList, refreshHead, refreshedAt } = pages;
  const shownNow = Math.max(now, refreshedAt);

  useEvents((events) => {
    for (const e of events) {
      if (e.name !== 'history:change') continue;
      const change = e.payload as { ids: string[]; kind: 'added' | 'deleted' | 'cleared' };
      if (change.kind === 'added') refreshHead();
      else if (change.kind === 'cleared') {
        setList({ items: [], nextCursor: null, loading: false, error: null });
        onSelect(null);
      } else {
        const gone = new Set(change.ids);
        setList((l) => ({ ...l, items: l.items.filter((i) => !gone.has(i.id)) }));
        if (selectedId && gone.has(selectedId)) onSelect(null);
      }
    }
  });

  const models = useMemo(() => [...new Set(list.items.map((i) => i.model).filter((m): m is string => !!m))].sort(), [list.items]);

  return (
    <ListDetail
      detail={
        selectedId ? (
          <HistoryDetail
            key={selectedId}
            id={selectedId}
            onDeleted={() => {
              // Drop the row at once rather than waiting for the server's change event.
              setList((l) => ({ ...l, items: l.items.filter((i) => i.id !== selectedId) }));
              onSelect(null);
            }}
          />
        ) : null
      }
      placeholder={{ title: 'Select an exchange', hint: 'Pick a row to see the request, what the modifier changed, and the response. Use ↑ ↓ and Enter in the list.' }}
    >
      <form className="filters" role="search" aria-label="History filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Model</span>
          <input value={form.model} list="history-models" onChange={(e) => setForm({ ...form, model: e.target.value })} placeholder="any" spellCheck={false} />
          <datalist id="history-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>Status</span>
          <select value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value as FilterForm['status'] })}>
            {STATUS_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Path</span>
          <input value={form.path} onChange={(e) => setForm({ ...form, path: e.target.value })} placeholder="/v1/messages" spellCheck={false} />
        </label>
        <label className="field">
          <span>Search</span>
          <input type="search" value={form.search} onChange={(e) => setForm({ ...form, search: e.target.value })} placeholder="text in bodies" />
        </label>
        {session ? <SessionChip id={session} onClear={onClearSession} /> : null}
      </form>
      <div className="list-toolbar">
        <span className="toolbar-note">
          {list.items.length === 0 ? '' : `${list.items.length}${list.nextCursor ? '+' : ''} exchanges`}
        </span>
        <ExportButton query={query} disabled={list.items.length === 0} />
      </div>
      <VirtualList
        label="History"
        pages={pages}
        rowHeight={ROW_HEIGHT}
        selectedId={selectedId}
        onSelect={onSelect}
        filtered={!!(query.model || query.path || query.statusClass || query.text || query.session)}
        texts={HISTORY_TEXTS}
        renderRow={(item, slot) => <HistoryRow {...slot} item={item} now={shownNow} />}
      />
    </ListDetail>
  );
}

/** The session filter, named by the session's title once it has loaded; its id until then, or when the session is gone or has no prompt text. */
function SessionChip({ id, onClear }: { id: string; onClear?: (() => void) | undefined }) {
  const api = useApi();
  const session = useResource(() => api.getSession({ id }), [api, id]);
  // The previous session's title stays in the resource until this one's arrives.
  const title = session.data?.id === id ? session.data.title : null;
  return (
    <div className="filter-chip" role="status" aria-label="Session filter">
      <span className="filter-chip-label">
        Session {title ? <span className="filter-chip-title" title={title}>{title}</span> : null} <code>{id}</code>
      </span>
      {onClear ? (
        <button type="button" className="ghost" onClick={onClear}>
          Clear session filter
        </button>
      ) : null}
    </div>
  );
}

function ExportButton({ query, disabled }: { query: HistoryFilter; disabled: boolean }) {
  const api = useApi();
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const run = async () => {
    controller.current = new AbortController();
    setError(null);
    setProgress('Exporting…');
    try {
      const text = await exportJsonl(api, query, {
        signal: controller.current.signal,
        onProgress: (done, total) => setProgress(total === null ? `Listing ${done}…` : `Exporting ${done}/${total}…`),
      });
      downloadText(exportFileName(new Date()), text);
      setProgress(null);
    } catch (err) {
      setProgress(null);
      if (!(err instanceof ExportAbortedError)) setError(`Export failed: ${errorMessage(err)}`);
    }
  };

  return (
    <span className="export">
      {progress ? (
        <>
          <span className="toolbar-note" role="status">
            {progress}
          </span>
          <button type="button" className="ghost" onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" onClick={run} disabled={disabled} title="Download every exchange matching the filters, bodies included, as JSON Lines">
          Export JSONL
        </button>
      )}
      {error ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
