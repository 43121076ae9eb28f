/**
 * jsdom has no layout: every element measures 0×0, so a virtualized list would render no
 * rows at all. Give elements a viewport-sized box (what a browser window would) and clean
 * the DOM between tests (vitest runs without globals, so Testing Library cannot hook in).
 */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 900 });

afterEach(() => cleanup());

/** A clipboard that records what the page copied. */
export function installClipboard(): string[] {
  const writes: string[] = [];
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: async (text: string) => void writes.push(text) },
  });
  return writes;
}
