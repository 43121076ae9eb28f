/** Messages between the main thread and the writer worker. */
import type { ExchangeRecord, RetentionSettings } from '../types.js';
import type { SerializedError } from './errors.js';

export interface WorkerInit {
  file: string;
  retention: RetentionSettings;
  nativeBinding?: string;
}

export type WriteOp =
  | { kind: 'delete'; id: string }
  | { kind: 'clear' }
  | { kind: 'retention'; retention: RetentionSettings };

/** Messages carrying a `seq` stay queued on the main thread until the worker confirms them. */
export type ToWorker =
  | { t: 'add'; seq: number; record: ExchangeRecord }
  | { t: 'op'; seq: number; op: WriteOp }
  /** Commit whatever is queued now instead of waiting for the batch timer. */
  | { t: 'flush' }
  | { t: 'close' };

export type Change = { kind: 'added' | 'deleted' | 'cleared'; ids: string[] };

export type FromWorker =
  | { t: 'ready' }
  /** The database could not be opened; the worker ends after sending this. */
  | { t: 'fatal'; error: SerializedError }
  /** Everything up to and including `upTo` is committed (or reported in `failures`). */
  | { t: 'committed'; upTo: number; ids: string[]; pruned: string[]; failures: Array<{ id: string; message: string }> }
  | { t: 'result'; seq: number; value?: unknown; error?: SerializedError; changes: Change[] }
  /** A problem that lost nothing but should be logged (e.g. retention could not run). */
  | { t: 'warning'; error: SerializedError }
  | { t: 'closed' };
