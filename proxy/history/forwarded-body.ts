/** A queued record's forwarded body as bytes, also when it holds the modifier's splice. Pure. */
import { applyByteEdits, isEditedBody } from '../lib/byte-edits.js';
import type { BodyValue, QueuedRecord } from './protocol.js';

/** The forwarded body itself; a splice is applied to the sent body (null when that is not bytes, which the proxy never queues). */
export function forwardedBytes(r: Pick<QueuedRecord, 'originalBody' | 'forwardedBody'>): BodyValue {
  const f = r.forwardedBody;
  if (!isEditedBody(f)) return f;
  return r.originalBody instanceof Uint8Array ? applyByteEdits(r.originalBody, f.edits) : null;
}
