import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AddendumClient } from './api/client.js';
import { ApiProvider } from './api/context.js';
import { ApiError, errorMessage } from './api/errors.js';
import { NavigationProvider, type Navigation } from './components/Navigation.js';
import { Loading } from './components/States.js';
import { panelId, tabId, Tabs } from './components/Tabs.js';
import { LiveStore } from './state/liveStore.js';
import { HistoryView } from './views/HistoryView.js';
import { LiveView } from './views/LiveView.js';
import { ModifierView } from './views/ModifierView.js';
import { SessionsView } from './views/SessionsView.js';
import { SettingsView } from './views/SettingsView.js';
import { StatusHeader } from './views/StatusHeader.js';
import { UsageView } from './views/UsageView.js';
import { Brand } from './components/Brand.js';

export type ViewId = 'sessions' | 'live' | 'history' | 'usage' | 'modifier' | 'settings';
const VIEWS: Array<{ id: ViewId; label: string }> = [
  { id: 'sessions', label: 'Sessions' },
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

type Boot = { kind: 'checking' } | { kind: 'ready'; start: ViewId } | { kind: 'unauthorized' } | { kind: 'unreachable'; message: string };

/** The dashboard opens on Sessions once there is one; before that, on Live (a session list would be empty). */
async function startView(client: AddendumClient): Promise<ViewId> {
  try {
    return (await client.listSessions({ limit: 1 })).items.length > 0 ? 'sessions' : 'live';
  } catch {
    return 'live';
  }
}

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
      async () => {
        const start = await startView(client);
        if (live) setBoot({ kind: 'ready', start });
      },
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
      <Dashboard client={client} liveCap={liveCap} start={boot.start} />
    </ApiProvider>
  );
}

function Dashboard({ client, liveCap, start }: { client: AddendumClient; liveCap?: number | undefined; start: ViewId }) {
  const [view, setView] = useState<ViewId>(start);
  // Views stay mounted once visited so filters, scroll and unsaved edits survive a tab switch.
  const [visited, setVisited] = useState<ReadonlySet<ViewId>>(() => new Set([start]));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [historySession, setHistorySession] = useState<string | null>(null);
  const [session, setSession] = useState<{ id: string | null; turn: string | null }>({ id: null, turn: null });
  const [store] = useState(() => new LiveStore(liveCap));

  useEffect(() => store.start(client), [store, client]);

  const show = useCallback((id: ViewId) => {
    setView(id);
    setVisited((v) => (v.has(id) ? v : new Set([...v, id])));
  }, []);

  const openExchange = useCallback(
    (id: string) => {
      // A live row may belong to any session: a session filter left on would hide it.
      setHistorySession(null);
      setSelectedId(id);
      show('history');
    },
    [show],
  );

  // The links between views (components/Navigation.tsx says what each does).
  const navigation: Navigation = useMemo(
    () => ({
      openSession: (id, exchangeId) => {
        setSession({ id, turn: exchangeId ?? null });
        show('sessions');
      },
      openHistory: ({ session: filter, exchangeId }) => {
        setHistorySession(filter ?? null);
        // An exchange selected earlier may be of another session: the filter would hide its row.
        if (exchangeId !== undefined || filter) setSelectedId(exchangeId ?? null);
        show('history');
      },
    }),
    [show],
  );
  const selectSession = useCallback((id: string | null) => setSession({ id, turn: null }), []);

  const panel = (id: ViewId, content: React.ReactNode) =>
    visited.has(id) ? (
      <section key={id} role="tabpanel" id={panelId('main', id)} aria-labelledby={tabId('main', id)} hidden={view !== id} className="main-panel">
        {content}
      </section>
    ) : null;

  return (
    <NavigationProvider value={navigation}>
      <div className="app">
        <StatusHeader />
        <nav className="nav" aria-label="Views">
          <Tabs items={VIEWS} selected={view} onSelect={show} label="Views" idPrefix="main" />
        </nav>
        <main className="main">
          {panel('sessions', <SessionsView selectedId={session.id} onSelect={selectSession} focusTurn={session.turn} active={view === 'sessions'} />)}
          {panel('live', <LiveView store={store} onOpen={openExchange} active={view === 'live'} />)}
          {panel(
            'history',
            <HistoryView selectedId={selectedId} onSelect={setSelectedId} active={view === 'history'} session={historySession} onClearSession={() => setHistorySession(null)} />,
          )}
          {panel('usage', <UsageView active={view === 'usage'} />)}
          {panel('modifier', <ModifierView />)}
          {panel('settings', <SettingsView />)}
        </main>
      </div>
    </NavigationProvider>
  );
}
