import { useMemo } from 'react';
import type { ExchangeDetail } from '../../proxy/contract/operations.js';
import { useApi } from '../api/context.js';
import { ResponseMessage } from '../components/Blocks.js';
import { DiffView } from '../components/DiffView.js';
import { SIZE_GATE_BYTES } from '../components/SizeGate.js';
import { ErrorNotice, Loading } from '../components/States.js';
import { useResource } from '../hooks/useResource.js';
import { jsonDiff, prettyJson } from '../lib/diff.js';
import { formatBytes, formatDuration, formatInteger, statusTone } from '../lib/format.js';
import { sameJson } from '../lib/replay.js';

/** A link to another exchange: the host's navigation when it gives one, else the hash route. */
export function ExchangeLink({ id, onOpen, children }: { id: string; onOpen?: ((id: string) => void) | undefined; children: React.ReactNode }) {
  return (
    <a
      href={`#/history/${encodeURIComponent(id)}`}
      onClick={(e) => {
        if (!onOpen) return;
        e.preventDefault();
        onOpen(id);
      }}
    >
      {children}
    </a>
  );
}

/** The original and its replay side by side: what each sent and what came back. */
export function ReplayCompare({ originalId, replayId, onOpenExchange }: { originalId: string; replayId: string; onOpenExchange?: ((id: string) => void) | undefined }) {
  const api = useApi();
  const pair = useResource(
    () => Promise.all([api.getHistoryEntry({ id: originalId, maxBodyBytes: SIZE_GATE_BYTES }), api.getHistoryEntry({ id: replayId, maxBodyBytes: SIZE_GATE_BYTES })]),
    [api, originalId, replayId],
  );
  if (pair.loading && !pair.data) return <Loading label="Loading the replay…" />;
  if (pair.error) return <ErrorNotice title="Cannot load the replay" error={pair.error} onRetry={pair.reload} />;
  const [original, replay] = pair.data ?? [null, null];
  return (
    <section className="replay-compare" data-testid="replay-compare" aria-label="Original and replay side by side">
      <div className="replay-columns">
        <Side title="Original" id={originalId} detail={original} onOpen={onOpenExchange} />
        <Side title="Replay" id={replayId} detail={replay} onOpen={onOpenExchange} />
      </div>
      {original && replay ? <RequestChange original={original} replay={replay} /> : null}
    </section>
  );
}

function RequestChange({ original, replay }: { original: ExchangeDetail; replay: ExchangeDetail }) {
  const a = original.originalBody;
  const b = replay.originalBody;
  const parts = useMemo(() => (a !== null && b !== null && !sameJson(b, a) ? jsonDiff(a, b) : null), [a, b]);
  if (a === null || b === null) return <p className="muted">One of the request bodies is large; open the exchanges to compare them.</p>;
  if (parts === null) return <p className="muted" data-testid="replay-same-request">The replay sent the same request body as the original.</p>;
  return (
    <div data-testid="replay-request-diff">
      <h4 className="section-title">What the replay sent differently</h4>
      <DiffView parts={parts} className="diff code" />
    </div>
  );
}

function Side({ title, id, detail, onOpen }: { title: string; id: string; detail: ExchangeDetail | null; onOpen?: ((id: string) => void) | undefined }) {
  if (!detail) {
    return (
      <div className="replay-side">
        <h4 className="section-title">{title}</h4>
        <p className="muted">Exchange {id} is no longer in the history.</p>
      </div>
    );
  }
  const u = detail.usage;
  return (
    <div className="replay-side" data-testid={`replay-side-${title.toLowerCase()}`}>
      <h4 className="section-title">
        {title} <ExchangeLink id={id} onOpen={onOpen}>{id}</ExchangeLink>
      </h4>
      <p>
        <span className={`status-badge tone-${statusTone(detail.status, detail.outcome)}`}>{detail.status ?? detail.outcome}</span>{' '}
        <span className="muted">
          {detail.model ?? '—'} · {formatDuration(detail.durationMs)} · in {formatInteger(u?.input)} / out {formatInteger(u?.output)} · cache read {formatInteger(u?.cacheRead)}
          {detail.modified ? ' · modifier applied' : ''}
        </span>
      </p>
      <ResponseMessage
        assembled={detail.assembled}
        responseBody={detail.responseBody}
        role="answer"
        empty={detail.omitted.length > 0 ? 'Large answer: open the exchange to load it.' : 'No answer was recorded.'}
      />
      <details>
        <summary>Request body ({formatBytes(detail.bodyBytes.originalBody)})</summary>
        {detail.originalBody === null ? <p className="muted">Large body: open the exchange to load it.</p> : <pre className="code">{prettyJson(detail.originalBody)}</pre>}
      </details>
    </div>
  );
}
