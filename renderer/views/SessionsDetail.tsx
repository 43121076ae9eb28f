import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { SessionDetail, TurnContent } from '../../proxy/contract/types.js';
import { useApi } from '../api/context.js';
import { Chart, type ChartSeries, type XAxis } from '../components/Chart.js';
import { useNavigation } from '../components/Navigation.js';
import { Empty, ErrorNotice, Loading } from '../components/States.js';
import { useLiveRefresh } from '../hooks/useLiveRefresh.js';
import { useResource } from '../hooks/useResource.js';
import { cacheMisses } from '../lib/cache-miss.js';
import { formatDateTime, formatInteger, formatPercent, formatTokens, formatUsd } from '../lib/format.js';
import { sessionCacheRatio, timeline, turnSeries, type TimelineItem } from '../lib/sessions.js';
import { TurnCard, type TurnLoader } from './SessionsTurn.js';

const TURN_ESTIMATE = 260;

const TURNS_AXIS: XAxis = {
  label: 'Turn',
  time: false,
  tick: (n) => (Number.isInteger(n) ? String(n) : ''),
  row: (n) => `Turn ${n}`,
};

function itemKey(item: TimelineItem): string {
  return item.kind === 'turn' ? item.turn.exchangeId : `thread:${item.thread.thread}`;
}

function holds(item: TimelineItem, exchangeId: string): boolean {
  const threads = item.kind === 'turn' ? item.threads : [item.thread];
  return (item.kind === 'turn' && item.turn.exchangeId === exchangeId) || threads.some((th) => th.turns.some((t) => t.exchangeId === exchangeId));
}

const stat = (label: string, value: string, title?: string) => (
  <div key={label}>
    <dt>{label}</dt>
    <dd title={title}>{value}</dd>
  </div>
);

function Header({ session }: { session: SessionDetail }) {
  const nav = useNavigation();
  const t = session.tokens;
  return (
    <div className="session-head">
      <div className="session-title-line">
        <h2 className="session-title">{session.title ?? '(no prompt text)'}</h2>
        {nav ? (
          <button type="button" onClick={() => nav.openHistory({ session: session.id })}>
            Show in History
          </button>
        ) : null}
      </div>
      <dl className="turn-stats session-stats">
        {stat('Client', session.client ?? '—')}
        {stat('Working directory', session.cwd ?? '—')}
        {stat('Models', session.models.join(', ') || '—')}
        {stat('When', `${formatDateTime(session.firstAt)} – ${formatDateTime(session.lastAt)}`)}
        {stat('Turns', session.errors > 0 ? `${formatInteger(session.turns)} (${session.errors} errors)` : formatInteger(session.turns))}
        {stat('Tokens', `${formatTokens(t.input)} / ${formatTokens(t.cacheRead)} / ${formatTokens(t.cacheWrite)} → ${formatTokens(t.output)}`, 'input / cache read / cache write → output')}
        {stat('Cache hit', formatPercent(sessionCacheRatio(t)), 'cache read / (input + cache read + cache write)')}
        {stat('Estimated cost', formatUsd(session.cost))}
      </dl>
    </div>
  );
}

export function SessionsDetail({ id, focusTurn = null, active = true }: { id: string; focusTurn?: string | null; active?: boolean }) {
  const api = useApi();
  const session = useResource(() => api.getSession({ id }), [api, id]);
  // A turn's content never changes once stored; only the list of turns grows.
  const turnCache = useRef(new Map<string, Promise<TurnContent | null>>());
  const load: TurnLoader = useCallback(
    (exchangeId, prefix = false) => {
      const key = `${prefix ? 'p' : 'd'}:${exchangeId}`;
      let p = turnCache.current.get(key);
      if (!p) {
        p = api.getTurn(prefix ? { exchangeId, prefix: true } : { exchangeId });
        // A failed fetch may be retried.
        p.catch(() => turnCache.current.delete(key));
        turnCache.current.set(key, p);
      }
      return p;
    },
    [api],
  );

  // Turns that arrive while the session is open join its timeline.
  useLiveRefresh(session.reload, 1000, active);

  const data = session.data;
  const turns = data?.turnList;
  const items = useMemo(() => timeline(turns ?? []), [turns]);
  const misses = useMemo(() => cacheMisses(turns ?? []), [turns]);
  const series = useMemo(() => turnSeries(turns ?? []), [turns]);
  const chartSeries: ChartSeries[] = useMemo(
    () => [
      { label: 'Input', values: series.input, colorVar: '--chart-1' },
      { label: 'Cache read', values: series.cacheRead, colorVar: '--chart-3' },
      { label: 'Cache write', values: series.cacheWrite, colorVar: '--chart-4' },
    ],
    [series],
  );

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TURN_ESTIMATE,
    overscan: 3,
    getItemKey: (i) => (items[i] ? itemKey(items[i]) : i),
  });

  const focusIndex = focusTurn ? items.findIndex((item) => holds(item, focusTurn)) : -1;
  useEffect(() => {
    if (focusIndex >= 0) virtualizer.scrollToIndex(focusIndex, { align: 'start' });
  }, [focusIndex, virtualizer]);

  if (session.error && !data) return <ErrorNotice title="Cannot load the session" error={session.error} onRetry={session.reload} />;
  if (!data) return session.loading ? <Loading label="Loading session…" /> : <Empty title="This session is no longer in the history" />;

  const card = (turn: SessionDetail['turnList'][number], label: string) => (
    <TurnCard key={turn.exchangeId} turn={turn} label={label} sessionId={data.id} miss={misses.get(turn.exchangeId)} load={load} focused={turn.exchangeId === focusTurn} />
  );
  const threadBlock = (thread: { thread: string; turns: SessionDetail['turnList'] }) => (
    <div key={thread.thread} className="subagent" role="group" aria-label={`Subagent ${thread.thread}`}>
      <div className="subagent-head">Subagent · {thread.thread}</div>
      {thread.turns.map((t, i) => card(t, `Subagent turn ${i + 1}`))}
    </div>
  );

  return (
    <div className="session-detail" data-testid="session-detail">
      <Header session={data} />
      {turns && turns.length > 0 ? (
        <Chart title={series.subagentTurns > 0 ? 'Prompt tokens per turn (main thread)' : 'Prompt tokens per turn'} x={series.x} series={chartSeries} kind="line" format={formatTokens} height={110} testId="session-chart" xAxis={TURNS_AXIS} />
      ) : null}
      <div className="session-timeline" ref={scrollRef} role="feed" aria-label="Turns" aria-busy={session.loading}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = items[v.index]!;
            return (
              <div key={v.key} ref={virtualizer.measureElement} data-index={v.index} className="timeline-item" style={{ transform: `translateY(${v.start}px)` }}>
                {item.kind === 'turn' ? (
                  <>
                    {card(item.turn, `Turn ${item.number}`)}
                    {item.threads.map(threadBlock)}
                  </>
                ) : (
                  threadBlock(item.thread)
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
