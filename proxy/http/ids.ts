import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;

const RANDOM_BYTES = 3;
/** Ids drawn per refill: one call into the system's random source per that many ids, not one each. */
const POOL_IDS = 1024;
const pool = Buffer.alloc(RANDOM_BYTES * POOL_IDS);
let at = pool.length;

function randomHex(): string {
  if (at === pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  at += RANDOM_BYTES;
  return pool.toString('hex', at - RANDOM_BYTES, at);
}

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
  return `${now.toString(16).padStart(12, '0')}-${seq.toString(16).padStart(4, '0')}-${randomHex()}`;
}
