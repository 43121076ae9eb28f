import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { throttle } from './throttle.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('runs at once, then once more after a burst', () => {
  const fn = vi.fn();
  const t = throttle(fn, 1000);
  t();
  expect(fn).toHaveBeenCalledTimes(1);
  t();
  t();
  t();
  expect(fn).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(1000);
  expect(fn).toHaveBeenCalledTimes(2);
  vi.advanceTimersByTime(5000);
  expect(fn).toHaveBeenCalledTimes(2);
});

it('runs immediately again once the interval has passed', () => {
  const fn = vi.fn();
  const t = throttle(fn, 1000);
  t();
  vi.advanceTimersByTime(1500);
  t();
  expect(fn).toHaveBeenCalledTimes(2);
});

it('cancel drops the trailing run', () => {
  const fn = vi.fn();
  const t = throttle(fn, 1000);
  t();
  t();
  t.cancel();
  vi.advanceTimersByTime(2000);
  expect(fn).toHaveBeenCalledTimes(1);
});
