import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * Time-ordered ids ("0190f3c2a1b4-0003-9f2c1d"): sortable as strings, unique within a
 * process even for several requests in one millisecond, unguessable enough for a URL.
 */
export function newExchangeId(now = Date.now()): string {
  if (now === lastMs) seq++;
  else {
    lastMs = now;
    seq = 0;
  }
  return `${now.toString(16).padStart(12, '0')}-${seq.toString(16).padStart(4, '0')}-${randomBytes(3).toString('hex')}`;
}
