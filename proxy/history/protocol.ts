/** Messages between the main thread and the writer worker. */
import type { ExchangeRecord, RetentionSettings } from '../contract/types.js';
import type { EditedBody } from '../lib/byte-edits.js';
import type { SerializedError } from './errors.js';
import type { MigrationStatus } from './session-types.js';

/**
 * A body as queued: text, or the UTF-8 bytes it arrived as. Bytes are stored as
 * the same text without the main thread decoding them (decoding 100 KB of non-ASCII UTF-8
 * takes longer than parsing it) and cross to the worker at half the size of a JS string.
 */
export type BodyValue = string | Uint8Array | null;

/**
 * The forwarded body: as a body, or as the modifier's splice of the sent body (bytes in
 * it). The splice costs the main thread nothing to send, and lets the writer store only
 * the parts it changed, without comparing the whole body once more.
 */
export type ForwardedValue = BodyValue | EditedBody;

/** What `History.add` takes: an ExchangeRecord whose request and response bodies may still be bytes. */
export type QueuedRecord = Omit<ExchangeRecord, 'originalBody' | 'forwardedBody' | 'responseBody'> & {
  originalBody: BodyValue;
  forwardedBody: ForwardedValue;
  responseBody: BodyValue;
};

export interface WorkerInit {
  file: string;
  retention: RetentionSettings;
  nativeBinding?: string;
}

export type WriteOp =
  | { kind: 'delete'; id: string }
  | { kind: 'clear' }
  | { kind: 'retention'; retention: RetentionSettings }
  /** Puts every part and row still waiting into the full-text indexes (search-index.ts). */
  | { kind: 'index' };

/** Messages carrying a `seq` stay queued on the main thread until the worker confirms them. */
export type ToWorker =
  | { t: 'add'; seq: number; record: QueuedRecord }
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
  /** Progress of the schema-1 conversion, with a line for the log. */
  | { t: 'migration'; status: MigrationStatus; message: string }
  | { t: 'closed' };
