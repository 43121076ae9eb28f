import { describe, expect, it, vi } from 'vitest';
import {
  beforeQuitAction,
  boundedShutdown,
  parseLaunchFlags,
  setupQuit,
  setupSingleInstance,
  type Clock,
  type ShutdownReport,
} from './lifecycle.js';

/** A clock whose time moves only when the test says so. */
function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const [id, t] of [...timers]) {
      if (t.at <= now) {
        timers.delete(id);
        t.fn();
      }
    }
    // Let every promise chain the fired timers unblocked run to its next wait.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return { clock, advance, pending: () => timers.size, setNow: (t: number) => (now = t) };
}

describe('boundedShutdown', () => {
  it('runs every step in order', async () => {
    const order: string[] = [];
    const step = (name: string) => ({ name, run: async () => void order.push(name) });
    const report = await boundedShutdown([step('stop proxy'), step('close history')], 5000, manualClock().clock);
    expect(order).toEqual(['stop proxy', 'close history']);
    expect(report).toEqual({ failed: [], timedOut: [] });
  });

  it('carries on after a step that fails', async () => {
    const closeHistory = vi.fn(async () => undefined);
    const report = await boundedShutdown(
      [
        { name: 'stop proxy', run: async () => Promise.reject(new Error('boom')) },
        { name: 'close history', run: closeHistory },
      ],
      5000,
      manualClock().clock,
    );
    expect(closeHistory).toHaveBeenCalled();
    expect(report.failed).toEqual([{ name: 'stop proxy', error: new Error('boom') }]);
    expect(report.timedOut).toEqual([]);
  });

  it('gives up on a step that never ends once the budget is spent', async () => {
    const { clock, advance, pending } = manualClock();
    const closeHistory = vi.fn(async () => undefined);
    let settled: ShutdownReport | null = null;
    void boundedShutdown(
      [
        { name: 'stop proxy', run: () => new Promise<void>(() => undefined) },
        { name: 'close history', run: closeHistory },
      ],
      3000,
      clock,
    ).then((r) => (settled = r));

    await advance(2999);
    expect(settled).toBeNull();
    await advance(1);
    expect(settled).toEqual({ failed: [], timedOut: ['stop proxy', 'close history'] });
    expect(closeHistory).not.toHaveBeenCalled();
    expect(pending()).toBe(0);
  });

  it('caps a slow step so the next one still runs', async () => {
    const { clock, advance } = manualClock();
    const closeHistory = vi.fn(async () => undefined);
    let settled: ShutdownReport | null = null;
    void boundedShutdown(
      [
        { name: 'stop proxy', run: () => new Promise<void>(() => undefined), timeoutMs: 1000 },
        { name: 'close history', run: closeHistory },
      ],
      5000,
      clock,
    ).then((r) => (settled = r));

    await advance(1000);
    expect(closeHistory).toHaveBeenCalledOnce();
    expect(settled).toEqual({ failed: [], timedOut: ['stop proxy'] });
  });

  it('shares one budget across steps', async () => {
    const { clock, setNow } = manualClock();
    const closeHistory = vi.fn(async () => undefined);
    const report = await boundedShutdown(
      [
        { name: 'stop proxy', run: async () => void setNow(5000) },
        { name: 'close history', run: closeHistory },
      ],
      5000,
      clock,
    );
    expect(report.timedOut).toEqual(['close history']);
    expect(closeHistory).not.toHaveBeenCalled();
  });

  it('counts a step that throws synchronously as failed', async () => {
    const report = await boundedShutdown(
      [{ name: 'remove tray', run: () => { throw new Error('gone'); } }],
      1000,
      manualClock().clock,
    );
    expect(report.failed).toEqual([{ name: 'remove tray', error: new Error('gone') }]);
  });
});

describe('beforeQuitAction', () => {
  it('holds the first quit, makes repeats wait, lets the final exit through', () => {
    expect(beforeQuitAction('running')).toBe('start-shutdown');
    expect(beforeQuitAction('shutting-down')).toBe('wait');
    expect(beforeQuitAction('done')).toBe('allow');
  });
});

function fakeApp() {
  const handlers: Record<string, Array<(...args: unknown[]) => void>> = {};
  return {
    handlers,
    on: vi.fn((name: string, fn: (...args: unknown[]) => void) => {
      (handlers[name] ??= []).push(fn);
    }),
    quit: vi.fn(),
    exit: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    emit(name: string, ...args: unknown[]) {
      for (const fn of handlers[name] ?? []) fn(...args);
    },
  };
}

describe('setupQuit', () => {
  it('runs the shutdown once, then exits', async () => {
    const app = fakeApp();
    let finish!: (r: ShutdownReport) => void;
    const shutdown = vi.fn(() => new Promise<ShutdownReport>((resolve) => (finish = resolve)));
    const quit = setupQuit(app as never, shutdown, () => undefined);
    expect(quit.isQuitting()).toBe(false);

    const first = { preventDefault: vi.fn() };
    app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(quit.isQuitting()).toBe(true);

    const second = { preventDefault: vi.fn() };
    app.emit('before-quit', second);
    expect(second.preventDefault).toHaveBeenCalled();
    expect(shutdown).toHaveBeenCalledOnce();
    expect(app.exit).not.toHaveBeenCalled();

    finish({ failed: [], timedOut: [] });
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0));
  });

  it('exits non-zero and logs when a step failed or timed out', async () => {
    const app = fakeApp();
    const log = vi.fn();
    setupQuit(app as never, async () => ({ failed: [], timedOut: ['stop proxy'] }), log);
    app.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('stop proxy'));
  });

  it('keeps running when the last window closes (tray app)', () => {
    const app = fakeApp();
    setupQuit(app as never, async () => ({ failed: [], timedOut: [] }));
    app.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
    expect(app.handlers['window-all-closed']).toHaveLength(1);
  });
});

describe('setupSingleInstance', () => {
  it('refuses to run a second instance', () => {
    const app = fakeApp();
    app.requestSingleInstanceLock.mockReturnValue(false);
    const onSecond = vi.fn();
    expect(setupSingleInstance(app as never, onSecond)).toBe(false);
    expect(app.handlers['second-instance']).toBeUndefined();
  });

  it('tells the first instance when another launch happens', () => {
    const app = fakeApp();
    const onSecond = vi.fn();
    expect(setupSingleInstance(app as never, onSecond)).toBe(true);
    app.emit('second-instance', {}, ['/usr/bin/addendum', '--hidden'], '/home/me');
    expect(onSecond).toHaveBeenCalledWith(['/usr/bin/addendum', '--hidden']);
  });
});

describe('parseLaunchFlags', () => {
  it('starts hidden only when asked', () => {
    expect(parseLaunchFlags(['electron', 'dist/main/index.js'])).toEqual({ hidden: false });
    expect(parseLaunchFlags(['Addendum', '--hidden'])).toEqual({ hidden: true });
  });
});
