/**
 * The main thread's side of the writer worker. `add` posts the record and returns; every
 * message that changes the database stays in an outbox until the worker confirms it, so a
 * worker that dies is restarted and sent the outbox again, in order, and nothing queued is
 * lost (a record the dead worker had committed is ignored on resend: ids are unique).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RetentionSettings } from '../contract/types.js';
import { deserializeError, HistoryError } from './errors.js';
import type { Change, FromWorker, QueuedRecord, ToWorker, WorkerInit, WriteOp } from './protocol.js';

/** Records held while no writer is running are capped; beyond this the oldest are dropped (and reported).
 * A running writer is not capped: its messages are already in flight, and a burst must not lose rows. */
const MAX_OUTBOX_CHARS = 256 * 1024 * 1024;
/**
 * Past this backlog (the writer is slower than traffic, e.g. a burst of 100 KB prompts),
 * new rows are still written but without their bodies, so memory stays bounded while the
 * history keeps every exchange's timings, status and usage. The placeholder says why.
 */
export const SHED_BODIES_ABOVE_CHARS = 64 * 1024 * 1024;
export const SHED_BODY_TEXT = '[not stored: the history writer was overloaded when this exchange finished]';
const RESTART_MAX_DELAY_MS = 5_000;
/** close() waits this long for queued records before giving up on them. */
const CLOSE_FLUSH_TIMEOUT_MS = 30_000;
const CLOSE_EXIT_TIMEOUT_MS = 5_000;

type Pending = Extract<ToWorker, { seq: number }>;

export interface WriterClientOptions extends WorkerInit {
  onError: (err: Error) => void;
  onChange: (change: Change) => void;
}

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

function approxChars(message: Pending): number {
  if (message.t !== 'add') return 64;
  const r = message.record;
  return 1024 + (r.originalBody?.length ?? 0) + (r.forwardedBody?.length ?? 0) + (r.responseBody?.length ?? 0) + (r.assembled?.length ?? 0);
}

export class WriterClient {
  readonly #options: WriterClientOptions;
  #retention: RetentionSettings;
  #worker: Worker | null = null;
  #workerFailed = false;
  #restartTimer: NodeJS.Timeout | null = null;
  #consecutiveFailures = 0;
  #referenced = true;

  /** Unconfirmed messages by seq; Map iteration order is seq order. */
  readonly #outbox = new Map<number, Pending>();
  #outboxChars = 0;
  #seq = 0;
  readonly #flushWaiters: Array<{ upTo: number; resolve: () => void }> = [];
  readonly #opWaiters = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** Set by close(): adds are refused. */
  #closed = false;
  /** Set once close() has flushed: the worker's exit is expected, not restarted. */
  #stopping = false;
  #closePromise: Promise<void> | null = null;

  private constructor(options: WriterClientOptions) {
    this.#options = options;
    this.#retention = options.retention;
  }

  /** Resolves once the worker has opened (and migrated) the database; rejects with its typed error. */
  static async start(options: WriterClientOptions): Promise<WriterClient> {
    const client = new WriterClient(options);
    await client.#spawnFirst();
    return client;
  }

  /** For tests: the live worker, to simulate a crash. */
  get worker(): Worker | null {
    return this.#worker;
  }

  add(record: QueuedRecord): void {
    if (this.#closed) {
      this.#report(new HistoryError('HISTORY_CLOSED', `History is closed; exchange ${record?.id} was not stored.`));
      return;
    }
    const message: Pending = { t: 'add', seq: this.#seq + 1, record: this.#shedIfOverloaded(record) };
    if (this.#worker && !this.#post(this.#worker, message)) return;
    this.#enqueue(message);
  }

  #shedding = false;

  #shedIfOverloaded(record: QueuedRecord): QueuedRecord {
    if (this.#outboxChars <= SHED_BODIES_ABOVE_CHARS) {
      this.#shedding = false;
      return record;
    }
    if (!this.#shedding) {
      this.#shedding = true;
      this.#report(
        new HistoryError(
          'HISTORY_WRITE_FAILED',
          `History writer is ${Math.round(this.#outboxChars / 1048576)} MB behind; exchanges are recorded without bodies until it catches up.`,
        ),
      );
    }
    const shed = (body: QueuedRecord['originalBody']): QueuedRecord['originalBody'] => (body === null ? null : SHED_BODY_TEXT);
    return {
      ...record,
      originalBody: shed(record.originalBody),
      forwardedBody: shed(record.forwardedBody),
      responseBody: shed(record.responseBody),
      assembled: null,
      responseTruncated: record.responseBody !== null || record.responseTruncated,
    };
  }

  request(op: WriteOp): Promise<unknown> {
    if (this.#closed) return Promise.reject(new HistoryError('HISTORY_CLOSED', 'History is closed.'));
    if (op.kind === 'retention') this.#retention = op.retention;
    const message: Pending = { t: 'op', seq: this.#seq + 1, op };
    return new Promise((resolve, reject) => {
      this.#opWaiters.set(message.seq, { resolve, reject });
      if (this.#worker) this.#worker.postMessage(message);
      this.#enqueue(message);
    });
  }

  /** Applies from the next batch on, and prunes at once; a failure is reported, not thrown. */
  setRetention(retention: RetentionSettings): void {
    this.request({ kind: 'retention', retention: { ...retention } }).catch((err: unknown) =>
      this.#report(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Resolves when everything sent before the call is committed (or reported as failed). */
  flush(): Promise<void> {
    const upTo = this.#seq;
    if (this.#oldestPending() > upTo) return Promise.resolve();
    return new Promise((resolve) => {
      this.#flushWaiters.push({ upTo, resolve });
      this.#worker?.postMessage({ t: 'flush' } satisfies ToWorker);
      this.#updateRef();
    });
  }

  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((r) => (timer = setTimeout(r, CLOSE_FLUSH_TIMEOUT_MS)))]);
    clearTimeout(timer);
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const worker = this.#worker;
    if (worker) {
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ t: 'close' } satisfies ToWorker);
      const exitTimer = setTimeout(() => void worker.terminate(), CLOSE_EXIT_TIMEOUT_MS);
      await exited;
      clearTimeout(exitTimer);
    }
    this.#worker = null;
    const lost = [...this.#outbox.values()].filter((m) => m.t === 'add').length;
    if (lost > 0) {
      this.#report(new HistoryError('HISTORY_WRITE_FAILED', `History closed with ${lost} exchange(s) not written.`));
    }
    for (const waiter of this.#opWaiters.values()) waiter.reject(new HistoryError('HISTORY_CLOSED', 'History was closed.'));
    this.#opWaiters.clear();
    this.#outbox.clear();
    this.#outboxChars = 0;
    for (const waiter of this.#flushWaiters.splice(0)) waiter.resolve();
  }

  #enqueue(message: Pending): void {
    this.#seq = message.seq;
    this.#outbox.set(message.seq, message);
    this.#outboxChars += approxChars(message);
    this.#trimOutbox();
    this.#updateRef();
  }

  #trimOutbox(): void {
    if (this.#worker) return;
    while (this.#outboxChars > MAX_OUTBOX_CHARS && this.#outbox.size > 1) this.#dropOldest();
  }

  #dropOldest(): void {
    const [seq, message] = this.#outbox.entries().next().value as [number, Pending];
    this.#confirm(seq, seq);
    if (message.t === 'add') {
      this.#report(new HistoryError('HISTORY_WRITE_FAILED', `History writer is not keeping up; exchange ${message.record.id} was dropped.`));
    } else {
      this.#settleOp(seq, undefined, new HistoryError('HISTORY_WRITE_FAILED', 'History writer is not keeping up; operation dropped.'));
    }
  }

  /** Posts one message; a record that cannot be cloned is reported and dropped. */
  #post(worker: Worker, message: Pending): boolean {
    try {
      worker.postMessage(message);
      return true;
    } catch (err) {
      const id = message.t === 'add' ? message.record?.id : message.op.kind;
      this.#report(new HistoryError('HISTORY_WRITE_FAILED', `Exchange ${id} cannot be stored: ${(err as Error).message}`, { cause: err }));
      return false;
    }
  }

  #oldestPending(): number {
    for (const seq of this.#outbox.keys()) return seq;
    return Infinity;
  }

  /** Removes confirmed messages `from..upTo` and wakes the flushes they were holding up. */
  #confirm(from: number, upTo: number): void {
    for (const [seq, message] of this.#outbox) {
      if (seq > upTo) break;
      if (seq < from) continue;
      this.#outbox.delete(seq);
      this.#outboxChars -= approxChars(message);
    }
    const oldest = this.#oldestPending();
    for (let i = this.#flushWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#flushWaiters[i]!;
      if (waiter.upTo < oldest) {
        this.#flushWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
    this.#updateRef();
  }

  #settleOp(seq: number, value: unknown, error?: Error): void {
    const waiter = this.#opWaiters.get(seq);
    if (!waiter) return;
    this.#opWaiters.delete(seq);
    if (error) waiter.reject(error);
    else waiter.resolve(value);
  }

  /** Keep the process alive only while work is outstanding, so a host that forgets close() can still exit. */
  #updateRef(force = false): void {
    const busy = this.#outbox.size > 0 || this.#flushWaiters.length > 0 || this.#opWaiters.size > 0;
    if (!force && busy === this.#referenced) return;
    this.#referenced = busy;
    if (busy) this.#worker?.ref();
    else this.#worker?.unref();
  }

  #report(err: Error): void {
    try {
      this.#options.onError(err);
    } catch {
      // A failing logger must not break the writer.
    }
  }

  #emit(change: Change): void {
    try {
      this.#options.onChange(change);
    } catch (err) {
      this.#report(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #createWorker(): Worker {
    const entry = workerEntry();
    const init: WorkerInit = {
      file: this.#options.file,
      retention: this.#retention,
      ...(this.#options.nativeBinding ? { nativeBinding: this.#options.nativeBinding } : {}),
    };
    // The CommonJS bootstrap must not inherit flags such as --input-type=module.
    return new Worker(entry.target, { workerData: init, eval: entry.eval, ...(entry.eval ? { execArgv: [] } : {}) });
  }

  #spawnFirst(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = this.#createWorker();
      const detach = (): void => {
        // Only our own listeners: Worker keeps internal ones that deliver messages.
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const fail = (err: HistoryError): void => {
        detach();
        this.#closed = true;
        this.#stopping = true;
        void worker.terminate();
        reject(err);
      };
      const onMessage = (message: FromWorker): void => {
        if (message.t === 'ready') {
          detach();
          this.#adopt(worker);
          resolve();
        } else if (message.t === 'fatal') {
          fail(deserializeError(message.error, 'HISTORY_OPEN_FAILED'));
        }
      };
      const onError = (err: Error): void =>
        fail(new HistoryError('HISTORY_OPEN_FAILED', `History writer failed to start: ${err.message}`, { cause: err }));
      const onExit = (code: number): void =>
        fail(new HistoryError('HISTORY_OPEN_FAILED', `History writer exited during start (code ${code}).`));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** Wires a started worker and sends it everything still unconfirmed. */
  #adopt(worker: Worker): void {
    this.#worker = worker;
    this.#workerFailed = false;
    worker.on('message', (message: FromWorker) => this.#onMessage(worker, message));
    worker.on('error', (err) => this.#onWorkerError(worker, err));
    worker.on('exit', (code) => this.#onExit(worker, code));
    this.#updateRef(true);
    for (const message of [...this.#outbox.values()]) {
      if (!this.#post(worker, message)) this.#confirm(message.seq, message.seq);
    }
    if (this.#flushWaiters.length > 0) worker.postMessage({ t: 'flush' } satisfies ToWorker);
  }

  #onMessage(worker: Worker, message: FromWorker): void {
    if (worker !== this.#worker) return;
    switch (message.t) {
      case 'ready':
        this.#consecutiveFailures = 0;
        break;
      case 'committed':
        this.#confirm(0, message.upTo);
        this.#reportFailures(message.failures);
        if (message.ids.length) this.#emit({ kind: 'added', ids: message.ids });
        if (message.pruned.length) this.#emit({ kind: 'deleted', ids: message.pruned });
        break;
      case 'result':
        this.#confirm(0, message.seq);
        this.#settleOp(message.seq, message.value, message.error && deserializeError(message.error, 'HISTORY_WRITE_FAILED'));
        for (const change of message.changes) this.#emit(change);
        break;
      case 'warning':
        this.#report(deserializeError(message.error, 'HISTORY_WRITE_FAILED'));
        break;
      case 'fatal':
        this.#workerFailed = true;
        this.#report(deserializeError(message.error, 'HISTORY_WORKER_FAILED'));
        break;
      case 'closed':
        break;
    }
  }

  /** One report per distinct reason: a failed batch must not flood the log with 200 lines. */
  #reportFailures(failures: Array<{ id: string; message: string }>): void {
    const byReason = new Map<string, string[]>();
    for (const f of failures) byReason.set(f.message, [...(byReason.get(f.message) ?? []), f.id]);
    for (const [reason, ids] of byReason) {
      const shown = ids.slice(0, 3).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '');
      this.#report(new HistoryError('HISTORY_WRITE_FAILED', `Exchange ${shown} not stored: ${reason}`));
    }
  }

  #onWorkerError(worker: Worker, err: Error): void {
    if (worker !== this.#worker) return;
    this.#workerFailed = true;
    this.#report(new HistoryError('HISTORY_WORKER_FAILED', `History writer crashed: ${err.message}; restarting it.`, { cause: err }));
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    if (this.#stopping) return;
    this.#trimOutbox();
    if (!this.#workerFailed) {
      this.#report(new HistoryError('HISTORY_WORKER_FAILED', `History writer stopped unexpectedly (exit code ${code}); restarting it.`));
    }
    this.#consecutiveFailures++;
    // Immediate after a one-off crash; backing off when the database keeps failing to open.
    const delay = this.#consecutiveFailures <= 1 ? 0 : Math.min(RESTART_MAX_DELAY_MS, 100 * 2 ** (this.#consecutiveFailures - 2));
    this.#restartTimer = setTimeout(() => this.#restart(), delay);
    if (!this.#referenced) this.#restartTimer.unref();
  }

  #restart(): void {
    this.#restartTimer = null;
    if (this.#stopping) return;
    const worker = this.#createWorker();
    this.#adopt(worker);
  }
}
