import { useEffect, useRef, useState } from 'react';
import { copyText } from '../lib/browser.js';

/** A button whose label briefly confirms the copy; the accessible name stays stable so
 * tests and screen readers find it by what it does. `text` may have to fetch first (a
 * body the page has not loaded); a failed fetch reads as a failed copy. */
export function CopyButton({ label, text, className }: { label: string; text: () => string | Promise<string>; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const onClick = async () => {
    try {
      await copyText(await text());
      setState('copied');
    } catch {
      setState('failed');
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 1800);
  };

  return (
    <span className="copy">
      <button type="button" className={className} onClick={onClick} aria-label={label}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {state === 'copied' ? 'Copied to the clipboard' : state === 'failed' ? 'Copy failed' : ''}
      </span>
    </span>
  );
}
