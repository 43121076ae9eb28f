/** How the writer worker thread is started, in built JavaScript and under vitest. */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deserializeError, HistoryError } from './errors.js';
import type { FromWorker, WorkerInit } from './protocol.js';

/**
 * Built JavaScript (`node dist/...`, Electron) starts the .js sibling directly. Under
 * vitest the modules are TypeScript sources, and on Node 20 a worker ignores loader hooks
 * given by `--import` (ESM hooks in workers arrive in Node 22), so the .ts worker is
 * started through tsx's require hook instead, from a one-line CommonJS bootstrap.
 */
export function workerEntry(moduleUrl: string = import.meta.url): { target: URL | string; eval: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { target: new URL('./writer-worker.js', moduleUrl), eval: false };
  const tsx = createRequire(moduleUrl).resolve('tsx/cjs');
  const file = fileURLToPath(new URL('./writer-worker.ts', moduleUrl));
  return { target: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, eval: true };
}

export function startWorker(init: WorkerInit): Worker {
  const entry = workerEntry();
  // The CommonJS bootstrap must not inherit flags such as --input-type=module.
  return new Worker(entry.target, { workerData: init, eval: entry.eval, ...(entry.eval ? { execArgv: [] } : {}) });
}

/** Immediate after a one-off crash; backing off when the database keeps failing to open. Pure. */
export function restartDelay(consecutiveFailures: number, maxMs = 5_000): number {
  return consecutiveFailures <= 1 ? 0 : Math.min(maxMs, 100 * 2 ** (consecutiveFailures - 2));
}

/** Resolves with the worker once it has opened (and migrated) the database; rejects with its typed error. */
export function firstStart(worker: Worker): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const detach = (): void => {
      // Only our own listeners: Worker keeps internal ones that deliver messages.
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const fail = (err: HistoryError): void => {
      detach();
      void worker.terminate();
      reject(err);
    };
    const onMessage = (message: FromWorker): void => {
      if (message.t === 'ready') {
        detach();
        resolve(worker);
      } else if (message.t === 'fatal') {
        fail(deserializeError(message.error, 'HISTORY_OPEN_FAILED'));
      }
    };
    const onError = (err: Error): void =>
      fail(new HistoryError('HISTORY_OPEN_FAILED', `History writer failed to start: ${err.message}`, { cause: err }));
    const onExit = (code: number): void => fail(new HistoryError('HISTORY_OPEN_FAILED', `History writer exited during start (code ${code}).`));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** One line per distinct reason: a failed batch must not flood the log with 200 lines. Pure. */
export function failureLines(failures: ReadonlyArray<{ id: string; message: string }>): string[] {
  const byReason = new Map<string, string[]>();
  for (const f of failures) byReason.set(f.message, [...(byReason.get(f.message) ?? []), f.id]);
  return [...byReason].map(([reason, ids]) => {
    const shown = ids.slice(0, 3).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '');
    return `Exchange ${shown} not stored: ${reason}`;
  });
}
