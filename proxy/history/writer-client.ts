/**
 * The main thread's side of the writer worker. `add` posts the record and returns; every
 * message that changes the database stays in an outbox until the worker confirms it, so a
 * worker that dies is restarted and sent the outbox again, in order, and nothing queued is
 * lost (a record the dead worker had committed is ignored on resend: ids are unique).
 */
import type { Worker } from 'node:worker_threads';
import type { RetentionSettings } from '../contract/types.js';
import { asError, deserializeError, HistoryError } from './errors.js';
import { Outbox, type Pending } from './outbox.js';
import type { Change, FromWorker, QueuedRecord, ToWorker, WorkerInit, WriteOp } from './protocol.js';
import type { MigrationStatus } from './session-types.js';
import { Shedder } from './shedding.js';
import { failureLines, firstStart, restartDelay, startWorker } from './worker-entry.js';

/** Records held while no writer is running are capped; beyond this the oldest are dropped (and reported).
 * A running writer is not capped: its messages are already in flight, and a burst must not lose rows. */
const MAX_OUTBOX_CHARS = 256 * 1024 * 1024;
/** close() waits this long for queued records before giving up on them. */
const CLOSE_FLUSH_TIMEOUT_MS = 30_000;
const CLOSE_EXIT_TIMEOUT_MS = 5_000;

export interface WriterClientOptions extends WorkerInit {
  onError: (err: Error) => void;
  onChange: (change: Change) => void;
  onMigration?: (status: MigrationStatus, message: string) => void;
}

export class WriterClient {
  readonly #options: WriterClientOptions;
  #retention: RetentionSettings;
  #worker: Worker | null = null;
  #workerFailed = false;
  #restartTimer: NodeJS.Timeout | null = null;
  #consecutiveFailures = 0;
  #referenced = true;

  readonly #outbox = new Outbox();
  readonly #shedder = new Shedder();
  #migration: MigrationStatus = { state: 'idle', rowsDone: 0, rowsTotal: 0, bytesFreed: 0 };

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
    const shed = this.#shedder.apply(record, this.#outbox.chars);
    if (shed.started) this.#report(new HistoryError('HISTORY_WRITE_FAILED', shed.started));
    const message: Pending = { t: 'add', seq: this.#outbox.nextSeq(), record: shed.record };
    if (this.#worker && !this.#post(this.#worker, message)) return;
    this.#enqueue(message);
  }

  get migrationStatus(): MigrationStatus {
    return { ...this.#migration };
  }

  request(op: WriteOp): Promise<unknown> {
    if (this.#closed) return Promise.reject(new HistoryError('HISTORY_CLOSED', 'History is closed.'));
    if (op.kind === 'retention') this.#retention = op.retention;
    const message: Pending = { t: 'op', seq: this.#outbox.nextSeq(), op };
    return new Promise((resolve, reject) => {
      this.#outbox.awaitResult(message.seq, { resolve, reject });
      if (this.#worker) this.#worker.postMessage(message);
      this.#enqueue(message);
    });
  }

  /** Applies from the next batch on, and prunes at once; a failure is reported, not thrown. */
  setRetention(retention: RetentionSettings): void {
    this.request({ kind: 'retention', retention: { ...retention } }).catch((err: unknown) => this.#report(asError(err)));
  }

  /** Resolves when everything sent before is committed (or reported as failed) and searchable: an index operation runs after both. */
  flush(): Promise<void> {
    if (!this.#closed) return this.request({ kind: 'index' }).then(() => undefined, (err: unknown) => this.#report(asError(err)));
    const waiting = this.#outbox.waitFor(this.#outbox.lastSeq());
    if (waiting === null) return Promise.resolve();
    this.#worker?.postMessage({ t: 'flush' } satisfies ToWorker);
    this.#updateRef();
    return waiting;
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
    const lost = this.#outbox.values().filter((m) => m.t === 'add').length;
    if (lost > 0) {
      this.#report(new HistoryError('HISTORY_WRITE_FAILED', `History closed with ${lost} exchange(s) not written.`));
    }
    this.#outbox.rejectResults(new HistoryError('HISTORY_CLOSED', 'History was closed.'));
    this.#outbox.clear();
  }

  #enqueue(message: Pending): void {
    this.#outbox.add(message);
    this.#trimOutbox();
    this.#updateRef();
  }

  #trimOutbox(): void {
    if (this.#worker) return;
    while (this.#outbox.chars > MAX_OUTBOX_CHARS && this.#outbox.size > 1) this.#dropOldest();
  }

  #dropOldest(): void {
    const message = this.#outbox.oldest()!;
    const seq = message.seq;
    this.#confirm(seq, seq);
    if (message.t === 'add') {
      this.#report(new HistoryError('HISTORY_WRITE_FAILED', `History writer is not keeping up; exchange ${message.record.id} was dropped.`));
    } else {
      this.#outbox.settle(seq, undefined, new HistoryError('HISTORY_WRITE_FAILED', 'History writer is not keeping up; operation dropped.'));
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

  #confirm(from: number, upTo: number): void {
    this.#outbox.confirm(from, upTo);
    this.#updateRef();
  }

  /** Keep the process alive only while work is outstanding, so a host that forgets close() can still exit. */
  #updateRef(force = false): void {
    const busy = this.#outbox.busy;
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
      this.#report(asError(err));
    }
  }

  #createWorker(): Worker {
    return startWorker({
      file: this.#options.file,
      retention: this.#retention,
      ...(this.#options.nativeBinding ? { nativeBinding: this.#options.nativeBinding } : {}),
    });
  }

  async #spawnFirst(): Promise<void> {
    try {
      this.#adopt(await firstStart(this.#createWorker()));
    } catch (err) {
      this.#closed = true;
      this.#stopping = true;
      throw err;
    }
  }

  /** Wires a started worker and sends it everything still unconfirmed. */
  #adopt(worker: Worker): void {
    this.#worker = worker;
    this.#workerFailed = false;
    worker.on('message', (message: FromWorker) => this.#onMessage(worker, message));
    worker.on('error', (err) => this.#onWorkerError(worker, err));
    worker.on('exit', (code) => this.#onExit(worker, code));
    this.#updateRef(true);
    for (const message of this.#outbox.values()) {
      if (!this.#post(worker, message)) this.#confirm(message.seq, message.seq);
    }
    if (this.#outbox.waiting > 0) worker.postMessage({ t: 'flush' } satisfies ToWorker);
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
        this.#outbox.settle(message.seq, message.value, message.error && deserializeError(message.error, 'HISTORY_WRITE_FAILED'));
        for (const change of message.changes) this.#emit(change);
        break;
      case 'warning':
        this.#report(deserializeError(message.error, 'HISTORY_WRITE_FAILED'));
        break;
      case 'migration':
        this.#migration = message.status;
        try {
          this.#options.onMigration?.(message.status, message.message);
        } catch (err) {
          this.#report(asError(err));
        }
        break;
      case 'fatal':
        this.#workerFailed = true;
        this.#report(deserializeError(message.error, 'HISTORY_WORKER_FAILED'));
        break;
      case 'closed':
        break;
    }
  }

  #reportFailures(failures: Array<{ id: string; message: string }>): void {
    for (const line of failureLines(failures)) this.#report(new HistoryError('HISTORY_WRITE_FAILED', line));
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
    this.#restartTimer = setTimeout(() => this.#restart(), restartDelay(this.#consecutiveFailures));
    if (!this.#referenced) this.#restartTimer.unref();
  }

  #restart(): void {
    this.#restartTimer = null;
    if (this.#stopping) return;
    const worker = this.#createWorker();
    this.#adopt(worker);
  }
}
