/**
 * Splits a request body by starting from the body it continues. Pure.
 *
 * A conversation's next turn repeats its parent's bytes except inside `messages`: new
 * messages appear before the array's end, and the previous last message may change (Claude
 * Code moves its cache breakpoint). So the bytes common to both ends are found by memcmp,
 * the parent's segments inside them are taken over as they are, and only the messages in
 * between are scanned. The result is always what `splitBody` would give for the new body
 * (the property test holds them equal); anything this path cannot prove, such as an edit
 * outside `messages`, gives null and the caller splits the whole body.
 */
import type { Segment, SplitBody } from './body-split.js';
import { skipSpace } from '../lib/json-scan.js';
import { valueEnd } from './json-spans.js';

export interface PreviousBody {
  bytes: Buffer;
  split: SplitBody;
}

/**
 * A body continuing a previous one: the previous body's segments [0, keep) and [after, end)
 * (shifted by `delta`) with `middle` between them. Only the middle was scanned.
 */
export interface Continuation {
  keep: number;
  after: number;
  delta: number;
  middle: Segment[];
  /** Indices into `middle` of its messages. */
  middleMessages: number[];
  /** How many leading messages are the previous body's, byte for byte. */
  reusedMessages: number;
}

const COMMA = 0x2c;
/** Compared in steps of this size: a mismatch is then located within one step. */
const STEP = 64 * 1024;

const same = (a: Buffer, aStart: number, b: Buffer, bStart: number, n: number): boolean =>
  n <= 0 || a.compare(b, bStart, bStart + n, aStart, aStart + n) === 0;

/** Length of the longest common prefix of `a` and `b`. */
export function commonPrefix(a: Buffer, b: Buffer): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max) {
    const n = Math.min(STEP, max - i);
    if (same(a, i, b, i, n)) {
      i += n;
      continue;
    }
    // Bisect the step: [i, lo) is known equal, [i, hi) known different.
    let lo = i;
    let hi = i + n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (same(a, lo, b, lo, mid - lo)) lo = mid;
      else hi = mid;
    }
    return lo;
  }
  return max;
}

/** Length of the longest common suffix of `a` and `b`, at most `max`. */
export function commonSuffix(a: Buffer, b: Buffer, max: number): number {
  const limit = Math.min(max, a.length, b.length);
  let n = 0;
  while (n < limit) {
    const step = Math.min(STEP, limit - n);
    if (same(a, a.length - n - step, b, b.length - n - step, step)) {
      n += step;
      continue;
    }
    // Suffix lengths [n, lo] are equal, hi is not.
    let lo = n;
    let hi = n + step;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (same(a, a.length - mid, b, b.length - mid, mid - lo)) lo = mid;
      else hi = mid;
    }
    return lo;
  }
  return limit;
}

export function splitContinuing(prev: PreviousBody, body: Buffer): Continuation | null {
  const segs = prev.split.segments;
  const msgs = prev.split.messages;
  if (msgs.length === 0) return null;
  const after = msgs[msgs.length - 1]! + 1;
  if (segs[after]?.kind !== 'glue') return null;
  const delta = body.length - prev.bytes.length;
  const p = commonPrefix(prev.bytes, body);
  if (p === body.length && delta === 0) {
    return { keep: after, after, delta, middle: [], middleMessages: [], reusedMessages: msgs.length };
  }
  const s = commonSuffix(prev.bytes, body, Math.min(prev.bytes.length, body.length) - p);
  // Everything from the glue after the last message on must be the previous body's tail.
  if (segs[after]!.start < prev.bytes.length - s) return null;
  // Messages wholly inside the common prefix (they are in order: bisect, a long session has a thousand).
  let k = 0;
  let hi = msgs.length;
  while (k < hi) {
    const mid = (k + hi) >>> 1;
    if (segs[msgs[mid]!]!.end <= p) k = mid + 1;
    else hi = mid;
  }
  const x = k > 0 ? segs[msgs[k - 1]!]!.end : segs[msgs[0]!]!.start;
  if (x > p) return null;
  const y = segs[after]!.start + delta;

  const middle: Segment[] = [];
  const middleMessages: number[] = [];
  let pos = x;
  let glueStart = x;
  let first = k === 0;
  while (pos < y) {
    if (!first) {
      pos = skipSpace(body, pos);
      if (body[pos] !== COMMA) return null;
      pos = skipSpace(body, pos + 1);
    }
    first = false;
    const end = valueEnd(body, pos);
    if (end < 0 || end > y) return null;
    if (pos > glueStart) middle.push({ kind: 'glue', start: glueStart, end: pos });
    middle.push({ kind: 'part', part: 'message', start: pos, end });
    middleMessages.push(middle.length - 1);
    pos = end;
    glueStart = end;
  }
  if (pos !== y || k + middleMessages.length === 0) return null;
  return { keep: k > 0 ? msgs[k - 1]! + 1 : msgs[0]!, after, delta, middle, middleMessages, reusedMessages: k };
}

/** The whole split a continuation stands for (what `splitBody` gives for the new body). */
export function continuedSplit(prev: SplitBody, c: Continuation): SplitBody {
  const suffix = prev.segments.slice(c.after).map((g) => ({ ...g, start: g.start + c.delta, end: g.end + c.delta }));
  return {
    segments: prev.segments.slice(0, c.keep).concat(c.middle, suffix),
    messages: prev.messages.slice(0, c.reusedMessages).concat(c.middleMessages.map((i) => c.keep + i)),
  };
}
