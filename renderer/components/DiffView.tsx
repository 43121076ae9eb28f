import type { DiffPart } from '../lib/diff.js';

/** Inline diff: insertions in <ins>, removals in <del>, so the change is readable without
 * colour and testable by element. */
export function DiffView({ parts, className = 'diff' }: { parts: readonly DiffPart[]; className?: string }) {
  return (
    <pre className={className}>
      {parts.map((p, i) =>
        p.kind === 'added' ? <ins key={i}>{p.text}</ins> : p.kind === 'removed' ? <del key={i}>{p.text}</del> : <span key={i}>{p.text}</span>,
      )}
    </pre>
  );
}
