/**
 * How a request body is cut into content-addressed parts. Pure.
 *
 * The cut follows the body's own JSON structure (json-spans.ts): each element of
 * `messages` is a part, so a turn shares every earlier message with its parent; `tools`
 * and `system` are parts, so they are stored once per client version; any other
 * top-level value large enough to matter is a part too. What lies between the parts
 * (braces, keys, commas, small values such as `model` or `max_tokens`) is glue, kept
 * inline. Joining glue and parts in order gives back the exact input bytes.
 */
import { topLevelMembers } from './json-spans.js';

/** `edit`: bytes a modifier edit inserts into a part (edited-body.ts), never a segment of a body. */
export type PartKind = 'message' | 'tools' | 'system' | 'value' | 'whole' | 'edit';

export type Segment =
  | { kind: 'glue'; start: number; end: number }
  | { kind: 'part'; part: PartKind; start: number; end: number };

export interface SplitBody {
  segments: Segment[];
  /** Indices into `segments` of the message parts, in message order. */
  messages: number[];
}

/** Top-level values other than messages, tools and system become parts from this size. */
export const VALUE_PART_MIN_BYTES = 1024;
/** Tools and system smaller than this are glue: a part's row would cost more than it saves. */
export const NAMED_PART_MIN_BYTES = 64;
/** Larger bodies are stored whole: splitting them would only hold the writer up longer. */
export const SPLIT_MAX_BYTES = 64 * 1024 * 1024;

function whole(body: Uint8Array): SplitBody {
  return { segments: body.length === 0 ? [] : [{ kind: 'part', part: 'whole', start: 0, end: body.length }], messages: [] };
}

export function splitBody(body: Uint8Array): SplitBody {
  if (body.length > SPLIT_MAX_BYTES) return whole(body);
  const members = topLevelMembers(body);
  if (members === null) return whole(body);
  const segments: Segment[] = [];
  const messages: number[] = [];
  let cursor = 0;
  const glueTo = (end: number): void => {
    if (end > cursor) segments.push({ kind: 'glue', start: cursor, end });
    cursor = end;
  };
  const part = (part: PartKind, start: number, end: number): void => {
    glueTo(start);
    segments.push({ kind: 'part', part, start, end });
    cursor = end;
  };
  for (const m of members) {
    const size = m.end - m.start;
    if (m.elements) {
      for (const e of m.elements) {
        part('message', e.start, e.end);
        messages.push(segments.length - 1);
      }
    } else if ((m.key === 'tools' || m.key === 'system') && size >= NAMED_PART_MIN_BYTES) {
      part(m.key, m.start, m.end);
    } else if (size >= VALUE_PART_MIN_BYTES) {
      part('value', m.start, m.end);
    }
  }
  glueTo(body.length);
  return { segments, messages };
}
