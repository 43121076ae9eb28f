import { useCallback, useEffect, useState } from 'react';
import type { AddendumClient } from './api/client.js';
import { ApiProvider } from './api/context.js';
import { ApiError, errorMessage } from './api/errors.js';
import { Loading } from './components/States.js';
import { panelId, tabId, Tabs } from './components/Tabs.js';
import { LiveStore } from './state/liveStore.js';
import { HistoryView } from './views/HistoryView.js';
import { LiveView } from './views/LiveView.js';
import { ModifierView } from './views/ModifierView.js';
import { SettingsView } from './views/SettingsView.js';
import { StatusHeader } from './views/StatusHeader.js';
import { UsageView } from './views/UsageView.js';
import { Brand } from './components/Brand.js';

export type ViewId = 'live' | 'history' | 'usage' | 'modifier' | 'settings';
const VIEWS: Array<{ id: ViewId; label: string }> = [
  { id: 'live', label: 'Live' },
  { id: 'history', label: 'History' },
  { id: 'usage', label: 'Usage' },
  { id: 'modifier', label: 'Modifier' },
  { id: 'settings', label: 'Settings' },
];

export const TOKEN_HELP = 'Open the link printed by `npm run serve` (it carries the access token).';

export function TokenGate() {
  return (
    <main className="gate">
      <div className="gate-card">
        <Brand />
        <h1>Access token needed</h1>
        <p>{TOKEN_HELP}</p>
        <p className="muted">Unless ADDENDUM_CONTROL_TOKEN fixes it, the token changes every time the server starts, so an old link or bookmark stops working.</p>
      </div>
    </main>
  );
}

type Boot = { kind: 'checking' } | { kind: 'ready' } | { kind: 'unauthorized' } | { kind: 'unreachable'; message: string };

/**
 * Checks the token with one cheap call before showing anything, so a wrong link shows
 * the explanation rather than a dashboard full of errors.
 */
export function App({ client, liveCap }: { client: AddendumClient; liveCap?: number }) {
  const [boot, setBoot] = useState<Boot>(() => (client.isAuthorized() ? { kind: 'checking' } : { kind: 'unauthorized' }));
  const [attempt, setAttempt] = useState(0);

  useEffect(() => client.onUnauthorized(() => setBoot({ kind: 'unauthorized' })), [client]);

  useEffect(() => {
    if (!client.isAuthorized()) return undefined;
    let live = true;
    client.getStatus().then(
      () => live && setBoot({ kind: 'ready' }),
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.unauthorized) setBoot({ kind: 'unauthorized' });
        else setBoot({ kind: 'unreachable', message: errorMessage(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [client, attempt]);

  if (boot.kind === 'unauthorized') return <TokenGate />;
  if (boot.kind === 'checking') return <Loading label="Connecting to Addendum…" />;
  if (boot.kind === 'unreachable') {
    return (
      <main className="gate">
        <div className="gate-card" role="alert">
          <h1>Cannot reach Addendum</h1>
          <p>{boot.message}</p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              setBoot({ kind: 'checking' });
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </div>
      </main>
    );
  }
  return (
    <ApiProvider api={client}>
      <Dashboard client={client} liveCap={liveCap} />
    </ApiProvider>
  );
}

function Dashboard({ client, liveCap }: { client: AddendumClient; liveCap?: number | undefined }) {
  const [view, setView] = useState<ViewId>('live');
  // Views stay mounted once visited so filters, scroll and unsaved edits survive a tab switch.
  const [visited, setVisited] = useState<ReadonlySet<ViewId>>(() => new Set(['live']));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [store] = useState(() => new LiveStore(liveCap));

  useEffect(() => store.start(client), [store, client]);

  const show = useCallback((id: ViewId) => {
    setView(id);
    setVisited((v) => (v.has(id) ? v : new Set([...v, id])));
  }, []);

  const openExchange = useCallback(
    (id: string) => {
      setSelectedId(id);
      show('history');
    },
    [show],
  );

  const panel = (id: ViewId, content: React.ReactNode) =>
    visited.has(id) ? (
      <section key={id} role="tabpanel" id={panelId('main', id)} aria-labelledby={tabId('main', id)} hidden={view !== id} className="main-panel">
        {content}
      </section>
    ) : null;

  return (
    <div className="app">
      <StatusHeader />
      <nav className="nav" aria-label="Views">
        <Tabs items={VIEWS} selected={view} onSelect={show} label="Views" idPrefix="main" />
      </nav>
      <main className="main">
        {panel('live', <LiveView store={store} onOpen={openExchange} active={view === 'live'} />)}
        {panel('history', <HistoryView selectedId={selectedId} onSelect={setSelectedId} active={view === 'history'} />)}
        {panel('usage', <UsageView active={view === 'usage'} />)}
        {panel('modifier', <ModifierView />)}
        {panel('settings', <SettingsView />)}
      </main>
    </div>
  );
}
