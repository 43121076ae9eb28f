/**
 * What goes into the full-text index, and how user input becomes an FTS5 query.
 * Pure functions: the writer calls the first, the reader the second.
 */
import { isUtf8 } from 'node:buffer';
import { fromBinary, onlyAsciiEscapes } from '../lib/binary-json.js';

/** Per-field cap on indexed text (characters): bounds index size and insert cost for huge bodies. */
export const FTS_FIELD_CAP = 256 * 1024;

/** Bodies longer than this are indexed as raw text instead of being parsed first. */
const PARSE_LIMIT = 4 * 1024 * 1024;

/** Long strings without whitespace are base64 (images, PDFs, thinking signatures): noise to a search. */
const OPAQUE_STRING_LENGTH = 512;

/** Keys under an SSE `delta` whose values continue the previous fragment of the same text. */
const CONTINUATION_KEYS = new Set(['text', 'thinking', 'partial_json', 'content', 'reasoning_content']);

/**
 * The text a user would search for in a body. JSON is reduced to its string values so that
 * escapes (`\n`, `\u00e9`) do not glue or split words; an SSE stream is reduced to its
 * events' strings with text deltas re-joined; anything else is indexed as is.
 */
export function searchableText(body: string | null | undefined, cap = FTS_FIELD_CAP): string | null {
  if (body === null || body === undefined || body === '') return null;
  let text: string | null = null;
  if (body.length <= PARSE_LIMIT) {
    text = fromJson(body) ?? fromSse(body);
  }
  text ??= body;
  return text.length > cap ? text.slice(0, cap) : text;
}

/**
 * searchableText of UTF-8 bytes, without decoding a JSON body whole: parsed as binary JSON
 * (see binary-json.ts), only the string values kept are decoded, and mostly they are ASCII.
 * Exactly searchableText(bytes.toString('utf8')); whatever the shortcut cannot vouch for
 * (invalid UTF-8, non-ASCII escapes, not a JSON object or array) takes that road itself.
 */
export function searchableBytes(bytes: Buffer, cap = FTS_FIELD_CAP): string | null {
  // A body this size decodes to at most as many characters, so searchableText would parse it too.
  if (bytes.length > 0 && bytes.length <= PARSE_LIMIT && isUtf8(bytes)) {
    const binary = bytes.toString('latin1');
    if (onlyAsciiEscapes(binary)) {
      let value: unknown = null;
      try {
        value = JSON.parse(binary);
      } catch {
        // Not JSON: SSE or plain text, handled below.
      }
      if (value !== null && typeof value === 'object') {
        const out: string[] = [];
        collectStrings(value, out, fromBinary);
        const text = out.join('\n');
        return text.length > cap ? text.slice(0, cap) : text;
      }
    }
  }
  return searchableText(bytes.toString('utf8'), cap);
}

function fromJson(body: string): string | null {
  const first = body.trimStart()[0];
  if (first !== '{' && first !== '[') return null;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  const out: string[] = [];
  collectStrings(value, out);
  return out.join('\n');
}

/**
 * Text deltas are concatenated in their own buffer (a word may be split across events);
 * every other string goes to a separate list, so ids and model names repeated in each
 * OpenAI chunk cannot cut a word in two.
 */
function fromSse(body: string): string | null {
  if (!/^(event|data):/m.test(body)) return null;
  const parts: SsePart = { deltas: [], others: [], block: undefined };
  for (const line of body.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') continue;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      parts.others.push(data);
      continue;
    }
    // A new content block (Anthropic's `index`) starts a new line of text.
    const block = (value as { index?: unknown } | null)?.index;
    if (block !== parts.block) {
      parts.block = block;
      parts.deltas.push('\n');
    }
    collectSse(value, parts);
  }
  return [...parts.others, parts.deltas.join('')].join('\n');
}

interface SsePart {
  deltas: string[];
  others: string[];
  block: unknown;
}

/** Walks with an explicit stack, so a body nested 10 000 levels deep cannot overflow the call stack. */
function collectSse(root: unknown, parts: SsePart): void {
  const stack: Array<{ value: unknown; key: string | undefined; inDelta: boolean }> = [{ value: root, key: undefined, inDelta: false }];
  while (stack.length > 0) {
    const { value, key, inDelta } = stack.pop()!;
    if (typeof value === 'string') {
      if (isOpaque(value) || key === 'type') continue;
      if (inDelta && key !== undefined && CONTINUATION_KEYS.has(key)) parts.deltas.push(value);
      else parts.others.push(value);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key, inDelta });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        stack.push({ value: v, key: k, inDelta: inDelta || k === 'delta' });
      }
    }
  }
}

/** Every string value in document order; iterative for the same reason as collectSse. */
function collectStrings(root: unknown, out: string[], decode?: (s: string) => string): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      const s = decode ? decode(value) : value;
      if (!isOpaque(s)) out.push(s);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
    } else if (value !== null && typeof value === 'object') {
      const values = Object.values(value);
      for (let i = values.length - 1; i >= 0; i--) stack.push(values[i]);
    }
  }
}

function isOpaque(s: string): boolean {
  return s.length > OPAQUE_STRING_LENGTH && !/\s/.test(s);
}

/** Terms beyond this are ignored: a pasted paragraph should not become a 500-way AND. */
const MAX_TERMS = 32;

/** unicode61 makes tokens of letters, numbers and private-use characters; everything else separates. */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

/**
 * Turns arbitrary user input into a valid FTS5 expression: every whitespace-separated term
 * becomes a quoted phrase with a prefix match on its last token (search as you type), and
 * the terms are ANDed. Operators, quotes, colons, parentheses and stars lose their meaning.
 * Returns null when the input has nothing the index could contain, so the caller can answer
 * "no match" without asking SQLite.
 */
export function toFtsQuery(input: string): string | null {
  return toFtsTerms(input)?.join(' AND ') ?? null;
}

/** toFtsQuery's terms, each a valid FTS5 expression of its own. */
export function toFtsTerms(input: string): string[] | null {
  const terms = input
    // Lone surrogates and control characters cannot be in the index and confuse the parser.
    .replace(/[\p{Cc}\p{Cs}]/gu, ' ')
    .split(/\s+/u)
    .filter((term) => TOKEN_CHAR.test(term))
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term.replace(/"/g, '""')}"*`);
}

/**
 * The rows matching one full-text term, bound twice: through their response (and, for
 * rows from before schema 2, their request) in exchanges_fts, or through a request part in
 * parts_fts. A row links only the parts it added to its parts base (parts.ts), so a part's
 * rows are the ones linking it and every row continuing from those.
 */
export const ROWS_MATCHING_TERM =
  '(seq IN (SELECT rowid FROM exchanges_fts WHERE exchanges_fts MATCH ?) OR seq IN (' +
  'WITH RECURSIVE hit(seq) AS (SELECT seq FROM exchange_parts WHERE part IN (SELECT rowid FROM parts_fts WHERE parts_fts MATCH ?)' +
  ' UNION SELECT e.seq FROM exchanges e JOIN hit ON e.parts_base = hit.seq) SELECT seq FROM hit))';
