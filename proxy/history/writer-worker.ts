/**
 * The writer thread: owns the only writable connection, so a stream on the main thread
 * never waits for SQLite. Records arrive one message each and are committed in batches;
 * operations (delete, clear, retention) first commit what is queued so order is kept.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from './errors.js';
import type { Change, FromWorker, QueuedRecord, ToWorker, WorkerInit, WriteOp } from './protocol.js';
import { migrationMessage, RowConverter } from './migrate-rows.js';
import { openWriteDatabase, type Db } from './schema.js';
import { recordChars } from './shedding.js';
import { HistoryWriter } from './writer.js';
import { lowerThreadPriority } from './thread-priority.js';

/** A batch is committed after this delay, or sooner when it reaches one of the sizes below. */
const BATCH_DELAY_MS = 25;
const BATCH_MAX_RECORDS = 200;
/** Keeps one transaction (and the WAL) reasonable when bodies are megabytes each. */
const BATCH_MAX_CHARS = 8 * 1024 * 1024;
/** Parts and rows waiting for the full-text indexes are indexed this long after the first of them, unless a batch's worth gathers first. */
const INDEX_DELAY_MS = 1000;

if (!parentPort) throw new Error('writer-worker must run as a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;
const post = (message: FromWorker): void => port.postMessage(message);
lowerThreadPriority();

function open(): { db: Db; writer: HistoryWriter } | null {
  try {
    const db = openWriteDatabase(init.file, init.nativeBinding ? { nativeBinding: init.nativeBinding } : {});
    return { db, writer: new HistoryWriter(db, init.retention) };
  } catch (err) {
    post({ t: 'fatal', error: serializeError(err) });
    // With the port closed and nothing scheduled, the thread ends on its own.
    port.close();
    return null;
  }
}

const opened = open();
if (opened) serve(opened.db, opened.writer);

function serve(db: Db, writer: HistoryWriter): void {
  let queue: Array<{ seq: number; record: QueuedRecord }> = [];
  let queuedChars = 0;
  let timer: NodeJS.Timeout | null = null;
  let indexTimer: NodeJS.Timeout | null = null;

  function stopIndexTimer(): void {
    if (indexTimer) clearTimeout(indexTimer);
    indexTimer = null;
  }

  /** Indexing failing (a lock held too long) loses nothing: what waits stays in its table. */
  function indexWaiting(): void {
    stopIndexTimer();
    try {
      writer.indexWaiting();
    } catch (err) {
      post({ t: 'warning', error: serializeError(err) });
    }
  }

  /** Not pushed back by later commits: a turn is searchable at most this long after it was stored. */
  function indexSoon(): void {
    if (writer.records.search.waiting > 0) indexTimer ??= setTimeout(indexWaiting, INDEX_DELAY_MS);
  }

  function commit(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    queuedChars = 0;
    const result = writer.insertBatch(batch.map((b) => b.record));
    post({ t: 'committed', upTo: batch[batch.length - 1]!.seq, ids: result.ids, pruned: prune(), failures: result.failures });
    indexSoon();
  }

  /** Retention failing (e.g. a lock held too long by another process) loses nothing: the next batch retries. */
  function prune(): string[] {
    try {
      return writer.prune();
    } catch (err) {
      post({ t: 'warning', error: serializeError(err) });
      return [];
    }
  }

  function runOp(op: WriteOp): { value: unknown; changes: Change[] } {
    switch (op.kind) {
      case 'delete': {
        const deleted = writer.delete(op.id);
        return { value: deleted, changes: deleted ? [{ kind: 'deleted', ids: [op.id] }] : [] };
      }
      case 'clear':
        return { value: writer.clear(), changes: [{ kind: 'cleared', ids: [] }] };
      case 'retention': {
        const pruned = writer.setRetention(op.retention);
        return { value: pruned.length, changes: pruned.length ? [{ kind: 'deleted', ids: pruned }] : [] };
      }
      case 'index':
        stopIndexTimer();
        return { value: writer.indexWaiting(), changes: [] };
    }
  }

  port.on('message', (message: ToWorker) => {
    switch (message.t) {
      case 'add':
        queue.push({ seq: message.seq, record: message.record });
        queuedChars += recordChars(message.record);
        if (queue.length >= BATCH_MAX_RECORDS || queuedChars >= BATCH_MAX_CHARS) commit();
        else timer ??= setTimeout(commit, BATCH_DELAY_MS);
        break;
      case 'flush':
        commit();
        break;
      case 'op': {
        commit();
        try {
          const { value, changes } = runOp(message.op);
          post({ t: 'result', seq: message.seq, value, changes });
        } catch (err) {
          post({ t: 'result', seq: message.seq, error: serializeError(err), changes: [] });
        }
        break;
      }
      case 'close':
        commit();
        indexWaiting();
        try {
          // Lets SQLite refresh its planner statistics once per session, as its docs advise.
          db.pragma('optimize');
          // The main thread's read connection is still open, so closing this one would not
          // checkpoint, and a read-only connection cannot: without this the data folder
          // would keep everything in the WAL file after a clean stop.
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // Only optimisations; closing matters more.
        }
        db.close();
        post({ t: 'closed' });
        port.close();
        break;
    }
  });

  // Retention may have become due while the app was closed.
  prune();
  post({ t: 'ready' });
  // What a crash left waiting.
  indexSoon();
  convertInBackground(writer);
}

/**
 * Rows from schema 1 are converted a batch at a time; setImmediate between batches lets
 * new records and operations (which arrive as messages) run in between.
 */
function convertInBackground(writer: HistoryWriter): void {
  let converter: RowConverter;
  try {
    converter = new RowConverter(writer.db, writer.records);
  } catch (err) {
    post({ t: 'warning', error: serializeError(err) });
    return;
  }
  const report = (): void => {
    const status = converter.status;
    post({ t: 'migration', status, message: migrationMessage(status) });
  };
  if (converter.status.state === 'idle') return;
  report();
  const step = (): void => {
    // The connection closes when the history does; the rest waits for the next start.
    if (!writer.db.open) return;
    try {
      if (converter.step() > 0) {
        report();
        setImmediate(step);
        return;
      }
      report();
      converter.compact();
      report();
    } catch (err) {
      // A lock or a full disk: nothing is lost, the rest is converted at the next start.
      post({ t: 'warning', error: serializeError(err) });
    }
  };
  setImmediate(step);
}
