/**
 * Finds where things are in a JSON object body without parsing it: the byte span of each
 * top-level member's value and, inside `messages`, each element's span. Works on raw bytes
 * and never decodes them, so invalid UTF-8 and escapes pass through; iterative (a depth
 * counter, no recursion), so nesting depth costs nothing. Structure is checked only as far
 * as spans need; a body it cannot follow gives null and is then stored whole.
 */
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, isJsonSpace, OPEN_ARRAY, OPEN_OBJECT, QUOTE, skipSpace } from '../lib/json-scan.js';

export interface Span {
  start: number;
  end: number;
}

export interface MemberSpan extends Span {
  /** The key's raw bytes between its quotes, as latin1 (escapes left as written). */
  key: string;
  /** For the `messages` member when it is an array: each element's span. */
  elements?: Span[];
}

/**
 * Index just past the closing quote of the string starting at `i`, or -1. Strings are
 * most of a request's bytes, so the next quote is found by Buffer#indexOf (memchr) rather
 * than byte by byte; a quote is the end when an even number of backslashes precede it.
 */
function stringEnd(buf: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, from);
    if (q < 0) return -1;
    let k = q - 1;
    while (k > i && buf[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** Index just past the value starting at `i` (after whitespace), or -1. */
export function valueEnd(buf: Buffer, i: number): number {
  const first = buf[i];
  if (first === undefined) return -1;
  if (first === QUOTE) return stringEnd(buf, i);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const b = buf[j]!;
      if (b === QUOTE) {
        const end = stringEnd(buf, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        depth++;
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: runs until a delimiter.
  let j = i;
  while (j < buf.length) {
    const b = buf[j]!;
    if (b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY || isJsonSpace(b)) break;
    j++;
  }
  return j > i ? j : -1;
}

function arrayElements(buf: Buffer, start: number, end: number): Span[] | null {
  const out: Span[] = [];
  let i = skipSpace(buf, start + 1);
  if (buf[i] === CLOSE_ARRAY) return i === end - 1 ? out : null;
  for (;;) {
    const e = valueEnd(buf, i);
    if (e < 0 || e > end) return null;
    out.push({ start: i, end: e });
    i = skipSpace(buf, e);
    if (buf[i] === COMMA) i = skipSpace(buf, i + 1);
    else if (buf[i] === CLOSE_ARRAY && i === end - 1) return out;
    else return null;
  }
}

/** Members of the top-level object in order (duplicates included), or null when the body is not one object. */
export function topLevelMembers(bytes: Uint8Array): MemberSpan[] | null {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_OBJECT) return null;
  const members: MemberSpan[] = [];
  i = skipSpace(buf, i + 1);
  if (buf[i] === CLOSE_OBJECT) return skipSpace(buf, i + 1) === buf.length ? members : null;
  for (;;) {
    if (buf[i] !== QUOTE) return null;
    const keyEnd = stringEnd(buf, i);
    if (keyEnd < 0) return null;
    const key = buf.toString('latin1', i + 1, keyEnd - 1);
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== COLON) return null;
    i = skipSpace(buf, i + 1);
    const end = valueEnd(buf, i);
    if (end < 0) return null;
    const member: MemberSpan = { key, start: i, end };
    if (key === 'messages' && buf[i] === OPEN_ARRAY) {
      const elements = arrayElements(buf, i, end);
      if (elements === null) return null;
      member.elements = elements;
    }
    members.push(member);
    i = skipSpace(buf, end);
    if (buf[i] === COMMA) {
      i = skipSpace(buf, i + 1);
    } else if (buf[i] === CLOSE_OBJECT) {
      return skipSpace(buf, i + 1) === buf.length ? members : null;
    } else {
      return null;
    }
  }
}
