export interface Throttled {
  (): void;
  cancel(): void;
}

/**
 * Runs `fn` at once, then at most once per `ms` while calls keep coming, with a final
 * trailing run so the last change is never lost (e.g. refreshing counts after a burst).
 */
export function throttle(fn: () => void, ms: number, timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  const run = () => {
    last = Date.now();
    pending = false;
    fn();
  };
  const throttled = (() => {
    const wait = last + ms - Date.now();
    if (wait <= 0 && timer === null) {
      run();
      return;
    }
    pending = true;
    if (timer === null) {
      timer = timers.setTimeout(() => {
        timer = null;
        if (pending) run();
      }, Math.max(0, wait));
    }
  }) as Throttled;
  throttled.cancel = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    pending = false;
  };
  return throttled;
}
