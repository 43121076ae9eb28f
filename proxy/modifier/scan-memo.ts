/**
 * Claude Code re-sends its whole conversation every turn, so the modifier's validating scan
 * (scan-messages.ts) would read megabytes it read a moment ago: 6 to 9 ms of the main thread
 * for a 500-turn session's 3.4 MB body, blocking every other exchange meanwhile.
 *
 * The memo keeps the last bodies it scanned, with where their messages and top-level
 * members lie. A body that repeats one of them byte for byte up to its last few messages
 * (a continuation) is scanned with the repeated parts cut out: its messages up to there, the
 * large members before the messages array (tools and system, as the SDKs' callers tend to
 * write them) and, when what follows the array is the same too, the large members there (as
 * Claude Code writes them). Equal bytes are proven by comparison (memcmp), and the cut parts
 * are whole array elements and whole object members with one comma each, so the rest is
 * valid JSON exactly when the body is, and scans to the same answer with its positions
 * shifted.
 *
 * It holds request buffers past their exchange, up to MAX_BYTES, so nothing may overwrite a
 * request's buffer; a pooled one (buffer-pool.ts) it retains while it remembers it. One
 * transferred to another thread is skipped until it ages out.
 */
import { applyByteEdits } from '../lib/byte-edits.js';
import { bodyPool } from '../lib/buffer-pool.js';
import { CLOSE_ARRAY, COMMA, skipSpace } from '../lib/json-scan.js';
import { emptySpans, scanMessagesBody, type BodySpans, type ContentScan, type MessagesScan } from './scan-messages.js';

/** Below this, a scan costs less than looking for a body to compare with. */
const MIN_BODY_BYTES = 32 * 1024;
/** Smaller members are scanned again rather than cut. */
const MIN_MEMBER_BYTES = 4 * 1024;
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_BODIES = 32;
/** How many of a remembered body's last messages its continuation may leave out or change:
 * Claude Code moves its cache breakpoint off the last one; a client may drop a prefill. */
const CHANGED_LAST = 2;
const NOTHING = new Uint8Array(0);
/** Members whose value the scan reports or depends on: never cut. */
const REPORTED = new Set(['model', 'stream', 'messages', 'cache_control']);

interface Remembered {
  bytes: Buffer;
  /** Its length when remembered: a buffer since detached reads as empty. */
  size: number;
  /** Just past the messages array's `[`. */
  head: number;
  /** Where each message ends, and which is the last user message (-1: none). */
  ends: number[];
  lastUser: number;
  /** The messages array's `]`. */
  close: number;
  /** Members before the messages array, and after it, each with the comma after it, worth cutting. */
  before: Array<[number, number]>;
  after: Array<[number, number]>;
}

/** Spans of `raw` to leave out, in order (`p.before`'s, the kept messages', then any after
 * the array), and where its messages array must close if any span lies past it. */
interface Plan {
  cuts: Array<[number, number]>;
  kept: number;
  close: number | null;
}

/** How `raw` continues `p`, or null when it does not. */
function plan(p: Remembered, raw: Buffer): Plan | null {
  const n = p.ends.length;
  if (p.bytes.length !== p.size || n === 0 || raw.length <= p.head || raw.compare(p.bytes, 0, p.head, 0, p.head) !== 0) return null;
  let kept = 0;
  // The last user message is never cut: when no new one follows, the scan must still find it.
  const most = p.lastUser >= 0 ? Math.min(n, p.lastUser) : n;
  for (let k = most; k >= Math.max(1, n - CHANGED_LAST); k--) {
    const end = p.ends[k - 1]!;
    if (end <= raw.length && raw.compare(p.bytes, p.head, end, p.head, end) === 0) {
      kept = k;
      break;
    }
  }
  if (kept === 0) return null;
  const keptEnd = p.ends[kept - 1]!;
  const next = skipSpace(raw, keptEnd);
  // The kept messages go with the comma after them, or alone before the array's end.
  const cutEnd = raw[next] === COMMA ? next + 1 : raw[next] === CLOSE_ARRAY ? keptEnd : -1;
  if (cutEnd < 0) return null;
  // What precedes the array is the remembered body's, byte for byte: its members lie where they did.
  const cuts: Array<[number, number]> = [...p.before, [p.head, cutEnd]];
  const close = raw.length - (p.size - p.close);
  if (p.after.length === 0 || close < cutEnd || raw.compare(p.bytes, p.close, p.size, close, raw.length) !== 0) return { cuts, kept, close: null };
  const shift = close - p.close;
  for (const [a, b] of p.after) cuts.push([a + shift, b + shift]);
  return { cuts, kept, close };
}

/** Maps a position in the body with `cuts` left out back to the body. */
function unmapper(cuts: ReadonlyArray<[number, number]>): (at: number) => number {
  const points: Array<[number, number]> = [];
  let removed = 0;
  for (const [a, b] of cuts) {
    points.push([a - removed, b - a]);
    removed += b - a;
  }
  return (at) => {
    let shift = 0;
    for (const [point, length] of points) if (at >= point) shift += length;
    return at + shift;
  };
}

/** The members that are large and unreported, each up to the next member's key, where `where`
 * holds for their start: the last member has no comma after it and stays. */
function cuttableMembers(members: BodySpans['members'], where: (start: number) => boolean, at: (i: number) => number = (i) => i): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < members.length; i++) {
    const m = members[i]!;
    const start = at(m.start);
    const next = at(members[i + 1]!.start);
    if (where(start) && !REPORTED.has(m.name) && next - start >= MIN_MEMBER_BYTES) out.push([start, next]);
  }
  return out;
}

export class ScanMemo {
  /** Oldest first. */
  #bodies: Remembered[] = [];
  #bytes = 0;
  #hits = 0;

  /** How many scans were of a continuation, with parts cut out. */
  get hits(): number {
    return this.#hits;
  }

  /** scanMessagesBody's answer for `raw`. */
  scan(raw: Buffer): MessagesScan | null {
    if (raw.length < MIN_BODY_BYTES) return scanMessagesBody(raw);
    for (let i = this.#bodies.length - 1; i >= 0; i--) {
      const p = this.#bodies[i]!;
      const found = plan(p, raw);
      if (!found) continue;
      const scan = this.#scanContinuation(raw, p, found);
      if (scan) return scan;
      break;
    }
    const spans = emptySpans();
    const scan = scanMessagesBody(raw, spans);
    if (scan && remembers(scan, spans)) {
      const [head, close] = [spans.messagesStart + 1, spans.messagesEnd - 1];
      const before = cuttableMembers(spans.members, (start) => start < head);
      const after = cuttableMembers(spans.members, (start) => start > close);
      this.#remember({ bytes: raw, size: raw.length, head, ends: spans.ends, lastUser: spans.lastUser, close, before, after });
    }
    return scan;
  }

  /** The scan of `raw` with the parts it repeats of `p` cut out, or null to scan it whole. */
  #scanContinuation(raw: Buffer, p: Remembered, found: Plan): MessagesScan | null {
    const spans = emptySpans();
    const scan = scanMessagesBody(applyByteEdits(raw, found.cuts.map(([start, end]) => ({ start, end, insert: NOTHING }))), spans);
    // With no user message after the kept ones, the last is among them: the whole scan finds it.
    if (!scan || !scan.lastUserContent || !remembers(scan, spans)) return null;
    const back = unmapper(found.cuts);
    const close = back(spans.messagesEnd - 1);
    // Members past the array were cut where they lay after it in `p`; the array must close there.
    if (found.close !== null && close !== found.close) return null;
    this.#hits++;
    this.#forget(this.#bodies.indexOf(p));
    const ends = p.ends.slice(0, found.kept).concat(spans.ends.map(back));
    const after = found.close === null ? cuttableMembers(spans.members, (start) => start > close, back) : found.cuts.slice(p.before.length + 1);
    this.#remember({ bytes: raw, size: raw.length, head: p.head, ends, lastUser: found.kept + spans.lastUser, close, before: p.before, after });
    return { ...scan, lastUserContent: unmapContent(scan.lastUserContent, back) };
  }

  #remember(r: Remembered): void {
    bodyPool.retain(r.bytes);
    this.#bodies.push(r);
    this.#bytes += r.size;
    while (this.#bodies.length > 1 && (this.#bytes > MAX_BYTES || this.#bodies.length > MAX_BODIES)) this.#forget(0);
  }

  #forget(i: number): void {
    const [p] = this.#bodies.splice(i, 1);
    this.#bytes -= p!.size;
    bodyPool.release(p!.bytes);
  }
}

/** Bodies a continuation can be cut from: one messages array, and no top-level breakpoint, whose removal spans the members around it. */
function remembers(scan: MessagesScan, spans: BodySpans): boolean {
  return scan.hasMessages && spans.messagesCount === 1 && scan.cacheControl === null;
}

function unmapContent(c: ContentScan, back: (at: number) => number): ContentScan {
  const opt = (at: number): number => (at < 0 ? at : back(at));
  return { ...c, start: back(c.start), end: back(c.end), lastStart: opt(c.lastStart), lastEnd: opt(c.lastEnd) };
}
