import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Empty } from '../components/States.js';
import { useRovingList } from '../hooks/useRovingList.js';
import { formatClock, formatDuration, formatInteger, formatTokens, statusTone } from '../lib/format.js';
import { filterRows, type LiveRow, type LiveState } from '../lib/live.js';
import type { LiveStore } from '../state/liveStore.js';

const ROW_HEIGHT = 34;
/** Within this many pixels of the bottom counts as "following" the log. */
const FOLLOW_SLACK = 48;

function phaseLabel(row: LiveRow): string {
  if (row.phase === 'waiting') return 'waiting';
  if (row.phase === 'streaming') return row.stream ? 'streaming' : 'receiving';
  if (row.status !== null) return String(row.status);
  return row.outcome === 'client_aborted' ? 'aborted' : 'failed';
}

interface RowProps {
  row: LiveRow;
  index: number;
  top: number;
  tabbable: boolean;
  onOpen: (id: string) => void;
  onFocusRow: (index: number) => void;
}

const Row = memo(function Row({ row, index, top, tabbable, onOpen, onFocusRow }: RowProps) {
  const tone = row.phase === 'waiting' || row.phase === 'streaming' ? 'pending' : statusTone(row.status, row.outcome);
  return (
    <div
      data-index={index}
      tabIndex={tabbable ? 0 : -1}
      onFocus={() => onFocusRow(index)}
      role="row"
      className={`live-row tone-${tone}`}
      data-testid="live-row"
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onOpen(row.id)}
      title={row.error ?? undefined}
    >
      <span role="cell" className="c-time">
        {formatClock(row.startedAt)}
      </span>{' '}
      <span role="cell" className="c-method">
        {row.method}
      </span>{' '}
      <span role="cell" className="c-path">
        {row.path}
        {row.modified ? (
          <span className="badge accent" title="The modifier appended your text">
            +text
          </span>
        ) : null}
        {row.dialect === 'openai' ? <span className="badge">openai</span> : null}
      </span>{' '}
      <span role="cell" className="c-model">
        {row.model ?? '—'}
      </span>{' '}
      <span role="cell" className="c-status">
        <span className={`status-badge tone-${tone}`}>{phaseLabel(row)}</span>
      </span>{' '}
      <span role="cell" className="c-duration">
        {formatDuration(row.durationMs)}
      </span>{' '}
      <span role="cell" className="c-tokens" title={row.usage ? `input ${row.usage.input}, output ${row.usage.output}, cache read ${row.usage.cacheRead}, cache write ${row.usage.cacheCreation}` : undefined}>
        {row.usage ? `${formatTokens(row.usage.input + row.usage.cacheRead + row.usage.cacheCreation)} → ${formatTokens(row.usage.output)}` : '—'}
      </span>
    </div>
  );
});

export function LiveView({ store, onOpen, active = true }: { store: LiveStore; onOpen: (id: string) => void; active?: boolean }) {
  const live = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [frozen, setFrozen] = useState<LiveState | null>(null);
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const shown = frozen ?? live;
  const rows = useMemo(() => filterRows(shown.rows, deferredFilter), [shown.rows, deferredFilter]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rows[i]?.id ?? i,
  });

  const roving = useRovingList({
    count: rows.length,
    container: scrollRef,
    scroller: virtualizer,
    onActivate: (i) => {
      const row = rows[i];
      if (row) onOpen(row.id);
    },
  });

  // Follow new rows unless the reader scrolled up or paused; jumping while they read is rude.
  useLayoutEffect(() => {
    if (!following || frozen || !active || rows.length === 0) return;
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows.length, following, frozen, active, virtualizer]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return undefined;
    const onScroll = () => setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  const inFlight = useMemo(() => live.rows.reduce((n, r) => n + (r.phase === 'waiting' || r.phase === 'streaming' ? 1 : 0), 0), [live.rows]);
  const newWhilePaused = frozen ? live.nextSeq - frozen.nextSeq : 0;

  return (
    <div className="view live-view">
      <div className="toolbar">
        <label className="field inline">
          <span>Filter</span>
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="path, model, status…" spellCheck={false} />
        </label>
        <button type="button" onClick={() => setFrozen(frozen ? null : live)} aria-pressed={frozen !== null}>
          {frozen ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => {
            store.clear();
            setFrozen(null);
          }}
          disabled={live.rows.length === 0}
        >
          Clear
        </button>
        <span className="toolbar-note" aria-live="polite">
          {frozen ? `Paused · ${formatInteger(newWhilePaused)} new` : `${formatInteger(live.rows.length)} shown · ${formatInteger(inFlight)} in flight`}
        </span>
        {!following && !frozen && rows.length > 0 ? (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setFollowing(true);
              virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
            }}
          >
            Jump to latest
          </button>
        ) : null}
      </div>
      <div className="live-table" role="table" aria-label="Live requests" aria-rowcount={rows.length}>
        <div className="live-row live-head" role="row">
          <span role="columnheader">Time</span>
          <span role="columnheader">Method</span>
          <span role="columnheader">Path</span>
          <span role="columnheader">Model</span>
          <span role="columnheader">Status</span>
          <span role="columnheader" className="c-duration">
            Duration
          </span>
          <span role="columnheader" className="c-tokens" title="Prompt tokens (incl. cache) → output tokens">
            Tokens
          </span>
        </div>
        <div className="live-scroll" ref={scrollRef} role="rowgroup" onKeyDown={roving.onKeyDown}>
          {rows.length === 0 ? (
            shown.rows.length === 0 ? (
              <Empty title="Waiting for requests">
                <p>
                  Point a client at the proxy, e.g. <code>ANTHROPIC_BASE_URL</code> from the header, and its requests appear here as they happen.
                </p>
              </Empty>
            ) : (
              <Empty title="No request matches the filter" />
            )
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = rows[item.index];
                return row ? (
                  <Row key={row.id} row={row} index={item.index} top={item.start} tabbable={item.index === roving.active} onOpen={onOpen} onFocusRow={roving.setActive} />
                ) : null;
              })}
            </div>
          )}
        </div>
      </div>
      <LogPanel state={shown} />
    </div>
  );
}

function LogPanel({ state }: { state: LiveState }) {
  const warnings = state.logs.filter((l) => l.level === 'warn' || l.level === 'error').length;
  return (
    <details className="log-panel">
      <summary>
        Proxy log <span className="muted">({formatInteger(state.logs.length)} lines{warnings ? `, ${warnings} warnings` : ''})</span>
      </summary>
      {state.logs.length === 0 ? (
        <p className="muted">Nothing logged yet.</p>
      ) : (
        <ol className="log-lines">
          {state.logs.slice(-200).map((l, i) => (
            <li key={`${l.time}-${i}`} className={`log-${l.level}`}>
              <span className="c-time">{formatClock(l.time)}</span> <span className="log-level">{l.level}</span> {l.message}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
