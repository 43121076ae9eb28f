/**
 * Backlog policy: past a size, new rows are still written but without their bodies, so
 * memory stays bounded while the history keeps every exchange's timings, status and usage.
 */
import { heldBytes } from '../lib/buffer-pool.js';
import { isEditedBody } from '../lib/byte-edits.js';
import type { QueuedRecord } from './protocol.js';

/**
 * Past this backlog (the writer is slower than traffic, e.g. a burst of 100 KB prompts), bodies
 * are shed. About 300 Claude-Code-sized exchanges, as many as twice this held while their
 * forwarded bodies were queued as bytes too. The proxy's bodies reach the writer in shared
 * memory (shared-bytes.ts), so a queued byte is held once, where the main thread, the message
 * and the writer each held one before; only text bodies (the OpenAI route's) are still
 * copied. This is what bounds memory under a sustained overload such as `npm run bench`'s soak.
 */
export const SHED_BODIES_ABOVE_CHARS = 32 * 1024 * 1024;
export const SHED_BODY_TEXT = '[not stored: the history writer was overloaded when this exchange finished]';

/** What a queued record costs in the backlog: its bodies and a fixed share for the rest. A body
 * forwarded as received is the sent body's very buffer, held once; a string is copied per field.
 * A body in pooled memory holds its whole buffer, which for a short answer is the pool's smallest. */
export function recordChars(r: QueuedRecord): number {
  const f = r.forwardedBody;
  const forwarded = isEditedBody(f) ? f.edits.reduce((n, e) => n + e.insert.length, 0) : f instanceof Uint8Array && f === r.originalBody ? 0 : heldBytes(f);
  return 1024 + heldBytes(r.originalBody) + forwarded + heldBytes(r.responseBody) + (r.assembled?.length ?? 0);
}

/** The record as stored under overload: placeholders instead of bodies. Pure. */
export function withoutBodies(record: QueuedRecord): QueuedRecord {
  const shed = (body: QueuedRecord['forwardedBody']): string | null => (body === null ? null : SHED_BODY_TEXT);
  return {
    ...record,
    originalBody: shed(record.originalBody),
    forwardedBody: shed(record.forwardedBody),
    responseBody: shed(record.responseBody),
    assembled: null,
    responseTruncated: record.responseBody !== null || record.responseTruncated,
  };
}

/** Remembers whether shedding is on, so the switch is reported once per overload. */
export class Shedder {
  #on = false;

  /** Returns the record to send and, when shedding just started, the message to report. */
  apply(record: QueuedRecord, backlogChars: number): { record: QueuedRecord; started: string | null } {
    if (backlogChars <= SHED_BODIES_ABOVE_CHARS) {
      this.#on = false;
      return { record, started: null };
    }
    const started = this.#on
      ? null
      : `History writer is ${Math.round(backlogChars / 1048576)} MB behind; exchanges are recorded without bodies until it catches up.`;
    this.#on = true;
    return { record: withoutBodies(record), started };
  }
}
