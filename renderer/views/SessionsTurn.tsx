import { useState } from 'react';
import type { PrefixSection, SessionTurn, TurnContent } from '../../proxy/contract/types.js';
import { Blocks, Message } from '../components/Blocks.js';
import { useNavigation } from '../components/Navigation.js';
import { ErrorNotice, Loading } from '../components/States.js';
import { useResource } from '../hooks/useResource.js';
import type { CacheMiss } from '../lib/cache-miss.js';
import { cacheHitRatio } from '../lib/cost.js';
import { formatBytes, formatClock, formatDuration, formatPercent, formatTokens, formatUsd, statusTone } from '../lib/format.js';
import { sectionDiff, sectionTitle, turnView } from '../lib/sessions.js';

/** getTurn, remembered for the session's lifetime so scrolling back does not fetch again. */
export type TurnLoader = (exchangeId: string, prefix?: boolean) => Promise<TurnContent | null>;

function TurnBody({ turn, load }: { turn: SessionTurn; load: TurnLoader }) {
  const content = useResource(() => load(turn.exchangeId), [turn.exchangeId, load]);
  if (content.error) return <ErrorNotice title="Cannot load this turn" error={content.error} onRetry={content.reload} />;
  if (!content.data) return content.loading ? <Loading label="Loading turn…" /> : <p className="muted">This exchange is no longer in the history.</p>;
  const view = turnView(content.data, turn.parentId !== null);
  return (
    <div className="turn-body">
      {view.added.map((m) => (
        <Message key={m.index} message={m.message} index={m.index} />
      ))}
      {view.answer ? (
        <section className="message role-assistant turn-answer" aria-label="answer" data-testid="turn-answer">
          <div className="message-role">answer{view.answer.stopReason ? ` · ${view.answer.stopReason}` : ''}</div>
          <div className="message-body">
            {view.answer.error ? (
              <p className="inline-error">
                {view.answer.error.type}: {view.answer.error.message}
              </p>
            ) : (
              <Blocks blocks={view.answer.blocks} />
            )}
          </div>
        </section>
      ) : (
        <p className="muted">No answer was stored.</p>
      )}
    </div>
  );
}

function Section({ section }: { section: PrefixSection }) {
  const size = (t: string | null) => (t === null ? 'absent' : formatBytes(new TextEncoder().encode(t).length));
  return (
    <section className="prefix-section" aria-label={sectionTitle(section.name)}>
      <h4>
        {sectionTitle(section.name)} <span className="muted">· parent {size(section.parent)} → this turn {size(section.turn)}</span>
      </h4>
      <pre className="diff">
        {sectionDiff(section).map((p, i) =>
          p.kind === 'elided' ? (
            <span key={i} className="diff-elided">{` … ${p.chars.toLocaleString('en-US')} unchanged characters … `}</span>
          ) : p.kind === 'added' ? (
            <ins key={i}>{p.text}</ins>
          ) : p.kind === 'removed' ? (
            <del key={i}>{p.text}</del>
          ) : (
            <span key={i}>{p.text}</span>
          ),
        )}
      </pre>
    </section>
  );
}

/** What changed in the prompt prefix against the parent: the exact forwarded bytes, part by part. */
export function PrefixDiffView({ turn, load }: { turn: SessionTurn; load: TurnLoader }) {
  const content = useResource(() => load(turn.exchangeId, true), [turn.exchangeId, load]);
  if (content.error) return <ErrorNotice title="Cannot compare with the parent turn" error={content.error} onRetry={content.reload} />;
  if (!content.data) return content.loading ? <Loading label="Comparing with the parent turn…" /> : null;
  const prefix = content.data.prefix;
  if (!prefix) return <p className="muted">This turn has no parent turn to compare with.</p>;
  const changed = prefix.sections.filter((s) => !s.cacheNeutral);
  const neutral = prefix.sections.filter((s) => s.cacheNeutral);
  return (
    <div className="prefix-diff" data-testid="prefix-diff">
      {changed.length === 0 ? (
        <p>Nothing in the prefix changed against the parent turn: the cache entry may have expired, or been evicted upstream.</p>
      ) : (
        changed.map((s) => <Section key={s.name} section={s} />)
      )}
      {neutral.length > 0 ? (
        <details className="prefix-neutral">
          <summary>
            {neutral.length} more {neutral.length === 1 ? 'message differs' : 'messages differ'} only where the cache does not look (cache_control, a string for one text block)
          </summary>
          {neutral.map((s) => (
            <Section key={s.name} section={s} />
          ))}
        </details>
      ) : null}
    </div>
  );
}

export function TurnCard(props: { turn: SessionTurn; label: string; sessionId: string; miss: CacheMiss | undefined; load: TurnLoader; focused: boolean }) {
  const { turn, miss } = props;
  const nav = useNavigation();
  const [showDiff, setShowDiff] = useState(false);
  const u = turn.usage;
  const tone = statusTone(turn.status, turn.status === null ? 'error' : 'ok');
  return (
    <article className={props.focused ? 'turn focused' : 'turn'} data-testid="session-turn" data-id={turn.exchangeId} aria-label={props.label}>
      <header className="turn-head">
        <span className="turn-label">{props.label}</span>
        <span className={`status-badge tone-${tone}`}>{turn.status ?? 'failed'}</span>
        <span className="turn-model">{turn.model ?? '—'}</span>
        {turn.delta.systemChanged ? <span className="badge">system changed</span> : null}
        {turn.delta.toolsChanged ? <span className="badge">tools changed</span> : null}
        {miss ? (
          <button
            type="button"
            className="badge cache-flag"
            data-testid="cache-miss"
            aria-expanded={showDiff}
            title={`The parent left ${formatTokens(miss.expected)} tokens of prefix in the cache; this turn read ${formatTokens(miss.read)}.`}
            onClick={() => setShowDiff((v) => !v)}
          >
            Cache miss: {formatTokens(miss.lost)} tokens not read{miss.mayHaveExpired ? ' (may have expired)' : ''}
          </button>
        ) : null}
        <time className="turn-time" dateTime={new Date(turn.startedAt).toISOString()}>
          {formatClock(turn.startedAt)}
        </time>
      </header>
      <dl className="turn-stats">
        <div>
          <dt>Tokens</dt>
          <dd title="input / cache read / cache write → output">
            {u ? `${formatTokens(u.input)} / ${formatTokens(u.cacheRead)} / ${formatTokens(u.cacheCreation)} → ${formatTokens(u.output)}` : '—'}
          </dd>
        </div>
        <div>
          <dt>Cache hit</dt>
          <dd>{formatPercent(cacheHitRatio(u))}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatUsd(turn.cost)}</dd>
        </div>
        <div>
          <dt>First byte</dt>
          <dd>{formatDuration(turn.ttfbMs)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(turn.durationMs)}</dd>
        </div>
        {nav ? (
          <div className="turn-link">
            <button type="button" className="ghost" onClick={() => nav.openHistory({ session: props.sessionId, exchangeId: turn.exchangeId })}>
              Open in History
            </button>
          </div>
        ) : null}
      </dl>
      {showDiff ? <PrefixDiffView turn={turn} load={props.load} /> : null}
      <TurnBody turn={turn} load={props.load} />
    </article>
  );
}
