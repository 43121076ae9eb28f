import { useState, type ReactNode } from 'react';
import { formatBytes } from '../lib/format.js';

/** Bodies above this render only on request: a multi-megabyte <pre> stalls the page. */
export const SIZE_GATE_BYTES = 200 * 1024;

export function SizeGate({ bytes, what, children }: { bytes: number; what: string; children: () => ReactNode }) {
  const [shown, setShown] = useState(false);
  if (bytes <= SIZE_GATE_BYTES || shown) return <>{children()}</>;
  return (
    <div className="size-gate">
      <p>
        The {what} is {formatBytes(bytes)}. Large bodies are not rendered until you ask.
      </p>
      <button type="button" onClick={() => setShown(true)}>
        Show
      </button>
    </div>
  );
}
