/**
 * A stored body's manifest: its glue bytes and part references, in order. Pure.
 *
 * Binary, because a long conversation's manifest lists hundreds of parts on every turn:
 * each entry is one unsigned LEB128 number, `length * 2` followed by that many glue
 * bytes, or `partId * 2 + 1`. Part ids are the parts table's integer keys, so a
 * reference costs two or three bytes instead of a 32-byte hash.
 *
 * An edited part (EditedPart) is the number 1, the reference to part 0, which SQLite never
 * gives out (rowids start at 1), so no manifest written before it can be misread: then the
 * part's id, the number of edits, and per edit its start, the length it replaces, and what
 * it inserts, coded as an entry is (inline bytes or a part).
 */
import { applyByteEdits, editsFit } from '../lib/byte-edits.js';
import { HistoryError } from './errors.js';

/** Bytes [start, end) of a part replaced by `insert`: bytes, or the id of the part holding them. */
export interface PartEdit {
  start: number;
  end: number;
  insert: Uint8Array | number;
}

/**
 * A stored part with byte edits (offsets in the part): the forwarded body's copy of the
 * sent message the modifier edited. Stored this way, the forwarded body adds only the
 * edits, where a part of its own would repeat the whole message; and an insert long
 * enough to be a part (the appended text, the same on every turn) is stored once too.
 */
export interface EditedPart {
  part: number;
  edits: readonly PartEdit[];
}

export type ManifestEntry = Uint8Array | number | EditedPart;

const EDITED_PART = 1;

export function isEditedPart(e: ManifestEntry): e is EditedPart {
  return typeof e === 'object' && !isGlue(e);
}

export function isGlue(e: ManifestEntry): e is Uint8Array {
  return e instanceof Uint8Array;
}

/** The parts an entry's bytes come from: none for glue. */
export function entryParts(e: ManifestEntry): number[] {
  if (typeof e === 'number') return [e];
  if (!isEditedPart(e)) return [];
  const ids = [e.part];
  for (const x of e.edits) if (typeof x.insert === 'number') ids.push(x.insert);
  return ids;
}

/** A reference to part `id`; part 0's number is the edited part's mark. */
function pushPart(head: number[], id: number): void {
  if (id === 0) throw new HistoryError('HISTORY_WRITE_FAILED', 'A manifest cannot reference part 0.');
  pushVarint(head, id * 2 + 1);
}

/** Encodes `e`: its numbers go on `head`, and whenever bytes follow them, `head` is moved to `out` before them. */
function encodeEntry(e: ManifestEntry, head: number[], out: Uint8Array[]): void {
  if (typeof e === 'number') {
    pushPart(head, e);
  } else if (isEditedPart(e)) {
    pushVarint(head, EDITED_PART);
    pushVarint(head, e.part);
    pushVarint(head, e.edits.length);
    for (const x of e.edits) {
      pushVarint(head, x.start);
      pushVarint(head, x.end - x.start);
      encodeEntry(x.insert, head, out);
    }
  } else {
    pushVarint(head, e.length * 2);
    out.push(Buffer.from(head.splice(0)), e);
  }
}

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
  const chunks: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const e of entries) {
    offsets.push(at);
    const head: number[] = [];
    const out: Uint8Array[] = [];
    encodeEntry(e, head, out);
    out.push(Buffer.from(head));
    for (const c of out) {
      chunks.push(c);
      at += c.length;
    }
  }
  offsets.push(at);
  return { bytes: Buffer.concat(chunks, at), offsets };
}

export function encodeManifest(entries: readonly ManifestEntry[]): Buffer {
  const chunks: Uint8Array[] = [];
  const head: number[] = [];
  for (const e of entries) encodeEntry(e, head, chunks);
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
    if (n === EDITED_PART) {
      let entry: EditedPart;
      [entry, i] = readEditedPart(buf, i);
      out.push(entry);
    } else {
      let entry: Uint8Array | number;
      [entry, i] = readPlain(buf, n, i);
      out.push(entry);
    }
  }
  return out;
}

/** A glue or part entry whose number `n` was read, ending before `at`. */
function readPlain(buf: Uint8Array, n: number, at: number): [Uint8Array | number, number] {
  if (n % 2 === 1) return [(n - 1) / 2, at];
  const len = n / 2;
  if (at + len > buf.length) throw damagedManifest();
  return [buf.subarray(at, at + len), at + len];
}

function readEditedPart(buf: Uint8Array, from: number): [EditedPart, number] {
  let at = from;
  const next = (): number => {
    let n: number;
    [n, at] = readVarint(buf, at);
    return n;
  };
  const part = next();
  const count = next();
  const edits: PartEdit[] = [];
  for (let k = 0; k < count; k++) {
    const start = next();
    const end = start + next();
    const n = next();
    if (n === EDITED_PART) throw damagedManifest();
    let insert: Uint8Array | number;
    [insert, at] = readPlain(buf, n, at);
    edits.push({ start, end, insert });
  }
  return [{ part, edits }, at];
}

/** The edited part's bytes, with `part` giving a part's bytes by id; a damaged manifest when its edits do not fit. */
export function applyEditedPart(e: EditedPart, part: (id: number) => Buffer): Buffer {
  const base = part(e.part);
  const edits = e.edits.map((x) => ({ start: x.start, end: x.end, insert: typeof x.insert === 'number' ? part(x.insert) : x.insert }));
  if (!editsFit(base.length, edits)) throw damagedManifest();
  return applyByteEdits(base, edits);
}

/** The distinct part ids a manifest references. */
export function manifestParts(buf: Uint8Array | null): number[] {
  if (buf === null) return [];
  const ids = new Set<number>();
  for (const e of decodeManifest(buf)) for (const id of entryParts(e)) ids.add(id);
  return [...ids];
}
