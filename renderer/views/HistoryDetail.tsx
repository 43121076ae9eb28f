import { useMemo, useState } from 'react';
import { BODY_FIELDS, type BodyField, type ExchangeDetail } from '../../proxy/contract/operations.js';
import type { ExchangeRecord } from '../../proxy/contract/types.js';
import { useApi } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { Message, ResponseMessage } from '../components/Blocks.js';
import { CopyButton } from '../components/CopyButton.js';
import { DiffView } from '../components/DiffView.js';
import { BodyGate, SIZE_GATE_BYTES } from '../components/SizeGate.js';
import { ErrorNotice, Loading, Empty } from '../components/States.js';
import { useNavigation } from '../components/Navigation.js';
import { panelId, Segmented, tabId, Tabs } from '../components/Tabs.js';
import { useLazyBodies, type LazyBodies } from '../hooks/useLazyBodies.js';
import { useResource } from '../hooks/useResource.js';
import { requestView } from '../lib/blocks.js';
import { cacheHitRatio, estimateCost } from '../lib/cost.js';
import { buildCurl } from '../lib/curl.js';
import { toRecord } from '../lib/detail.js';
import { jsonDiff, modifierDiff, prettyJson } from '../lib/diff.js';
import { formatBytes, formatDateTime, formatDuration, formatInteger, formatPercent, formatUsd, statusTone } from '../lib/format.js';
import { ExchangeLink, ReplayCompare } from './ReplayCompare.js';
import { ReplayDialog } from './ReplayDialog.js';

/**
 * Where the detail links to. Without a handler from its host, the dashboard's navigation
 * (components/Navigation.tsx) is followed; the links' hrefs only name the target.
 */
export interface DetailLinks {
  onOpenExchange?: ((id: string) => void) | undefined;
  onOpenSession?: ((sessionId: string, exchangeId: string) => void) | undefined;
}

type DetailTab = 'summary' | 'request' | 'forwarded' | 'response' | 'headers' | 'compare';
const TABS: Array<{ id: DetailTab; label: string }> = [
  { id: 'summary', label: 'Summary' },
  { id: 'request', label: 'Request' },
  { id: 'forwarded', label: 'Forwarded' },
  { id: 'response', label: 'Response' },
  { id: 'headers', label: 'Headers' },
];

const COMPARE_TAB = { id: 'compare' as const, label: 'Compare with original' };

export function HistoryDetail({ id, onDeleted, ...given }: { id: string; onDeleted: () => void } & DetailLinks) {
  const api = useApi();
  const nav = useNavigation();
  const links: DetailLinks = {
    onOpenExchange: given.onOpenExchange ?? (nav ? (exchangeId) => nav.openHistory({ exchangeId }) : undefined),
    onOpenSession: given.onOpenSession ?? (nav ? (sessionId, exchangeId) => nav.openSession(sessionId, exchangeId) : undefined),
  };
  // Large bodies stay on the host until the reader presses Load (see BodyGate).
  const entry = useResource(() => api.getHistoryEntry({ id, maxBodyBytes: SIZE_GATE_BYTES }), [api, id]);

  if (entry.loading && !entry.data) return <Loading label="Loading exchange…" />;
  if (entry.error) return <ErrorNotice title="Cannot load this exchange" error={entry.error} onRetry={entry.reload} />;
  if (!entry.data) {
    return (
      <Empty title="This exchange is gone">
        <p>It was deleted or removed by the retention limits.</p>
      </Empty>
    );
  }
  return <ExchangeDetailView detail={entry.data} onDeleted={onDeleted} links={links} />;
}

function ExchangeDetailView({ detail, onDeleted, links }: { detail: ExchangeDetail; onDeleted: () => void; links: DetailLinks }) {
  const api = useApi();
  const id = detail.id;
  const bodies = useLazyBodies(api, detail);
  const record = bodies.record;
  const status = useResource(() => api.getStatus(), [api]);
  const [tab, setTab] = useState<DetailTab>('summary');
  const [deleting, setDeleting] = useState(false);
  // One confirmation, as for clearing the whole history: a deleted exchange cannot come back.
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [replaying, setReplaying] = useState(false);
  const [replayed, setReplayed] = useState<string | null>(null);

  const remove = async () => {
    setConfirmingDelete(false);
    setDeleting(true);
    setActionError(null);
    try {
      await api.deleteHistoryEntry({ id });
      onDeleted();
    } catch (err) {
      setActionError(`Delete failed: ${errorMessage(err)}`);
      setDeleting(false);
    }
  };

  const upstream = status.data?.upstreamUrl ?? 'https://api.anthropic.com';
  const tone = statusTone(record.status, record.outcome);

  return (
    <article className="detail" data-testid="history-detail" aria-label="Exchange detail">
      <header className="detail-head">
        <div className="detail-title">
          <span className={`status-badge tone-${tone}`}>{record.status ?? record.outcome}</span>
          <span className="hr-method">{record.method}</span>
          <code className="detail-path">{record.path}</code>
        </div>
        <div className="detail-actions">
          {/* Copies carry full bodies: the ones left out are fetched first. */}
          <CopyButton label="Copy as curl" text={async () => buildCurl(await bodies.complete(curlBodies(bodies)), { baseUrl: upstream })} />
          <CopyButton label="Copy JSON" text={async () => JSON.stringify(toRecord(await bodies.complete(BODY_FIELDS)), null, 2)} />
          <button type="button" className="ghost" aria-expanded={replaying} onClick={() => setReplaying((r) => !r)}>
            Replay…
          </button>
          {confirmingDelete ? (
            <span className="confirm" role="group" aria-label="Confirm delete">
              <span className="muted">Delete this exchange? This cannot be undone.</span>
              <button type="button" className="danger" onClick={() => void remove()} autoFocus>
                Yes, delete
              </button>
              <button type="button" className="ghost" onClick={() => setConfirmingDelete(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <button type="button" className="danger-outline" onClick={() => setConfirmingDelete(true)} disabled={deleting}>
              Delete
            </button>
          )}
        </div>
        {actionError ? (
          <p className="inline-error" role="alert">
            {actionError}
          </p>
        ) : null}
      </header>
      {replaying ? (
        <ReplayDialog
          bodies={bodies}
          onClose={() => setReplaying(false)}
          onReplayed={(replayId) => {
            setReplaying(false);
            setReplayed(replayId);
          }}
        />
      ) : null}
      {replayed ? (
        <div className="replay-result">
          <div className="panel-toolbar">
            <h3 className="section-title">Replayed</h3>
            <button type="button" className="ghost" onClick={() => setReplayed(null)}>
              Close
            </button>
          </div>
          <ReplayCompare originalId={id} replayId={replayed} onOpenExchange={links.onOpenExchange} />
        </div>
      ) : null}
      <Tabs items={record.replayOf ? [...TABS, COMPARE_TAB] : TABS} selected={tab} onSelect={setTab} label="Exchange sections" idPrefix="detail" className="tabs sub-tabs" />
      <div className="detail-body" role="tabpanel" id={panelId('detail', tab)} aria-labelledby={tabId('detail', tab)} tabIndex={0}>
        {tab === 'summary' ? <SummaryPanel record={record} links={links} /> : null}
        {tab === 'request' ? <RequestPanel bodies={bodies} /> : null}
        {tab === 'forwarded' ? <ForwardedPanel bodies={bodies} /> : null}
        {tab === 'response' ? <ResponsePanel bodies={bodies} /> : null}
        {tab === 'headers' ? <HeadersPanel record={record} /> : null}
        {tab === 'compare' && record.replayOf ? <ReplayCompare originalId={record.replayOf} replayId={id} onOpenExchange={links.onOpenExchange} /> : null}
      </div>
    </article>
  );
}

/** curl sends the forwarded body, or the original when nothing was forwarded. */
function curlBodies(bodies: LazyBodies): BodyField[] {
  return bodies.bytes.forwardedBody > 0 ? ['forwardedBody'] : ['originalBody'];
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="kv">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The session and the turn this exchange is, e.g. "Explain the proxy · turn 3 of 10". */
function SessionLink({ sessionId, exchangeId, onOpen }: { sessionId: string; exchangeId: string; onOpen: DetailLinks['onOpenSession'] }) {
  const api = useApi();
  const session = useResource(() => api.getSession({ id: sessionId }), [api, sessionId]);
  const turns = session.data?.turnList;
  const index = turns ? turns.findIndex((t) => t.exchangeId === exchangeId) : -1;
  return (
    <a
      href={`#/sessions/${encodeURIComponent(sessionId)}/${encodeURIComponent(exchangeId)}`}
      data-testid="session-link"
      onClick={(e) => {
        if (!onOpen) return;
        e.preventDefault();
        onOpen(sessionId, exchangeId);
      }}
    >
      {session.data?.title ?? sessionId}
      {turns && index >= 0 ? ` · turn ${index + 1} of ${turns.length}` : ''}
    </a>
  );
}

function SummaryPanel({ record, links }: { record: ExchangeRecord; links: DetailLinks }) {
  const u = record.usage;
  const cost = estimateCost(record.model, u);
  const ratio = cacheHitRatio(u);
  return (
    <div className="summary">
      {record.error ? (
        <p className="callout error">
          <strong>Error</strong> {record.error}
        </p>
      ) : null}
      <dl className="kv-grid">
        <Field label="Model">{record.model ?? '—'}</Field>
        <Field label="Status">
          {record.status ?? '—'} <span className="muted">({record.outcome.replace('_', ' ')})</span>
        </Field>
        <Field label="Stop reason">{record.stopReason ?? '—'}</Field>
        <Field label="Started">{formatDateTime(record.startedAt)}</Field>
        <Field label="Time to first byte">{formatDuration(record.ttfbMs)}</Field>
        <Field label="Duration">{formatDuration(record.durationMs)}</Field>
        <Field label="Streamed">{record.stream ? 'yes' : 'no'}</Field>
        <Field label="API">{record.dialect === 'openai' ? 'OpenAI chat completions (translated)' : 'Anthropic Messages'}</Field>
        <Field label="Modifier">{record.modified ? 'appended your text' : 'no change'}</Field>
        <Field label="Client">{record.userAgent ?? '—'}</Field>
        <Field label="Session">{record.session ? <SessionLink sessionId={record.session} exchangeId={record.id} onOpen={links.onOpenSession} /> : '—'}</Field>
        {record.replayOf ? (
          <Field label="Replay of">
            <span data-testid="replay-of">
              <ExchangeLink id={record.replayOf} onOpen={links.onOpenExchange}>
                {record.replayOf}
              </ExchangeLink>
            </span>
          </Field>
        ) : null}
      </dl>
      <h3 className="section-title">Tokens</h3>
      {u ? (
        <dl className="kv-grid">
          <Field label="Input">{formatInteger(u.input)}</Field>
          <Field label="Output">{formatInteger(u.output)}</Field>
          <Field label="Cache read">{formatInteger(u.cacheRead)}</Field>
          <Field label="Cache write">{formatInteger(u.cacheCreation)}</Field>
          <Field label="Cache hits">{formatPercent(ratio)}</Field>
          <Field label="Estimated cost">
            {formatUsd(cost)}
            {cost === null ? <span className="muted"> (no price for this model)</span> : null}
          </Field>
        </dl>
      ) : (
        <p className="muted">No usage reported.</p>
      )}
    </div>
  );
}

function BodyJson({ bodies, field, what }: { bodies: LazyBodies; field: BodyField; what: string }) {
  if (bodies.bytes[field] === 0) return <p className="muted">No {what}.</p>;
  return (
    <BodyGate key={`json-${field}`} bodies={bodies} fields={[field]} what={what}>
      {() => <PrettyJson text={bodies.record[field] ?? ''} />}
    </BodyGate>
  );
}

function PrettyJson({ text }: { text: string }) {
  const pretty = useMemo(() => prettyJson(text), [text]);
  return <pre className="code">{pretty}</pre>;
}

function RequestPanel({ bodies }: { bodies: LazyBodies }) {
  const [mode, setMode] = useState<'rendered' | 'json'>('rendered');
  const bytes = bodies.bytes.originalBody;
  return (
    <div>
      <div className="panel-toolbar">
        <Segmented label="Request view" items={[{ id: 'rendered', label: 'Messages' }, { id: 'json', label: 'JSON' }]} selected={mode} onSelect={setMode} />
        <span className="muted">{formatBytes(bytes)} as sent by the client</span>
      </div>
      {mode === 'json' ? (
        <BodyJson bodies={bodies} field="originalBody" what="request body" />
      ) : (
        <BodyGate key="rendered-request" bodies={bodies} fields={['originalBody']} what="request body">
          {() => <RenderedRequest text={bodies.record.originalBody} />}
        </BodyGate>
      )}
    </div>
  );
}

function RenderedRequest({ text }: { text: string | null }) {
  const view = useMemo(() => requestView(text), [text]);
  if (!view) return text ? <pre className="code">{text}</pre> : <p className="muted">No request body.</p>;
  return (
    <div className="conversation">
      {view.params.length > 0 || view.tools.length > 0 ? (
        <div className="chips">
          {view.model ? <span className="chip">model: {view.model}</span> : null}
          {view.params.map(([k, v]) => (
            <span className="chip" key={k}>
              {k}: {v}
            </span>
          ))}
          {view.tools.length > 0 ? <span className="chip">tools: {view.tools.join(', ')}</span> : null}
        </div>
      ) : null}
      {view.system.length > 0 ? <Message message={{ role: 'system', blocks: view.system }} /> : null}
      {view.messages.map((m, i) => (
        <Message key={i} message={m} index={i} />
      ))}
    </div>
  );
}

/** Both bodies, for the diffs: the threshold covers the pair. */
const PAIR: readonly BodyField[] = ['originalBody', 'forwardedBody'];

function ForwardedPanel({ bodies }: { bodies: LazyBodies }) {
  const [whole, setWhole] = useState(false);
  const record = bodies.record;
  return (
    <div>
      <h3 className="section-title">What the modifier changed</h3>
      <BodyGate key="modifier-diff" bodies={bodies} fields={PAIR} what="request, as sent and as forwarded," limit={2 * SIZE_GATE_BYTES}>
        {() => <ModifierChangeOf original={record.originalBody} forwarded={record.forwardedBody} />}
      </BodyGate>
      {record.dialect === 'openai' ? <p className="muted">This OpenAI request was translated to the Anthropic Messages format before forwarding.</p> : null}
      <div className="panel-toolbar">
        <h3 className="section-title">Forwarded body</h3>
        <Segmented label="Forwarded view" items={[{ id: 'body', label: 'Body' }, { id: 'diff', label: 'Whole-body diff' }]} selected={whole ? 'diff' : 'body'} onSelect={(v) => setWhole(v === 'diff')} />
      </div>
      {whole ? (
        <BodyGate key="whole-diff" bodies={bodies} fields={PAIR} what="request, as sent and as forwarded," limit={2 * SIZE_GATE_BYTES}>
          {() => <WholeDiff original={record.originalBody} forwarded={record.forwardedBody} />}
        </BodyGate>
      ) : (
        <BodyJson bodies={bodies} field="forwardedBody" what="forwarded body" />
      )}
    </div>
  );
}

function WholeDiff({ original, forwarded }: { original: string | null; forwarded: string | null }) {
  const parts = useMemo(() => jsonDiff(original, forwarded), [original, forwarded]);
  return <DiffView parts={parts} className="diff code" />;
}

function ModifierChangeOf({ original, forwarded }: { original: string | null; forwarded: string | null }) {
  const diff = useMemo(() => modifierDiff(original, forwarded), [original, forwarded]);
  return <ModifierChange diff={diff} />;
}

function ModifierChange({ diff }: { diff: ReturnType<typeof modifierDiff> }) {
  if (diff.kind === 'unchanged') return <p className="muted">Forwarded unchanged: the modifier was off or empty for this request.</p>;
  if (diff.kind === 'unavailable') return <p className="muted">{diff.reason}</p>;
  return (
    <div className="modifier-change">
      <p className="muted">
        Appended to message {diff.messageIndex + 1} (the last user message). Inserted text is highlighted.
      </p>
      <div data-testid="modifier-diff">
        <DiffView parts={diff.parts} />
      </div>
    </div>
  );
}

function ResponsePanel({ bodies }: { bodies: LazyBodies }) {
  const [mode, setMode] = useState<'message' | 'raw' | 'json'>('message');
  const record = bodies.record;
  const rawBytes = bodies.bytes.responseBody;
  // A stream's message is its assembled JSON; any other response is its own body.
  const messageField: BodyField = bodies.bytes.assembled > 0 ? 'assembled' : 'responseBody';
  return (
    <div>
      <div className="panel-toolbar">
        <Segmented
          label="Response view"
          items={[
            { id: 'message', label: 'Message' },
            { id: 'raw', label: record.stream ? 'Raw SSE' : 'Raw' },
            { id: 'json', label: 'JSON' },
          ]}
          selected={mode}
          onSelect={setMode}
        />
        <span className="muted">
          {formatBytes(rawBytes)} received{record.responseTruncated ? ' (stored copy truncated)' : ''}
        </span>
      </div>
      {mode === 'message' ? (
        <BodyGate key="message" bodies={bodies} fields={[messageField]} what="response">
          {() => (
            <ResponseMessage
              assembled={record.assembled}
              responseBody={record.responseBody}
              role="assistant"
              empty={rawBytes > 0 ? 'The response is not a message; see Raw.' : 'No response was recorded.'}
              testId="assembled-message"
            />
          )}
        </BodyGate>
      ) : mode === 'raw' ? (
        rawBytes > 0 ? (
          <BodyGate key="raw" bodies={bodies} fields={['responseBody']} what="raw response">
            {() => <pre className="code">{record.responseBody}</pre>}
          </BodyGate>
        ) : (
          <p className="muted">No response body was stored.</p>
        )
      ) : (
        <BodyJson bodies={bodies} field={messageField} what="response" />
      )}
      {record.responseTruncated ? <p className="muted">The stored raw response was cut at the configured size limit; the client received all of it.</p> : null}
    </div>
  );
}

function HeaderTable({ title, headers }: { title: string; headers: Record<string, string> }) {
  const entries = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section>
      <h3 className="section-title">{title}</h3>
      {entries.length === 0 ? (
        <p className="muted">None recorded.</p>
      ) : (
        <table className="headers-table">
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HeadersPanel({ record }: { record: ExchangeRecord }) {
  return (
    <div>
      <p className="muted">Secrets (API keys, authorization, cookies) were redacted before storage.</p>
      <HeaderTable title="Request headers (from the client)" headers={record.requestHeaders} />
      <HeaderTable title="Response headers" headers={record.responseHeaders} />
    </div>
  );
}
