/** Stored parts and bodies read back: the exact bytes, checked against the body's SHA-256 (body-digest.ts). */
import { digestMatches } from './body-digest.js';
import { unpack } from './codec.js';
import { HistoryError } from './errors.js';
import { applyEditedPart, decodeManifest, isEditedPart, isGlue, type ManifestEntry } from './manifest.js';
import type { Db } from './schema.js';

export class PartReader {
  readonly #get;

  constructor(db: Db) {
    this.#get = db.prepare<[number], Buffer>('SELECT data FROM parts WHERE id = ?').pluck();
  }

  part(id: number): Buffer {
    const data = this.#get.get(id);
    if (data === undefined) throw new HistoryError('HISTORY_CORRUPT', `A stored body references part ${id}, which is missing.`);
    return unpack(data);
  }

  /** One manifest entry's bytes. */
  entry(e: ManifestEntry): Buffer {
    if (typeof e === 'number') return this.part(e);
    if (isEditedPart(e)) return applyEditedPart(e, (id) => this.part(id));
    return Buffer.from(e.buffer, e.byteOffset, e.byteLength);
  }

  /** The exact bytes of a stored body; a HISTORY_CORRUPT error unless they match its check `sha` (body-digest.ts). */
  rebuild(manifest: Uint8Array, sha: Uint8Array | null): Buffer {
    const entries = decodeManifest(manifest);
    const chunks = entries.map((e) => this.entry(e));
    // An edited part counts by the hash of its bytes, as a part of its own would.
    if (sha === null || !digestMatches(sha, chunks, entries.map((e) => !isGlue(e)))) {
      throw new HistoryError('HISTORY_CORRUPT', 'A stored body does not match its SHA-256; it was not shown.');
    }
    return Buffer.concat(chunks);
  }
}
