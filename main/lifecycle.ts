import type { App } from 'electron';

/**
 * App lifecycle: one instance per user, and a quit that always ends. Quitting stops the
 * proxy and closes the history before the process exits, but never waits longer than a
 * fixed budget: a stuck upstream stream must not turn "Quit" into a hung app.
 */

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
  /** This step's own cap, so a slow step leaves time for the ones after it. */
  timeoutMs?: number;
}

export interface ShutdownReport {
  /** Steps that threw; shutdown carries on past them. */
  failed: Array<{ name: string; error: unknown }>;
  /** Steps still running when their time ran out, plus steps never started for lack of time. */
  timedOut: string[];
}

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * Runs the steps in order within one overall budget; each step is also held to its own
 * cap. A step that fails or overruns does not stop the later ones (closing the history
 * still matters after a stuck proxy stop). Resolves, never rejects.
 */
export async function boundedShutdown(
  steps: readonly ShutdownStep[],
  budgetMs: number,
  clock: Clock = systemClock,
): Promise<ShutdownReport> {
  const report: ShutdownReport = { failed: [], timedOut: [] };
  const deadline = clock.now() + budgetMs;
  for (const step of steps) {
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      report.timedOut.push(step.name);
      continue;
    }
    const limit = Math.min(remaining, step.timeoutMs ?? remaining);
    let handle: unknown = null;
    const outcome = await Promise.race([
      Promise.resolve()
        .then(step.run)
        .then(
          () => 'done' as const,
          (error: unknown) => {
            report.failed.push({ name: step.name, error });
            return 'failed' as const;
          },
        ),
      new Promise<'timeout'>((resolve) => {
        handle = clock.setTimeout(() => resolve('timeout'), limit);
      }),
    ]);
    clock.clearTimeout(handle);
    if (outcome === 'timeout') report.timedOut.push(step.name);
  }
  return report;
}

export type QuitPhase = 'running' | 'shutting-down' | 'done';

/**
 * What `before-quit` does in each phase: the first quit request is held back while the
 * shutdown runs, repeated requests (Cmd+Q twice, tray + OS logout) wait for the same
 * shutdown, and the final exit goes through.
 */
export function beforeQuitAction(phase: QuitPhase): 'start-shutdown' | 'wait' | 'allow' {
  if (phase === 'running') return 'start-shutdown';
  return phase === 'shutting-down' ? 'wait' : 'allow';
}

export interface QuitController {
  /** True from the first quit request on: the window then really closes instead of hiding. */
  isQuitting(): boolean;
  quit(): void;
}

export function setupQuit(
  app: Pick<App, 'on' | 'quit' | 'exit'>,
  shutdown: () => Promise<ShutdownReport>,
  log: (message: string) => void = (m) => console.error(m),
): QuitController {
  let phase: QuitPhase = 'running';
  app.on('before-quit', (event) => {
    const action = beforeQuitAction(phase);
    if (action === 'allow') return;
    event.preventDefault();
    if (action === 'wait') return;
    phase = 'shutting-down';
    void shutdown().then((report) => {
      for (const f of report.failed) log(`Shutdown step "${f.name}" failed: ${String(f.error)}`);
      for (const name of report.timedOut) log(`Shutdown step "${name}" did not finish in time; exiting anyway.`);
      phase = 'done';
      // exit() skips another before-quit round and closes windows without their close handlers.
      app.exit(report.failed.length > 0 || report.timedOut.length > 0 ? 1 : 0);
    });
  });
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  return {
    isQuitting: () => phase !== 'running',
    quit: () => app.quit(),
  };
}

/**
 * Holds the single-instance lock. Returns false when another instance has it: the caller
 * quits at once, and that instance (told through `second-instance`) brings its window up.
 */
export function setupSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'on'>,
  onSecondInstance: (argv: string[]) => void,
): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv) => onSecondInstance(argv));
  return true;
}

/** Start in the tray without opening the window; login items pass it (main/login-item.ts). */
export const HIDDEN_FLAG = '--hidden';

export interface LaunchFlags {
  /** Start in the tray without opening the window (for "open at login"). */
  hidden: boolean;
}

export function parseLaunchFlags(argv: readonly string[]): LaunchFlags {
  return { hidden: argv.includes(HIDDEN_FLAG) };
}
