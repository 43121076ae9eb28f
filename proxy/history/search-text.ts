/**
 * What goes into the full-text index, and how user input becomes an FTS5 query.
 * Pure functions: the writer calls the first, the reader the second.
 */

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
  collectStrings(value, out, false);
  return out.join('\n');
}

function fromSse(body: string): string | null {
  if (!/^(event|data):/m.test(body)) return null;
  const out: string[] = [];
  for (const line of body.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') continue;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      out.push('\n', data);
      continue;
    }
    collectStrings(value, out, true);
  }
  return out.join('');
}

/**
 * Appends string values to `out`. In SSE mode parts are pre-joined by the caller with '',
 * so separators are pushed explicitly and delta fragments are pushed without one.
 */
function collectStrings(value: unknown, out: string[], sse: boolean, key?: string, inDelta = false): void {
  if (typeof value === 'string') {
    if (value.length > OPAQUE_STRING_LENGTH && !/\s/.test(value)) return;
    if (!sse) out.push(value);
    else if (inDelta && key !== undefined && CONTINUATION_KEYS.has(key)) out.push(value);
    else out.push('\n', value, '\n');
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, out, sse, key, inDelta);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectStrings(v, out, sse, k, inDelta || k === 'delta');
  }
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
  const terms = input
    // Lone surrogates and control characters cannot be in the index and confuse the parser.
    .replace(/[\p{Cc}\p{Cs}]/gu, ' ')
    .split(/\s+/u)
    .filter((term) => TOKEN_CHAR.test(term))
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term.replace(/"/g, '""')}"*`).join(' AND ');
}
