import { useId, useState, type ReactNode } from 'react';
import type { PublicSettings, SettingsPatch } from '../../proxy/contract/operations.js';
import { useApi } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { ErrorNotice, Loading } from '../components/States.js';
import { useResource } from '../hooks/useResource.js';
import { formatInteger } from '../lib/format.js';
import { isOverridden, overrideNote } from '../lib/overrides.js';
import { buildSettingsPatch, formFromSettings, keyStateText, type FormErrors, type SettingsForm } from '../lib/validate.js';

export function SettingsView() {
  const api = useApi();
  const settings = useResource(() => api.getSettings(), [api]);
  if (settings.error && !settings.data) return <ErrorNotice title="Cannot load the settings" error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Loading label="Loading settings…" />;
  return <SettingsPanels initial={settings.data} />;
}

function SettingsPanels({ initial }: { initial: PublicSettings }) {
  const [settings, setSettings] = useState(initial);
  return (
    <div className="view settings-view">
      <div className="settings-scroll">
        <ApiKeySection settings={settings} onChange={setSettings} />
        <ProxySection settings={settings} onChange={setSettings} />
        <DangerSection />
      </div>
    </div>
  );
}

function OverrideNote({ settings, field }: { settings: PublicSettings; field: keyof SettingsPatch }) {
  if (!isOverridden(settings.overridden, field)) return null;
  return <p className="override-note">{overrideNote(field)}</p>;
}

function ApiKeySection({ settings, onChange }: { settings: PublicSettings; onChange: (s: PublicSettings) => void }) {
  const api = useApi();
  // The typed key lives only in this input until it is sent; it is never read back.
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const hint = useId();

  const send = async (apiKey: string | null) => {
    setBusy(true);
    setMessage(null);
    try {
      const next = await api.updateSettings({ apiKey });
      setKey('');
      onChange(next);
      setMessage({ ok: true, text: apiKey === null ? 'Key cleared.' : 'Key saved.' });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel">
      <h2 className="panel-title">
        Anthropic API key
      </h2>
      <p className="muted" id={hint}>
        When a key is stored, Addendum sends it upstream in place of the credentials each client sends. Without one, every client's own key passes through. The key can be replaced or cleared, never displayed.
      </p>
      <div className="key-state">
        Current key: <strong data-testid="api-key-state">{keyStateText(settings.apiKey)}</strong>
      </div>
      <OverrideNote settings={settings} field="apiKey" />
      <form
        className="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim() !== '') void send(key.trim());
        }}
      >
        <label className="field grow">
          <span>API key</span>
          <input
            type="password"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder={settings.apiKey.set ? 'Enter a new key to replace the stored one' : 'sk-ant-…'}
            aria-describedby={hint}
          />
        </label>
        <button type="submit" className="primary" disabled={busy || key.trim() === ''}>
          Save key
        </button>
        <button type="button" className="danger-outline" disabled={busy || !settings.apiKey.set} onClick={() => void send(null)}>
          Clear key
        </button>
      </form>
      {message ? (
        message.ok ? (
          <p className="save-status ok" role="status">
            {message.text}
          </p>
        ) : (
          <p className="inline-error" role="alert">
            {message.text}
          </p>
        )
      ) : null}
    </section>
  );
}

function TextField(props: {
  label: string;
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
  inputMode?: 'numeric' | 'decimal' | 'url';
  hint?: ReactNode;
  override?: ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field-block">
      <label className="field">
        <span>{props.label}</span>
        <input
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          inputMode={props.inputMode}
          spellCheck={false}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy}
        />
      </label>
      {props.hint ? (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.override}
      {props.error ? (
        <p className="inline-error" id={errorId} role="alert">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

function ProxySection({ settings, onChange }: { settings: PublicSettings; onChange: (s: PublicSettings) => void }) {
  const api = useApi();
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(settings));
  const [errors, setErrors] = useState<FormErrors>({});
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; text: string }>({ kind: 'idle' });

  const set = (field: keyof SettingsForm) => (value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
    if (state.kind !== 'saving') setState({ kind: 'idle' });
  };

  const save = async () => {
    const { patch, errors: found } = buildSettingsPatch(form, settings);
    setErrors(found);
    if (Object.values(found).some(Boolean)) {
      setState({ kind: 'idle' });
      return;
    }
    if (Object.keys(patch).length === 0) {
      setState({ kind: 'saved' });
      return;
    }
    setState({ kind: 'saving' });
    try {
      const next = await api.updateSettings(patch);
      onChange(next);
      setForm(formFromSettings(next));
      setState({ kind: 'saved' });
    } catch (err) {
      setState({ kind: 'error', text: errorMessage(err) });
    }
  };

  const restartNote = 'Applies the next time the proxy starts (Stop, then Start, in the header).';

  return (
    <section className="panel">
      <h2 className="panel-title">
        Proxy and history
      </h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="form-grid">
          <TextField
            label="Upstream URL"
            value={form.upstreamUrl}
            error={errors.upstreamUrl}
            onChange={set('upstreamUrl')}
            inputMode="url"
            hint={restartNote}
            override={<OverrideNote settings={settings} field="upstreamUrl" />}
          />
          <TextField
            label="Port"
            value={form.port}
            error={errors.port}
            onChange={set('port')}
            inputMode="numeric"
            hint={`1 to 65535. ${restartNote}`}
            override={<OverrideNote settings={settings} field="port" />}
          />
          <TextField
            label="Max rows"
            value={form.maxRows}
            error={errors.maxRows}
            onChange={set('maxRows')}
            inputMode="numeric"
            hint={`History keeps at most this many exchanges (now ${formatInteger(settings.retention.maxRows)}).`}
            override={<OverrideNote settings={settings} field="retention" />}
          />
          <TextField
            label="Max age (days)"
            value={form.maxAgeDays}
            error={errors.maxAgeDays}
            onChange={set('maxAgeDays')}
            inputMode="decimal"
            hint="Older exchanges are deleted."
          />
          <TextField
            label="Max size (MiB)"
            value={form.maxDbMb}
            error={errors.maxDbMb}
            onChange={set('maxDbMb')}
            inputMode="numeric"
            hint="The oldest exchanges are deleted when the history file grows past this."
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={state.kind === 'saving'}>
            Save settings
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setForm(formFromSettings(settings));
              setErrors({});
              setState({ kind: 'idle' });
            }}
          >
            Revert
          </button>
          {state.kind === 'saving' || state.kind === 'saved' ? (
            <span className={state.kind === 'saved' ? 'save-status ok' : 'save-status'} role="status">
              {state.kind === 'saving' ? 'Saving…' : 'Saved'}
            </span>
          ) : null}
        </div>
        {state.kind === 'error' ? (
          <p className="inline-error" role="alert">
            Not saved: {state.text}
          </p>
        ) : null}
      </form>
    </section>
  );
}

function DangerSection() {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const clear = async () => {
    setConfirming(false);
    try {
      const { deleted } = await api.clearHistory();
      setResult({ ok: true, text: `Deleted ${formatInteger(deleted)} exchanges.` });
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) });
    }
  };
  return (
    <section className="panel">
      <h2 className="panel-title">
        History data
      </h2>
      <p className="muted">Removes every stored exchange, bodies included. This cannot be undone.</p>
      <div className="form-actions">
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={() => void clear()}>
              Yes, clear all history
            </button>
            <button type="button" className="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
            Clear history…
          </button>
        )}
        {result ? (
          <span className={result.ok ? 'save-status ok' : 'inline-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </span>
        ) : null}
      </div>
    </section>
  );
}
