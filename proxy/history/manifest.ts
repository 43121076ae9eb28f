/**
 * A stored body's manifest: its glue bytes and part references, in order. Pure.
 *
 * Binary, because a long conversation's manifest lists hundreds of parts on every turn:
 * each entry is one unsigned LEB128 number, `length * 2` followed by that many glue
 * bytes, or `partId * 2 + 1`. Part ids are the parts table's integer keys, so a
 * reference costs two or three bytes instead of a 32-byte hash.
 */
import { HistoryError } from './errors.js';

export type ManifestEntry = Uint8Array | number;

export function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

/** The encoded entries and where each begins (`offsets[i]`, with the total length last), so a
 * later manifest can take a run of entries over as bytes. No empty-manifest special case. */
export function encodeEntries(entries: readonly ManifestEntry[]): { bytes: Buffer; offsets: number[] } {
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const e of entries) {
    offsets.push(at);
    const head: number[] = [];
    if (typeof e === 'number') {
      pushVarint(head, e * 2 + 1);
      chunks.push(Buffer.from(head));
      at += head.length;
    } else {
      pushVarint(head, e.length * 2);
      chunks.push(Buffer.from(head), Buffer.from(e.buffer, e.byteOffset, e.byteLength));
      at += head.length + e.length;
    }
  }
  offsets.push(at);
  return { bytes: Buffer.concat(chunks, at), offsets };
}

export function encodeManifest(entries: readonly ManifestEntry[]): Buffer {
  const chunks: Buffer[] = [];
  let head: number[] = [];
  for (const e of entries) {
    if (typeof e === 'number') {
      pushVarint(head, e * 2 + 1);
    } else {
      pushVarint(head, e.length * 2);
      chunks.push(Buffer.from(head), Buffer.from(e.buffer, e.byteOffset, e.byteLength));
      head = [];
    }
  }
  chunks.push(Buffer.from(head));
  const out = Buffer.concat(chunks);
  // One empty glue entry: a zero-length blob could bind as NULL, which means "no body".
  return out.length === 0 ? Buffer.of(0) : out;
}

export function damagedManifest(): HistoryError {
  return new HistoryError('HISTORY_CORRUPT', 'A stored body manifest is damaged.');
}

/** The unsigned LEB128 number at `at`, and where it ends. */
export function readVarint(buf: Uint8Array, at: number): [number, number] {
  let n = 0;
  let scale = 1;
  for (;;) {
    const b = buf[at++];
    if (b === undefined) throw damagedManifest();
    n += (b & 0x7f) * scale;
    if (b < 0x80) return [n, at];
    scale *= 0x80;
  }
}

export function decodeManifest(buf: Uint8Array): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  let i = 0;
  while (i < buf.length) {
    let n: number;
    [n, i] = readVarint(buf, i);
    if (n % 2 === 1) {
      out.push((n - 1) / 2);
    } else {
      const len = n / 2;
      if (i + len > buf.length) throw damagedManifest();
      out.push(buf.subarray(i, i + len));
      i += len;
    }
  }
  return out;
}

/** The distinct part ids a manifest references. */
export function manifestParts(buf: Uint8Array | null): number[] {
  if (buf === null) return [];
  const ids = new Set<number>();
  for (const e of decodeManifest(buf)) if (typeof e === 'number') ids.add(e);
  return [...ids];
}
