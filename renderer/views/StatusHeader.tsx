import { useEffect, useMemo, useState } from 'react';
import type { ProxyStatus } from '../../proxy/contract/types.js';
import { useApi, useEvents } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { CopyButton } from '../components/CopyButton.js';
import { useResource } from '../hooks/useResource.js';
import { formatInteger } from '../lib/format.js';
import { throttle } from '../lib/throttle.js';
import { Brand } from '../components/Brand.js';
import { RateLimitBadge } from './RateLimits.js';

/** The address clients should use, even while stopped, so it can be copied ahead of time. */
export function clientBaseUrl(status: ProxyStatus): string {
  if (status.baseUrl) return status.baseUrl;
  const host = status.host === '0.0.0.0' || status.host === '::' ? '127.0.0.1' : status.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${status.port}`;
}

/** The history conversion's progress while it runs (rows done of total), else null. */
export function migrationText(status: ProxyStatus | null): string | null {
  const m = status?.migration;
  if (!m) return null;
  if (m.state === 'converting') return `Converting the history to the new format: ${formatInteger(m.rowsDone)} of ${formatInteger(m.rowsTotal)} exchanges done.`;
  if (m.state === 'compacting') return `History converted (${formatInteger(m.rowsTotal)} exchanges); compacting the file.`;
  return null;
}

export function StatusHeader() {
  const api = useApi();
  const [status, setStatus] = useState<ProxyStatus | null>(null);
  const [statusError, setStatusError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const today = useResource(() => api.getStats({ days: 1 }), [api]);

  useEffect(() => {
    let live = true;
    api.getStatus().then(
      (s) => live && setStatus(s),
      (err: unknown) => live && setStatusError(err),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const refreshToday = useMemo(() => throttle(today.reload, 1000), [today.reload]);
  useEffect(() => () => refreshToday.cancel(), [refreshToday]);

  useEvents((events) => {
    let countsChanged = false;
    for (const e of events) {
      if (e.name === 'state') {
        setStatus(e.payload as ProxyStatus);
        setStatusError(null);
      } else if (e.name === 'history:change' || e.name === 'request:finish') {
        countsChanged = true;
      }
    }
    if (countsChanged) refreshToday();
  });

  const toggle = async () => {
    if (!status) return;
    setBusy(true);
    setActionError(null);
    try {
      setStatus(status.running ? await api.stopProxy() : await api.startProxy());
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const running = status?.running ?? false;
  const url = status ? clientBaseUrl(status) : null;
  const stateText = status ? (running ? 'Running' : 'Stopped') : statusError ? 'Unavailable' : 'Checking…';
  const requestsToday = today.data?.totals.requests;
  const problem = actionError ?? (status && !running && status.lastError ? `Could not start: ${status.lastError}` : null);
  const notice = running ? (status?.notice ?? null) : null;
  const migration = migrationText(status);

  return (
    <header className="topbar">
      <Brand />
      <div className="status-group">
        <span className={`status-pill ${status ? (running ? 'is-running' : 'is-stopped') : 'is-unknown'}`} data-testid="proxy-status">
          <span className="dot" aria-hidden="true" />
          {stateText}
        </span>
        {url ? (
          <code className={running ? 'base-url' : 'base-url is-idle'} data-testid="base-url" title={running ? 'Proxy address' : 'Proxy address (not listening)'}>
            {url}
          </code>
        ) : null}
        {url ? <CopyButton label="Copy ANTHROPIC_BASE_URL" className="ghost" text={() => `ANTHROPIC_BASE_URL=${url}`} /> : null}
        <button type="button" className={running ? 'danger-outline' : 'primary'} disabled={!status || busy} onClick={toggle}>
          {running ? 'Stop proxy' : 'Start proxy'}
        </button>
      </div>
      <div className="today" data-testid="requests-today" title="Requests recorded today (UTC)">
        <strong>{requestsToday === undefined ? '—' : formatInteger(requestsToday)}</strong> {requestsToday === 1 ? 'request' : 'requests'} today
      </div>
      <RateLimitBadge />
      {problem ? (
        <div className="topbar-alert" role="alert">
          {problem}
        </div>
      ) : null}
      {notice && !problem ? (
        <div className="topbar-alert" role="status" data-testid="proxy-notice">
          {notice}
        </div>
      ) : null}
      {migration ? (
        <div className="topbar-alert" role="status" data-testid="history-migration">
          {migration}
        </div>
      ) : null}
      {statusError && !status ? (
        <div className="topbar-alert" role="alert">
          Cannot read the proxy status: {errorMessage(statusError)}
        </div>
      ) : null}
    </header>
  );
}
