/**
 * The modifier applied to bytes: what applyModifier does to a parsed body, done by
 * splicing the text (and a moved breakpoint) into the body as received, so the main
 * thread neither decodes, parses nor re-serializes 76 KB per request.
 *
 * Everything the modifier does not change keeps the client's bytes. For a body already in
 * JSON.stringify's form (Claude Code's are) the result is byte for byte what stringifying
 * applyModifier's result gives; for any other body it parses to the very same value (same
 * key order), and only differs in how the untouched parts were written: whitespace,
 * escapes, numbers. That is what a proxy should do: a prompt cache keys on the prefix.
 *
 * null when the splice could differ from the parsed road: bytes that are not UTF-8 (the
 * decode would replace them), a modifier text with a lone surrogate (it could pair up with
 * one the content ends with), or anything the scan is unsure of.
 */
import { isUtf8 } from 'node:buffer';
import { applyByteEdits, type ByteEdit } from '../lib/byte-edits.js';
import type { ScanMemo } from './scan-memo.js';
import { scanMessagesBody, type ContentScan, type CacheControlScan } from './scan-messages.js';

/** What the Messages route needs from a request body. */
export interface SplicedBody {
  model: string | null;
  stream: boolean;
  modified: boolean;
  /** The bytes to forward: `raw` itself when the modifier changed nothing. A splice's are
   * only joined when read: the proxy writes `edits` out as views of `raw` (editedChunks). */
  forwarded: Buffer;
  /** The splice that made `forwarded` from `raw`; null when nothing was spliced (unchanged, or re-serialized). */
  edits: readonly ByteEdit[] | null;
}

interface Edit {
  /** Bytes [start, end) of the body are replaced by `insert`. */
  start: number;
  end: number;
  insert: Array<Buffer | string>;
}

const LONE_SURROGATE = /\p{Cs}/u;

let lastText = { text: '', escaped: null as Buffer | null };

/** The text as it appears between the quotes of a JSON.stringify'd string; null when it
 * has a lone surrogate. */
function escapedText(text: string): Buffer | null {
  if (lastText.text !== text) {
    lastText = { text, escaped: LONE_SURROGATE.test(text) ? null : Buffer.from(JSON.stringify(text).slice(1, -1)) };
  }
  return lastText.escaped;
}

function textBlock(escaped: Buffer): Array<Buffer | string> {
  return ['{"type":"text","text":"', escaped, '"}'];
}

/** The edits applyModifier's change amounts to, given the top-level breakpoint to move. */
function contentEdits(raw: Buffer, content: ContentScan, moved: CacheControlScan | null, escaped: Buffer): Edit[] {
  const close = content.end - 1; // the closing quote or bracket
  if (content.kind === 'string') {
    if (!moved) return [{ start: close, end: close, insert: [escaped] }];
    const breakpoint = raw.subarray(moved.start, moved.end);
    const original = raw.subarray(content.start, content.end);
    const block = ['[{"type":"text","text":', original, ',"cache_control":', breakpoint, '},'];
    return [{ start: content.start, end: content.end, insert: [...block, ...textBlock(escaped), ']'] }];
  }
  const edits: Edit[] = [];
  if (moved && !content.lastHasCacheControl) {
    const at = content.lastEnd - 1; // the last block's closing brace
    const comma = content.lastIsEmptyObject ? '' : ',';
    edits.push({ start: at, end: at, insert: [comma, '"cache_control":', raw.subarray(moved.start, moved.end)] });
  }
  edits.push({ start: close, end: close, insert: [content.lastStart >= 0 ? ',' : '', ...textBlock(escaped)] });
  return edits;
}

/** The edits in body order, each insert joined into one buffer. */
function byteEdits(edits: Edit[]): ByteEdit[] {
  return edits
    .sort((a, b) => a.start - b.start)
    .map((e) => ({ start: e.start, end: e.end, insert: Buffer.concat(e.insert.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))) }));
}

/** `memo`, if given, scans a continuation of a body it scanned before by its new bytes (scan-memo.ts). */
export function spliceMessagesBody(raw: Buffer, text: string, memo?: ScanMemo): SplicedBody | null {
  if (!isUtf8(raw)) return null;
  const scan = memo ? memo.scan(raw) : scanMessagesBody(raw);
  if (!scan) return null;
  const unchanged: SplicedBody = { model: scan.model, stream: scan.stream, modified: false, forwarded: raw, edits: null };
  const content = scan.lastUserContent;
  if (text === '' || !scan.hasMessages || !content || content.kind === 'other') return unchanged;
  const escaped = escapedText(text);
  if (!escaped) return null;

  // As movedBreakpoint: an object breakpoint moves when there is a block to carry it.
  const cc = scan.cacheControl;
  const carrier = content.kind === 'string' || content.lastIsObject;
  const moved = cc && cc.isObject && carrier ? cc : null;
  const edits = contentEdits(raw, content, moved, escaped);
  if (moved) edits.push({ start: moved.cutStart, end: moved.cutEnd, insert: [] });
  const splice = byteEdits(edits);
  let joined: Buffer | undefined;
  return {
    ...unchanged,
    modified: true,
    get forwarded() {
      return (joined ??= applyByteEdits(raw, splice));
    },
    edits: splice,
  };
}
