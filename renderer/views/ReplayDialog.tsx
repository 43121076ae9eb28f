import { useEffect, useId, useMemo, useState } from 'react';
import { replayCredentials } from '../../proxy/contract/credentials.js';
import { useApi } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { Segmented } from '../components/Tabs.js';
import type { LazyBodies } from '../hooks/useLazyBodies.js';
import { useResource } from '../hooks/useResource.js';
import { formatBytes } from '../lib/format.js';
import { checkJson, formatJson, sameJson } from '../lib/replay.js';

type BodyMode = 'original' | 'edited';

/**
 * Asks before a replay (it costs tokens), says which credentials it will use, and lets the
 * reader send the stored bytes or an edited copy, with or without the modifier.
 */
export function ReplayDialog({ bodies, onClose, onReplayed }: { bodies: LazyBodies; onClose: () => void; onReplayed: (exchangeId: string) => void }) {
  const api = useApi();
  const record = bodies.record;
  const titleId = useId();
  const settings = useResource(() => api.getSettings(), [api]);
  const status = useResource(() => api.getStatus(), [api]);
  const [mode, setMode] = useState<BodyMode>('original');
  const [text, setText] = useState<string | null>(null);
  const [modifier, setModifier] = useState<boolean | null>(null);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const modifierOn = status.data?.modifierOn ?? false;
  const applyModifier = modifier ?? modifierOn;

  // The editor starts from the body as the client sent it, fetched in full if it was left out.
  useEffect(() => {
    if (mode !== 'edited' || text !== null) return;
    bodies.complete(['originalBody']).then(
      (full) => setText(formatJson(full.originalBody ?? '') ?? full.originalBody ?? ''),
      (err: unknown) => setLoadError(`Cannot load the request body: ${errorMessage(err)}`),
    );
  }, [mode, text, bodies]);

  const check = useMemo(() => (mode === 'edited' && text !== null ? checkJson(text) : null), [mode, text]);
  const credentials = settings.data ? replayCredentials(record.requestHeaders, settings.data.apiKey) : null;
  const upstream = status.data?.upstreamUrl ?? 'upstream';
  const stopped = status.data ? !status.data.running : false;
  const blocked = credentials !== null && !credentials.ok;
  const invalid = check !== null && !check.ok;
  const canSend = credentials !== null && !blocked && !invalid && !stopped && !sending && (mode === 'original' || text !== null);

  const send = async () => {
    setSending(true);
    setSendError(null);
    try {
      // An editor left as it was sends the stored bytes, not a re-serialization of them.
      const edited = mode === 'edited' && text !== null && !sameJson(text, record.originalBody) ? text : undefined;
      const { exchangeId } = await api.replayExchange({ id: record.id, modifier: applyModifier, ...(edited !== undefined ? { body: edited } : {}) });
      onReplayed(exchangeId);
    } catch (err) {
      setSendError(errorMessage(err));
      setSending(false);
    }
  };

  return (
    <section className="replay-dialog" role="dialog" aria-modal="false" aria-labelledby={titleId} data-testid="replay-dialog">
      <h3 className="section-title" id={titleId}>
        Replay this exchange
      </h3>
      <div className="panel-toolbar">
        <Segmented
          label="Replay body"
          items={[
            { id: 'original', label: 'As sent' },
            { id: 'edited', label: 'Edit JSON' },
          ]}
          selected={mode}
          onSelect={setMode}
        />
        <span className="muted">
          {mode === 'original' ? `the stored original bytes (${formatBytes(bodies.bytes.originalBody)})` : 'edit the request, then send it'} to {record.method} {record.path}
        </span>
      </div>
      {mode === 'edited' ? (
        <div className="replay-editor">
          {loadError ? (
            <p className="inline-error" role="alert">
              {loadError}
            </p>
          ) : text === null ? (
            <p className="muted">Loading the request body…</p>
          ) : (
            <>
              <textarea
                aria-label="Request body (JSON)"
                aria-invalid={invalid}
                spellCheck={false}
                value={text}
                onChange={(e) => setText(e.target.value)}
                rows={16}
              />
              <div className="replay-editor-bar">
                <span className={check?.ok ? 'json-ok' : 'json-error'} role="status" data-testid="json-check">
                  {check?.ok ? 'Valid JSON' : check && !check.ok ? `Not JSON${check.line !== null ? ` (line ${check.line}, column ${check.column})` : ''}: ${check.message}` : ''}
                </span>
                <button type="button" className="ghost" disabled={!check?.ok} onClick={() => setText(formatJson(text) ?? text)}>
                  Format
                </button>
              </div>
            </>
          )}
        </div>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={applyModifier} disabled={!modifierOn} onChange={(e) => setModifier(e.target.checked)} />
        Apply the modifier{modifierOn ? '' : ' (it is off in the Modifier view)'}
      </label>
      {blocked ? (
        <p className="callout error" role="alert" data-testid="replay-credentials">
          <strong>Cannot replay.</strong> {credentials.description}
        </p>
      ) : (
        <p className="callout" data-testid="replay-credentials">
          Replay sends this request to {upstream} again, through the proxy, and costs tokens. It will use{' '}
          <strong>{credentials ? credentials.description : '…'}</strong>.
        </p>
      )}
      {stopped ? <p className="inline-error">The proxy is stopped; start it to replay.</p> : null}
      {sendError ? (
        <p className="inline-error" role="alert">
          Replay failed: {sendError}
        </p>
      ) : null}
      <div className="replay-actions">
        <button type="button" className="primary" disabled={!canSend} onClick={() => void send()}>
          {sending ? 'Sending…' : 'Send replay'}
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
    </section>
  );
}
