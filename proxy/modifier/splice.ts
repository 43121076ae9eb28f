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
import { scanMessagesBody, type ContentScan, type CacheControlScan } from './scan-messages.js';

/** What the Messages route needs from a request body. */
export interface SplicedBody {
  model: string | null;
  stream: boolean;
  modified: boolean;
  /** The bytes to forward: `raw` itself when the modifier changed nothing. */
  forwarded: Buffer;
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

function applyEdits(raw: Buffer, edits: Edit[]): Buffer {
  edits.sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(raw.subarray(at, e.start));
    for (const piece of e.insert) parts.push(typeof piece === 'string' ? Buffer.from(piece) : piece);
    at = e.end;
  }
  parts.push(raw.subarray(at));
  return Buffer.concat(parts);
}

export function spliceMessagesBody(raw: Buffer, text: string): SplicedBody | null {
  if (!isUtf8(raw)) return null;
  const scan = scanMessagesBody(raw);
  if (!scan) return null;
  const unchanged: SplicedBody = { model: scan.model, stream: scan.stream, modified: false, forwarded: raw };
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
  return { ...unchanged, modified: true, forwarded: applyEdits(raw, edits) };
}
