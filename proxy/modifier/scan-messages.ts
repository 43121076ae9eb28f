/**
 * One pass over a Messages request's bytes that validates all of it and finds what the
 * modifier needs: `model`, `stream`, a top-level `cache_control`, and the content of the
 * last `user` message (its last block too, for the breakpoint move). Where a key repeats,
 * JSON.parse keeps the last one, and so does the scan, except for a repeated top-level
 * `cache_control`: removing it would mean removing every copy, so the scan gives up.
 * null means "invalid or unsure": the caller parses instead, which also words the error.
 */
import { CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, INVALID, JsonScanner, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from '../lib/json-scan.js';

export interface ContentScan {
  kind: 'string' | 'array' | 'other';
  /** The value's span: its first byte, and just past its last. */
  start: number;
  end: number;
  /** Array content only: its last element's span, or -1 for an empty array. */
  lastStart: number;
  lastEnd: number;
  /** Array content only: the last element is an object; it has a `cache_control` key; it has no key. */
  lastIsObject: boolean;
  lastHasCacheControl: boolean;
  lastIsEmptyObject: boolean;
}

export interface CacheControlScan {
  isObject: boolean;
  /** The value's span. */
  start: number;
  end: number;
  /** The bytes to cut to remove the member and one comma next to it. */
  cutStart: number;
  cutEnd: number;
}

export interface MessagesScan {
  model: string | null;
  stream: boolean;
  /** Whether the last `messages` is an array. */
  hasMessages: boolean;
  /** The last `user` message's `content`, or null without one; undefined content is kind other. */
  lastUserContent: ContentScan | null;
  cacheControl: CacheControlScan | null;
}

/** Where a scanned body's pieces lie, for scan-memo.ts: filled in by the scan as it goes. */
export interface BodySpans {
  /** Each top-level member: its name (as keyName gives it), its key's quote, its value's end. */
  members: Array<{ name: string; start: number; end: number }>;
  /** How many top-level `messages` members there are; the rest describes the last. */
  messagesCount: number;
  /** The `messages` array's span. */
  messagesStart: number;
  messagesEnd: number;
  /** Where each of its elements ends, and which of them is the last user message (-1: none). */
  ends: number[];
  lastUser: number;
}

export const emptySpans = (): BodySpans => ({ members: [], messagesCount: 0, messagesStart: -1, messagesEnd: -1, ends: [], lastUser: -1 });

/** A key's name when it can matter here (short or escaped), else ''. `start` at its quote. */
function keyName(s: JsonScanner, start: number, end: number): string {
  return end - start > 18 && !s.hasEscape(start, end) ? '' : s.decodeString(start, end);
}

/** Calls `member` with each key of the object at `i` (its `{`) and the value's start; the
 * callback returns the value's end. Returns the end of the object. */
function scanObject(s: JsonScanner, i: number, member: (name: string, valueStart: number, keyStart: number) => number): number {
  i = s.skipWhitespace(i + 1);
  if (s.code(i) === CLOSE_OBJECT) return i + 1;
  for (;;) {
    const keyStart = i;
    if (s.code(i) !== QUOTE) return INVALID;
    const keyEnd = s.skipString(i);
    if (keyEnd < 0) return INVALID;
    const colon = s.skipWhitespace(keyEnd);
    if (s.code(colon) !== COLON) return INVALID;
    const valueStart = s.skipWhitespace(colon + 1);
    const end = member(keyName(s, keyStart, keyEnd), valueStart, keyStart);
    if (end < 0) return INVALID;
    i = s.skipWhitespace(end);
    if (s.code(i) === CLOSE_OBJECT) return i + 1;
    if (s.code(i) !== COMMA) return INVALID;
    i = s.skipWhitespace(i + 1);
  }
}

/** Calls `element` with each element's start; it returns the element's end. */
function scanArray(s: JsonScanner, i: number, element: (start: number) => number): number {
  i = s.skipWhitespace(i + 1);
  if (s.code(i) === CLOSE_ARRAY) return i + 1;
  for (;;) {
    const end = element(i);
    if (end < 0) return INVALID;
    i = s.skipWhitespace(end);
    if (s.code(i) === CLOSE_ARRAY) return i + 1;
    if (s.code(i) !== COMMA) return INVALID;
    i = s.skipWhitespace(i + 1);
  }
}

/** Content that is absent, or neither a string nor an array, until scanned further. */
const otherContent = (at: number): ContentScan => ({ kind: 'other', start: at, end: at, lastStart: -1, lastEnd: -1, lastIsObject: false, lastHasCacheControl: false, lastIsEmptyObject: false });

function scanContent(s: JsonScanner, start: number): ContentScan | null {
  const c = otherContent(start);
  if (s.code(start) === QUOTE) {
    c.kind = 'string';
    c.end = s.skipString(start);
  } else if (s.code(start) === OPEN_ARRAY) {
    c.kind = 'array';
    c.end = scanArray(s, start, (at) => {
      c.lastStart = at;
      c.lastIsObject = s.code(at) === OPEN_OBJECT;
      c.lastHasCacheControl = false;
      c.lastIsEmptyObject = true;
      if (!c.lastIsObject) return (c.lastEnd = s.skipValue(at));
      return (c.lastEnd = scanObject(s, at, (name, v) => {
        c.lastIsEmptyObject = false;
        if (name === 'cache_control') c.lastHasCacheControl = true;
        return s.skipValue(v);
      }));
    });
  } else {
    c.end = s.skipValue(start);
  }
  return c.end < 0 ? null : c;
}

/** The `messages` array at `i`: its end, and the last user message's content. */
function scanMessages(s: JsonScanner, i: number, found: { content: ContentScan | null }, spans: BodySpans): number {
  found.content = null;
  spans.ends = [];
  spans.lastUser = -1;
  return scanArray(s, i, (at) => {
    const before = found.content;
    const end = scanMessage(s, at, found);
    if (found.content !== before) spans.lastUser = spans.ends.length;
    spans.ends.push(end);
    return end;
  });
}

/** One element of `messages`: its end; `found.content` becomes its content if it is a user message. */
function scanMessage(s: JsonScanner, at: number, found: { content: ContentScan | null }): number {
  if (s.code(at) !== OPEN_OBJECT) return s.skipValue(at);
  let isUser = false;
  let content: ContentScan | null = otherContent(at);
  const end = scanObject(s, at, (name, v) => {
    if (name === 'role') {
      const e = s.skipValue(v);
      isUser = e > 0 && s.code(v) === QUOTE && e - v <= 40 && s.decodeString(v, e) === 'user';
      return e;
    }
    if (name !== 'content') return s.skipValue(v);
    content = scanContent(s, v);
    return content ? content.end : INVALID;
  });
  if (isUser) found.content = content;
  return end;
}

/** `spans`, if given, is filled in with where the body's members and messages lie. */
export function scanMessagesBody(raw: Buffer, spans: BodySpans = emptySpans()): MessagesScan | null {
  const s = new JsonScanner(raw);
  const scan: MessagesScan = { model: null, stream: false, hasMessages: false, lastUserContent: null, cacheControl: null };
  let i = s.skipWhitespace(0);
  if (s.code(i) !== OPEN_OBJECT) return null;
  let previousEnd = -1; // end of the previous member's value
  let pendingCut: CacheControlScan | null = null; // a first-member cache_control waiting for the next key
  let repeated = false;
  const found = { content: null as ContentScan | null };
  i = scanObject(s, i, (name, v, keyStart) => {
    if (pendingCut) {
      pendingCut.cutEnd = keyStart;
      pendingCut = null;
    }
    let end: number;
    if (name === 'model') {
      end = s.skipValue(v);
      scan.model = end > 0 && s.code(v) === QUOTE ? s.decodeString(v, end) : null;
    } else if (name === 'stream') {
      end = s.skipValue(v);
      scan.stream = end - v === 4 && s.code(v) === 0x74;
    } else if (name === 'messages') {
      scan.hasMessages = s.code(v) === OPEN_ARRAY;
      spans.messagesCount++;
      end = scan.hasMessages ? scanMessages(s, v, found, spans) : s.skipValue(v);
      spans.messagesStart = v;
      spans.messagesEnd = end;
      scan.lastUserContent = scan.hasMessages ? found.content : null;
    } else if (name === 'cache_control') {
      repeated ||= scan.cacheControl !== null;
      end = s.skipValue(v);
      const first = previousEnd < 0;
      scan.cacheControl = { isObject: s.code(v) === OPEN_OBJECT, start: v, end, cutStart: first ? keyStart : previousEnd, cutEnd: end };
      if (first) pendingCut = scan.cacheControl;
    } else {
      end = s.skipValue(v);
    }
    previousEnd = end;
    spans.members.push({ name, start: keyStart, end });
    return end;
  });
  if (i < 0 || repeated || s.skipWhitespace(i) !== s.text.length) return null;
  // A lone member: nothing to remove a comma from, and nothing to modify either.
  if (pendingCut) scan.cacheControl = null;
  return scan;
}
