/**
 * A body as another body with byte ranges replaced. Pure.
 *
 * The modifier's splice is such a list, and the history takes the forwarded body in this
 * form: the writer rebuilds from the sent body only what the edits touched, where the
 * bytes themselves would have to be sent, held and compared once more.
 */

/** Bytes [start, end) of the base are replaced by `insert`. */
export interface ByteEdit {
  start: number;
  end: number;
  insert: Uint8Array;
}

/** A body given as its edits over the exchange's sent body. */
export interface EditedBody {
  edits: readonly ByteEdit[];
}

export function isEditedBody(v: unknown): v is EditedBody {
  return typeof v === 'object' && v !== null && Array.isArray((v as EditedBody).edits);
}

/** Edits are valid when they lie inside the base, in order and apart. */
export function editsFit(baseLength: number, edits: readonly ByteEdit[]): boolean {
  let at = 0;
  for (const e of edits) {
    if (!(Number.isInteger(e.start) && Number.isInteger(e.end)) || e.start < at || e.end < e.start || !(e.insert instanceof Uint8Array)) return false;
    at = e.end;
  }
  return at <= baseLength;
}

/** The length of the edited body. */
export function editedLength(baseLength: number, edits: readonly ByteEdit[]): number {
  let n = baseLength;
  for (const e of edits) n += e.insert.length - (e.end - e.start);
  return n;
}

/** The edited body as views of the base and the inserts, in order: the same bytes as
 * applyByteEdits without copying them, for a body that is only written out. */
export function editedChunks(base: Uint8Array, edits: readonly ByteEdit[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const e of edits) {
    out.push(base.subarray(from, e.start), e.insert);
    from = e.end;
  }
  out.push(base.subarray(from));
  return out.filter((c) => c.length > 0);
}

/** The edited body's bytes; `edits` in order (editsFit). */
export function applyByteEdits(base: Uint8Array, edits: readonly ByteEdit[]): Buffer {
  return Buffer.concat(editedChunks(base, edits), editedLength(base.length, edits));
}
