import { useState, type ReactNode } from 'react';
import type { BodyField } from '../../proxy/contract/operations.js';
import { errorMessage } from '../api/errors.js';
import type { LazyBodies } from '../hooks/useLazyBodies.js';
import { formatBytes } from '../lib/format.js';

/** Bodies above this stay on the host until asked for (the detail view passes it as
 * `maxBodyBytes`), and render only on request: a multi-megabyte <pre> stalls the page. */
export const SIZE_GATE_BYTES = 200 * 1024;

/**
 * Renders `children` once the bodies it shows are here and small enough. A body the host
 * left out gets a Load button (nothing is downloaded before it is pressed); a large body
 * already here (fetched for another view, or by a host that sent everything) gets Show.
 */
export function BodyGate({
  bodies,
  fields,
  what,
  limit = SIZE_GATE_BYTES,
  children,
}: {
  bodies: LazyBodies;
  fields: readonly BodyField[];
  what: string;
  /** Combined size above which rendering waits for the reader. */
  limit?: number;
  children: () => ReactNode;
}) {
  const [shown, setShown] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stored = fields.filter((f) => bodies.bytes[f] > 0);
  const total = stored.reduce((sum, f) => sum + bodies.bytes[f], 0);
  const missing = stored.filter((f) => bodies.isMissing(f));

  if (missing.length === 0) {
    if (stored.some((f) => bodies.isGone(f))) {
      return <p className="muted">The {what} is no longer stored: this exchange was deleted.</p>;
    }
    if (total <= limit || shown || stored.every((f) => bodies.isRequested(f))) return <>{children()}</>;
    return (
      <div className="size-gate">
        <p>
          The {what} is {formatBytes(total)}. Large bodies are not rendered until you ask.
        </p>
        <button type="button" onClick={() => setShown(true)}>
          Show
        </button>
      </div>
    );
  }

  const missingBytes = missing.reduce((sum, f) => sum + bodies.bytes[f], 0);
  const load = async () => {
    setLoading(true);
    setError(null);
    try {
      // All of them: pressing Load is asking to see the whole view, not only its missing part.
      await bodies.load(stored);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };
  return (
    <div className="size-gate">
      <p>
        The {what} is {formatBytes(total)}. Large bodies load only when you ask.
      </p>
      <button type="button" onClick={load} disabled={loading} aria-busy={loading}>
        {loading ? 'Loading…' : `Load (${formatBytes(missingBytes)})`}
      </button>
      {error ? (
        <p className="inline-error" role="alert">
          Loading failed: {errorMessage(error)}
        </p>
      ) : null}
    </div>
  );
}
