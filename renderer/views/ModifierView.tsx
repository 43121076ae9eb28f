import { useEffect, useId, useMemo, useState } from 'react';
import type { PublicSettings } from '../../proxy/contract/operations.js';
import { useApi } from '../api/context.js';
import { errorMessage } from '../api/errors.js';
import { DiffView } from '../components/DiffView.js';
import { ErrorNotice, Loading } from '../components/States.js';
import { Segmented } from '../components/Tabs.js';
import { useResource } from '../hooks/useResource.js';
import { formatInteger } from '../lib/format.js';
import { isOverridden, overrideNote } from '../lib/overrides.js';
import { previewModifier, type SampleKind } from '../lib/preview.js';

export function ModifierView() {
  const api = useApi();
  const settings = useResource(() => api.getSettings(), [api]);
  if (settings.error && !settings.data) return <ErrorNotice title="Cannot load the modifier" error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Loading label="Loading the modifier…" />;
  return <ModifierEditor initial={settings.data} />;
}

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: number } | { kind: 'error'; message: string };

function ModifierEditor({ initial }: { initial: PublicSettings }) {
  const api = useApi();
  const [saved, setSaved] = useState({ text: initial.modifierText, enabled: initial.modifierEnabled });
  const [text, setText] = useState(initial.modifierText);
  const [enabled, setEnabled] = useState(initial.modifierEnabled);
  const [sample, setSample] = useState<SampleKind>('string');
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const hintId = useId();
  const dirty = text !== saved.text || enabled !== saved.enabled;
  const preview = useMemo(() => previewModifier(sample, text, enabled), [sample, text, enabled]);
  const fromFlag = (s: PublicSettings): boolean => isOverridden(s.overridden, 'modifierText') || isOverridden(s.overridden, 'modifierEnabled');
  // Where the text comes from changes on save: from then on it is the dashboard's.
  const [overridden, setOverridden] = useState(() => fromFlag(initial));

  useEffect(() => {
    if (dirty && save.kind === 'saved') setSave({ kind: 'idle' });
  }, [dirty, save.kind]);

  const onSave = async () => {
    setSave({ kind: 'saving' });
    try {
      const next = await api.updateSettings({ modifierText: text, modifierEnabled: enabled });
      setSaved({ text: next.modifierText, enabled: next.modifierEnabled });
      setText(next.modifierText);
      setEnabled(next.modifierEnabled);
      setOverridden(fromFlag(next));
      setSave({ kind: 'saved', at: Date.now() });
    } catch (err) {
      setSave({ kind: 'error', message: errorMessage(err) });
    }
  };

  const statusText =
    save.kind === 'saving' ? 'Saving…' : save.kind === 'saved' ? 'Saved. New requests carry this text.' : dirty ? 'Unsaved changes' : 'No changes';

  return (
    <div className="view modifier-view">
      <section className="panel editor">
        <h2 className="panel-title">Appended text</h2>
        <p className="muted" id={hintId}>
          Added to the end of the last user message of every Messages request. It is appended exactly as typed: start with a space or a blank line to set it apart.
        </p>
        {overridden ? <p className="callout">{overrideNote('modifierText')}</p> : null}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void onSave();
          }}
        >
          <label className="field">
            <span>Appended text</span>
            <textarea
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={10}
              spellCheck
              aria-describedby={hintId}
              placeholder="e.g. Answer concisely and cite file paths."
              onKeyDown={(e) => {
                if ((e.ctrlKey || e.metaKey) && e.key === 's') {
                  e.preventDefault();
                  void onSave();
                }
              }}
            />
          </label>
          <div className="editor-meta muted">
            {formatInteger(text.length)} characters{text !== text.trimStart() ? ' · starts with whitespace' : ''}
          </div>
          <label className="switch">
            <input type="checkbox" role="switch" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            <span>Enabled</span>
          </label>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={!dirty || save.kind === 'saving'}>
              Save
            </button>
            <button
              type="button"
              className="ghost"
              disabled={!dirty || save.kind === 'saving'}
              onClick={() => {
                setText(saved.text);
                setEnabled(saved.enabled);
              }}
            >
              Revert
            </button>
            <span role="status" className={save.kind === 'saved' ? 'save-status ok' : 'save-status'}>
              {statusText}
            </span>
          </div>
          {save.kind === 'error' ? (
            <p className="inline-error" role="alert">
              Not saved: {save.message}
            </p>
          ) : null}
        </form>
      </section>
      <section className="panel preview" aria-labelledby="modifier-preview-title">
        <div className="panel-toolbar">
          <h2 className="panel-title" id="modifier-preview-title">
            Preview
          </h2>
          <Segmented
            label="Sample request"
            items={[
              { id: 'string', label: 'Text message' },
              { id: 'blocks', label: 'Content blocks' },
            ]}
            selected={sample}
            onSelect={setSample}
          />
        </div>
        <p className="muted">
          The proxy's own modifier applied to a sample conversation{dirty ? ' (with your unsaved edits)' : ''}. This is the last user message as it would be forwarded.
        </p>
        <div data-testid="modifier-preview" className="preview-box">
          <div className="message role-user">
            <div className="message-role">user · message {preview.messageIndex + 1}</div>
            <div className="message-body">
              <DiffView parts={preview.parts} />
            </div>
          </div>
          <p className="preview-note">
            {preview.modified ? 'Highlighted text is what Addendum adds.' : enabled ? 'Nothing is appended while the text is empty.' : 'The modifier is off: requests are forwarded unchanged.'}
          </p>
        </div>
        <details>
          <summary>Forwarded JSON of this message</summary>
          <pre className="code">{preview.forwardedJson}</pre>
        </details>
      </section>
    </div>
  );
}
