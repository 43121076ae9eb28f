/**
 * Bytes in shared memory. A record goes to the history's writer thread by postMessage,
 * which serializes an ordinary buffer (a copy on this thread, another on the writer's)
 * but passes a SharedArrayBuffer by reference. The bodies of an exchange are immutable
 * once read, and the outbox keeps each record until the writer commits it, so in shared
 * memory a body exists once instead of up to three times while it waits for the writer.
 * Body-sized buffers come from the body pool (buffer-pool.ts), with the caller as holder.
 */
import { bodyPool } from './buffer-pool.js';

/** The chunks joined into one buffer over shared memory: the one copy `Buffer.concat` would make. */
export function joinShared(chunks: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = bodyPool.take(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
