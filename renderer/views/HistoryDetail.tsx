import { useMemo, useState } from 'react';
import type { ExchangeRecord } from '../../proxy/types.js';
import { useApi } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { Blocks, Message } from '../components/Blocks.js';
import { CopyButton } from '../components/CopyButton.js';
import { DiffView } from '../components/DiffView.js';
import { SizeGate } from '../components/SizeGate.js';
import { ErrorNotice, Loading, Empty } from '../components/States.js';
import { panelId, Segmented, tabId, Tabs } from '../components/Tabs.js';
import { useResource } from '../hooks/useResource.js';
import { requestView, responseView } from '../lib/blocks.js';
import { cacheHitRatio, estimateCost } from '../lib/cost.js';
import { buildCurl } from '../lib/curl.js';
import { jsonDiff, modifierDiff, prettyJson } from '../lib/diff.js';
import { byteLength, formatBytes, formatDateTime, formatDuration, formatInteger, formatPercent, formatUsd, statusTone } from '../lib/format.js';

type DetailTab = 'summary' | 'request' | 'forwarded' | 'response' | 'headers';
const TABS: Array<{ id: DetailTab; label: string }> = [
  { id: 'summary', label: 'Summary' },
  { id: 'request', label: 'Request' },
  { id: 'forwarded', label: 'Forwarded' },
  { id: 'response', label: 'Response' },
  { id: 'headers', label: 'Headers' },
];

export function HistoryDetail({ id, onDeleted }: { id: string; onDeleted: () => void }) {
  const api = useApi();
  const entry = useResource(() => api.getHistoryEntry({ id }), [api, id]);
  const status = useResource(() => api.getStatus(), [api]);
  const [tab, setTab] = useState<DetailTab>('summary');
  const [deleting, setDeleting] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  if (entry.loading && !entry.data) return <Loading label="Loading exchange…" />;
  if (entry.error) return <ErrorNotice title="Cannot load this exchange" error={entry.error} onRetry={entry.reload} />;
  const record = entry.data;
  if (!record) {
    return (
      <Empty title="This exchange is gone">
        <p>It was deleted or removed by the retention limits.</p>
      </Empty>
    );
  }

  const remove = async () => {
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
          <CopyButton label="Copy as curl" text={() => buildCurl(record, { baseUrl: upstream })} />
          <CopyButton label="Copy JSON" text={() => JSON.stringify(record, null, 2)} />
          <button type="button" className="danger-outline" onClick={remove} disabled={deleting}>
            Delete
          </button>
        </div>
        {actionError ? (
          <p className="inline-error" role="alert">
            {actionError}
          </p>
        ) : null}
      </header>
      <Tabs items={TABS} selected={tab} onSelect={setTab} label="Exchange sections" idPrefix="detail" className="tabs sub-tabs" />
      <div className="detail-body" role="tabpanel" id={panelId('detail', tab)} aria-labelledby={tabId('detail', tab)} tabIndex={0}>
        {tab === 'summary' ? <SummaryPanel record={record} /> : null}
        {tab === 'request' ? <RequestPanel record={record} /> : null}
        {tab === 'forwarded' ? <ForwardedPanel record={record} /> : null}
        {tab === 'response' ? <ResponsePanel record={record} /> : null}
        {tab === 'headers' ? <HeadersPanel record={record} /> : null}
      </div>
    </article>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="kv">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function SummaryPanel({ record }: { record: ExchangeRecord }) {
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

function BodyJson({ text, what }: { text: string | null; what: string }) {
  if (!text) return <p className="muted">No {what}.</p>;
  return <SizeGate bytes={byteLength(text)} what={what}>{() => <pre className="code">{prettyJson(text)}</pre>}</SizeGate>;
}

function RequestPanel({ record }: { record: ExchangeRecord }) {
  const [mode, setMode] = useState<'rendered' | 'json'>('rendered');
  const bytes = byteLength(record.originalBody);
  return (
    <div>
      <div className="panel-toolbar">
        <Segmented label="Request view" items={[{ id: 'rendered', label: 'Messages' }, { id: 'json', label: 'JSON' }]} selected={mode} onSelect={setMode} />
        <span className="muted">{formatBytes(bytes)} as sent by the client</span>
      </div>
      {mode === 'json' ? (
        <BodyJson text={record.originalBody} what="request body" />
      ) : (
        <SizeGate bytes={bytes} what="request body">
          {() => <RenderedRequest text={record.originalBody} />}
        </SizeGate>
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

function ForwardedPanel({ record }: { record: ExchangeRecord }) {
  const [whole, setWhole] = useState(false);
  const big = byteLength(record.originalBody) + byteLength(record.forwardedBody) > 2 * 200 * 1024;
  const diff = useMemo(() => (big ? null : modifierDiff(record.originalBody, record.forwardedBody)), [big, record.originalBody, record.forwardedBody]);
  return (
    <div>
      <h3 className="section-title">What the modifier changed</h3>
      {big ? (
        <SizeGate bytes={byteLength(record.forwardedBody)} what="forwarded body">
          {() => <ModifierChange diff={modifierDiff(record.originalBody, record.forwardedBody)} />}
        </SizeGate>
      ) : diff ? (
        <ModifierChange diff={diff} />
      ) : null}
      {record.dialect === 'openai' ? <p className="muted">This OpenAI request was translated to the Anthropic Messages format before forwarding.</p> : null}
      <div className="panel-toolbar">
        <h3 className="section-title">Forwarded body</h3>
        <Segmented label="Forwarded view" items={[{ id: 'body', label: 'Body' }, { id: 'diff', label: 'Whole-body diff' }]} selected={whole ? 'diff' : 'body'} onSelect={(v) => setWhole(v === 'diff')} />
      </div>
      {whole ? (
        <SizeGate bytes={byteLength(record.forwardedBody)} what="forwarded body">
          {() => <DiffView parts={jsonDiff(record.originalBody, record.forwardedBody)} className="diff code" />}
        </SizeGate>
      ) : (
        <BodyJson text={record.forwardedBody} what="forwarded body" />
      )}
    </div>
  );
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

function ResponsePanel({ record }: { record: ExchangeRecord }) {
  const [mode, setMode] = useState<'message' | 'raw' | 'json'>('message');
  const rawBytes = byteLength(record.responseBody);
  const messageBytes = byteLength(record.assembled) || rawBytes;
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
        <SizeGate bytes={messageBytes} what="response">
          {() => <AssembledMessage record={record} />}
        </SizeGate>
      ) : mode === 'raw' ? (
        record.responseBody ? (
          <SizeGate bytes={rawBytes} what="raw response">
            {() => <pre className="code">{record.responseBody}</pre>}
          </SizeGate>
        ) : (
          <p className="muted">No response body was stored.</p>
        )
      ) : (
        <BodyJson text={record.assembled ?? record.responseBody} what="response" />
      )}
      {record.responseTruncated ? <p className="muted">The stored raw response was cut at the configured size limit; the client received all of it.</p> : null}
    </div>
  );
}

function AssembledMessage({ record }: { record: ExchangeRecord }) {
  const view = useMemo(() => responseView(record.assembled, record.responseBody), [record.assembled, record.responseBody]);
  if (!view) return <p className="muted">{record.responseBody ? 'The response is not a message; see Raw.' : 'No response was recorded.'}</p>;
  if (view.error) {
    return (
      <p className="callout error">
        <strong>{view.error.type}</strong> {view.error.message}
      </p>
    );
  }
  return (
    <div>
      <div className="message role-assistant" data-testid="assembled-message">
        <div className="message-role">assistant{view.stopReason ? <span className="muted"> · stop: {view.stopReason}</span> : null}</div>
        <div className="message-body">
          <Blocks blocks={view.blocks} />
        </div>
      </div>
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
