import { AddendumError } from '../lib/errors.js';

export type HistoryErrorCode =
  /** The database was written by a newer Addendum; we refuse to touch it rather than lose data. */
  | 'HISTORY_NEWER_SCHEMA'
  /** The file could not be opened or migrated (not a database, permissions, disk). */
  | 'HISTORY_OPEN_FAILED'
  /** The writer thread died; it is restarted and queued records are sent again. */
  | 'HISTORY_WORKER_FAILED'
  /** A record could not be stored and was dropped (reported, never thrown from add()). */
  | 'HISTORY_WRITE_FAILED'
  /** A list cursor that this store did not produce. */
  | 'HISTORY_BAD_CURSOR'
  /** The store was used after close(). */
  | 'HISTORY_CLOSED'
  /** A stored body could not be rebuilt exactly (missing part, damaged manifest, hash mismatch). */
  | 'HISTORY_CORRUPT';

export class HistoryError extends AddendumError<HistoryErrorCode> {}

/** Errors cross the worker boundary as plain data; this rebuilds the typed error on the other side. */
export interface SerializedError {
  code: HistoryErrorCode | null;
  message: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof HistoryError) return { code: err.code, message: err.message };
  return { code: null, message: err instanceof Error ? err.message : String(err) };
}

export function deserializeError(e: SerializedError, fallback: HistoryErrorCode): HistoryError {
  return new HistoryError(e.code ?? fallback, e.message);
}

/** What was thrown, as an Error (a callback may throw anything). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
