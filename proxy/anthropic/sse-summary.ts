/**
 * The summary of a streamed answer that the log line, the live events and the record's
 * columns need (model, usage, stop reason, an error event), read from the stream's bytes
 * once it has ended. The main thread's work per event is then a write and a copy: the
 * whole message is assembled by the history's writer thread (record-writer.ts).
 *
 * Anthropic writes every event as `event: NAME\ndata: {"type":"NAME",...}\n\n`. Over bytes
 * of that shape, finding the events is a native search for their boundaries, and only
 * message_start, message_delta and error are parsed. Bytes of any other shape (a CR
 * anywhere, since SSE also ends lines there; comments, several data lines, an event name that
 * is not a plain word, an event whose data names another type) are summarized by the full
 * assembler, so the result is the assembler's. One case reads differently: data whose
 * top-level object repeats its `type` key, which JSON.parse resolves to the last one.
 */
import { isRecord } from '../lib/json.js';
import { applyMessageDelta, assembleStream, streamError, summaryOf, type StreamSummary } from './sse-assembler.js';

export type { StreamSummary };

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const EVENT = Buffer.from('event: ');
const DATA_TYPE = Buffer.from('data: {"type":"');
const DATA = Buffer.from('data: ').length;
const BOUNDARY = Buffer.from('\n\n');

/** The three types the summary reads; every other event is only checked for its shape. */
const READ = new Map(['message_start', 'message_delta', 'error'].map((t) => [t, Buffer.from(t)]));

const startsWith = (b: Buffer, at: number, prefix: Buffer): boolean =>
  at + prefix.length <= b.length && b.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;

export function summarizeStream(bytes: Buffer | null): StreamSummary {
  if (bytes === null || bytes.length === 0) return summaryOf(null, null);
  const fast = fastSummary(bytes);
  if (fast) return fast;
  const { model, stopReason, usage, error } = assembleStream(bytes);
  return { model, stopReason, usage, error };
}

/** Null when the bytes are not of the usual shape. */
function fastSummary(b: Buffer): StreamSummary | null {
  if (b.indexOf(CR) >= 0) return null;
  let message: Record<string, unknown> | null = null;
  let error: StreamSummary['error'] = null;
  let pos = 0;
  while (pos < b.length) {
    const boundary = b.indexOf(BOUNDARY, pos);
    // A last event without its blank line still counts, as it does for the assembler.
    const end = boundary < 0 ? (b[b.length - 1] === LF ? b.length - 1 : b.length) : boundary;
    if (!startsWith(b, pos, EVENT)) return null;
    const nameAt = pos + EVENT.length;
    const lineEnd = b.indexOf(LF, nameAt);
    if (lineEnd < 0 || lineEnd >= end) return null;
    const data = lineEnd + 1;
    const typeAt = data + DATA_TYPE.length;
    const nameLength = lineEnd - nameAt;
    // A name with a quote or an escape in it could read as another type once its data is parsed.
    if (!plainWord(b, nameAt, lineEnd)) return null;
    // The data line names the event's own type, and is the event's only other line.
    if (typeAt + nameLength >= end || !startsWith(b, data, DATA_TYPE)) return null;
    if (b.compare(b, nameAt, lineEnd, typeAt, typeAt + nameLength) !== 0 || b[typeAt + nameLength] !== QUOTE) return null;
    const dataEnd = b.indexOf(LF, data);
    if (dataEnd >= 0 && dataEnd < end) return null;
    const type = readType(b, nameAt, lineEnd);
    if (type !== null) {
      let json: unknown;
      try {
        json = JSON.parse(b.toString('utf8', data + DATA, end));
      } catch {
        json = null; // the assembler skips an event it cannot parse, and so does this
      }
      if (isRecord(json)) {
        if (type === 'message_start') message = isRecord(json.message) ? startMessage(json.message) : message;
        else if (type === 'message_delta') {
          if (message) applyMessageDelta(message, json);
        } else error = streamError(json);
      }
    }
    if (boundary < 0) break;
    pos = boundary + BOUNDARY.length;
  }
  return summaryOf(message, error);
}

/** Letters, digits and underscores only: the API's event names. */
function plainWord(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c >= 0x41 && c <= 0x5a))) return false;
  }
  return true;
}

function readType(b: Buffer, start: number, end: number): string | null {
  for (const [type, name] of READ) if (end - start === name.length && b.compare(name, 0, name.length, start, end) === 0) return type;
  return null;
}

/** The fields the summary reads, copied: a delta's usage is merged into its own object. */
function startMessage(m: Record<string, unknown>): Record<string, unknown> {
  return { ...m, usage: isRecord(m.usage) ? { ...m.usage } : m.usage };
}
