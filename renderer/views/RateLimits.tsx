import { useEffect, useMemo, useState } from 'react';
import type { RateLimitEntry } from '../../proxy/contract/types.js';
import { useApi, useEvents } from '../api/context.js';
import { formatDateTime, formatInteger, formatPercent } from '../lib/format.js';
import { headline, limitTone, rateLimitView, remainingFraction, type RateLimitView } from '../lib/rate-limits.js';

/** The latest rate limits per credential: one read, then every change as it is pushed. */
export function useRateLimits(): { views: RateLimitView[]; error: unknown } {
  const api = useApi();
  const [entries, setEntries] = useState<RateLimitEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    api.getRateLimits().then(
      // Changes pushed before the read answered are newer: they win.
      (r) => live && setEntries((pushed) => merge(r.items, pushed)),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [api]);
  useEvents((events) => {
    const changed = events.filter((e) => e.name === 'ratelimit:change').map((e) => e.payload as RateLimitEntry);
    if (changed.length > 0) setEntries((current) => merge(current, changed));
  });
  const views = useMemo(() => entries.map(rateLimitView), [entries]);
  return { views, error };
}

/** `newer` replaces entries of the same credential; the result is most recent first. */
function merge(current: RateLimitEntry[], newer: RateLimitEntry[]): RateLimitEntry[] {
  const byCredential = new Map(current.map((e) => [e.credential, e]));
  for (const e of newer) {
    const old = byCredential.get(e.credential);
    if (!old || old.updatedAt <= e.updatedAt) byCredential.set(e.credential, e);
  }
  return [...byCredential.values()].sort((a, b) => b.updatedAt - a.updatedAt);
}

/** The status header's line: the most recently used credential, and how many others there are. */
export function RateLimitBadge() {
  const { views } = useRateLimits();
  const latest = views[0];
  if (!latest) return null;
  const tone = limitTone(latest);
  return (
    <div className={`ratelimit-badge tone-${tone}`} data-testid="ratelimit-badge" title={`Rate limits of ${latest.credential}, from the latest response (${formatDateTime(latest.updatedAt)})`}>
      <span className="ratelimit-credential">{latest.credential}</span> {headline(latest)}
      {views.length > 1 ? <span className="muted"> · +{views.length - 1} more in Usage</span> : null}
    </div>
  );
}

const time = (ms: number | null): string => (ms === null ? '—' : formatDateTime(ms));

/** The Usage view's section: every credential with every value upstream sent. */
export function RateLimitTable() {
  const { views, error } = useRateLimits();
  return (
    <section data-testid="ratelimits" aria-label="Rate limits">
      <h3 className="section-title">Rate limits</h3>
      {views.length === 0 ? (
        <p className="muted">{error ? 'Cannot read the rate limits.' : 'None seen yet: they fill in from the next answer upstream sends (kept in memory, per credential).'}</p>
      ) : (
        views.map((v) => <CredentialLimits key={v.credential} view={v} />)
      )}
    </section>
  );
}

function CredentialLimits({ view }: { view: RateLimitView }) {
  return (
    <div className={`ratelimit-card tone-${limitTone(view)}`} data-testid="ratelimit-credential">
      <div className="ratelimit-head">
        <strong>{view.credential}</strong>
        <span className="muted">
          {' '}
          · HTTP {view.status} · {formatDateTime(view.updatedAt)}
          {view.retryAfterSeconds !== null ? ` · retry after ${formatInteger(view.retryAfterSeconds)} s` : ''}
        </span>
      </div>
      <div className="table-wrap">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Limit</th>
              <th scope="col">Remaining / used</th>
              <th scope="col">Status</th>
              <th scope="col">Resets</th>
            </tr>
          </thead>
          <tbody>
            {view.unified ? (
              <tr>
                <th scope="row">unified</th>
                <td>—</td>
                <td>{view.unified.status ?? '—'}</td>
                <td>{time(view.unified.resetAt)}</td>
              </tr>
            ) : null}
            {view.unified?.windows.map((w) => (
              <tr key={`u-${w.name}`}>
                <th scope="row">unified {w.name}</th>
                <td>{w.utilization === null ? '—' : `${formatPercent(w.utilization, 0)} used`}</td>
                <td>{w.status ?? '—'}</td>
                <td>{time(w.resetAt)}</td>
              </tr>
            ))}
            {view.buckets.map((b) => (
              <tr key={`b-${b.name}`}>
                <th scope="row">{b.name}</th>
                <td>
                  {formatInteger(b.remaining)} / {formatInteger(b.limit)}
                  {remainingFraction(b) !== null ? <span className="muted"> ({formatPercent(remainingFraction(b))} left)</span> : null}
                </td>
                <td>—</td>
                <td>{time(b.resetAt)}</td>
              </tr>
            ))}
            {view.other.map(([name, value]) => (
              <tr key={`o-${name}`}>
                <th scope="row">{name.replace(/^anthropic-ratelimit-/, '')}</th>
                <td colSpan={3}>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
