/**
 * The check a stored body carries: a SHA-256 over its manifest's content, where each part
 * counts by its own SHA-256 and each piece of glue by its bytes. Equal digests mean equal
 * bytes, as with a hash of the whole body, but writing a turn only hashes what is new in
 * it: the parts it shares with its parent come with their hashes.
 *
 * Rows written before this check (the first version of schema 2) carry the plain SHA-256
 * of the whole body: 32 bytes, where a manifest digest is its version byte and 32 bytes.
 */
import { createHash, type Hash } from 'node:crypto';

const MANIFEST_DIGEST = 0x02;
const GLUE = 0x00;
const PART = 0x01;

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** One manifest entry as the digest sees it: glue bytes, or a part's SHA-256. */
export type DigestEntry = { glue: Uint8Array } | { hash: Uint8Array };

/** The entries as the digest hashes them. One buffer and one hash update: a long conversation
 * has a thousand entries, and a native call per entry would cost more than the hashing. */
export function digestInput(entries: readonly DigestEntry[]): Buffer {
  let size = 0;
  for (const e of entries) size += 'hash' in e ? 1 + e.hash.length : 5 + e.glue.length;
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of entries) {
    if ('hash' in e) {
      buf[at] = PART;
      buf.set(e.hash, at + 1);
      at += 1 + e.hash.length;
    } else {
      buf[at] = GLUE;
      buf.writeUInt32BE(e.glue.length, at + 1);
      buf.set(e.glue, at + 5);
      at += 5 + e.glue.length;
    }
  }
  return buf;
}

export function startDigest(): Hash {
  return createHash('sha256');
}

/** The stored check from a hash that has seen every entry. */
export function finishDigest(h: Hash): Buffer {
  return Buffer.concat([Buffer.of(MANIFEST_DIGEST), h.digest()]);
}

export function manifestDigest(entries: readonly DigestEntry[]): Buffer {
  return finishDigest(startDigest().update(digestInput(entries)));
}

/** Whether `stored` (either form) is the check of a body made of these chunks; `partHash` marks the chunks that are parts. */
export function digestMatches(stored: Uint8Array, chunks: readonly Buffer[], isPart: readonly boolean[]): boolean {
  if (stored.length === 32) return sha256(Buffer.concat(chunks)).equals(stored);
  if (stored.length !== 33 || stored[0] !== MANIFEST_DIGEST) return false;
  const entries = chunks.map((c, i): DigestEntry => (isPart[i] ? { hash: sha256(c) } : { glue: c }));
  return manifestDigest(entries).equals(stored);
}
