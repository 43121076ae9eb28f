import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';

interface Scroller {
  scrollToIndex(index: number, options?: { align?: 'auto' | 'start' | 'center' | 'end' }): void;
}

/**
 * Keyboard navigation for a virtualized list: one row is in the Tab order; Up/Down,
 * Page Up/Down, Home and End move focus (scrolling the row into existence first) and
 * Enter or Space activates it.
 */
export function useRovingList(options: { count: number; container: RefObject<HTMLElement | null>; scroller: Scroller; onActivate: (index: number) => void; page?: number }) {
  const { count, container, scroller, onActivate, page = 10 } = options;
  const [active, setActive] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const clamped = count === 0 ? 0 : Math.min(active, count - 1);

  const focusRow = useCallback(
    (index: number, attempts = 5) => {
      const el = container.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
      if (el) {
        el.focus({ preventScroll: true });
        pendingFocus.current = null;
      } else if (attempts > 0) {
        requestAnimationFrame(() => focusRow(index, attempts - 1));
      }
    },
    [container],
  );

  useEffect(() => {
    if (pendingFocus.current !== null) focusRow(pendingFocus.current);
  });

  const moveTo = (index: number) => {
    if (count === 0) return;
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    scroller.scrollToIndex(next, { align: 'auto' });
    pendingFocus.current = next;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // Keys typed into a control inside a row belong to that control.
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, button:not([data-index])')) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(clamped + 1),
      ArrowUp: () => moveTo(clamped - 1),
      PageDown: () => moveTo(clamped + page),
      PageUp: () => moveTo(clamped - page),
      Home: () => moveTo(0),
      End: () => moveTo(count - 1),
      Enter: () => onActivate(clamped),
      ' ': () => onActivate(clamped),
    };
    const action = keys[event.key];
    if (!action || count === 0) return;
    event.preventDefault();
    action();
  };

  const rowProps = (index: number) => ({
    'data-index': index,
    tabIndex: index === clamped ? 0 : -1,
    onFocus: () => setActive(index),
  });

  return { active: clamped, setActive, onKeyDown, rowProps };
}
