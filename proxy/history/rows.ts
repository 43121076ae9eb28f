/** Mapping between ExchangeRecord and table rows, and the list cursor. Pure. */
import { isUtf8 } from 'node:buffer';
import type { ExchangeRecord, ExchangeSummary, Usage } from '../contract/types.js';
import { HistoryError } from './errors.js';
import type { QueuedRecord } from './protocol.js';
import { searchableBytes, searchableText } from './search-text.js';

/** Parameters of the insert statement, named after the columns. */
export interface ExchangeRow {
  id: string;
  started_at: number;
  ttfb_ms: number | null;
  duration_ms: number | null;
  method: string;
  path: string;
  dialect: string;
  model: string | null;
  stream: number;
  status: number | null;
  outcome: string;
  stop_reason: string | null;
  usage_input: number | null;
  usage_output: number | null;
  usage_cache_read: number | null;
  usage_cache_creation: number | null;
  error: string | null;
  user_agent: string | null;
  modified: number;
  response_truncated: number;
  original_size: number;
  forwarded_size: number;
  response_size: number;
  assembled_size: number;
  request_headers: string;
  response_headers: string;
  original_body: string | null;
  forwarded_body: string | null;
  response_body: string | null;
  assembled: string | null;
}

export const ROW_COLUMNS = [
  'id', 'started_at', 'ttfb_ms', 'duration_ms', 'method', 'path', 'dialect', 'model', 'stream',
  'status', 'outcome', 'stop_reason', 'usage_input', 'usage_output', 'usage_cache_read',
  'usage_cache_creation', 'error', 'user_agent', 'modified', 'response_truncated', 'original_size',
  'forwarded_size', 'response_size', 'assembled_size', 'request_headers', 'response_headers',
  'original_body', 'forwarded_body', 'response_body', 'assembled',
] as const satisfies readonly (keyof ExchangeRow)[];

/** Columns that may be bound as UTF-8 bytes; the insert casts them to TEXT. */
export const BODY_COLUMNS: ReadonlySet<string> = new Set(['original_body', 'forwarded_body', 'response_body']);

type BodyParam = string | Buffer | null;

/** Insert parameters: as a row, but bodies may still be (valid) UTF-8 bytes. */
export type InsertRow = Omit<ExchangeRow, 'original_body' | 'forwarded_body' | 'response_body'> & {
  original_body: BodyParam;
  forwarded_body: BodyParam;
  response_body: BodyParam;
};

/** Columns a list row needs: everything except headers and bodies. */
export const SUMMARY_COLUMNS = ROW_COLUMNS.filter(
  (c) => !c.endsWith('_headers') && !c.endsWith('_body') && c !== 'assembled',
);

const bytes = (s: string | Buffer | null): number => (s === null ? 0 : typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : s.length);
const bool = (b: unknown): number => (b ? 1 : 0);
/** Timings may come from performance.now() differences; the columns hold whole milliseconds. */
const ms = (n: number | null | undefined): number | null =>
  typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : null;
const int = (n: number | null | undefined): number | null =>
  typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : null;
const str = (s: unknown): string | null => (typeof s === 'string' ? s : null);

/**
 * Bytes stay bytes when they are valid UTF-8, so the stored text is exactly what decoding
 * them would give; anything else is decoded here, with the decoder's replacement characters.
 */
function body(v: unknown): BodyParam {
  if (typeof v === 'string') return v;
  if (!(v instanceof Uint8Array)) return null;
  // A zero-length blob could bind as NULL; the empty text is what it means.
  if (v.byteLength === 0) return '';
  // Arrives from the main thread as a plain Uint8Array: view it as a Buffer without copying.
  const buf = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return isUtf8(buf) ? buf : buf.toString('utf8');
}

function searchableBody(v: BodyParam): string | null {
  return v === null || typeof v === 'string' ? searchableText(v) : searchableBytes(v);
}

export function toRow(r: QueuedRecord): InsertRow {
  const originalBody = body(r.originalBody);
  const forwardedBody = r.forwardedBody === r.originalBody ? originalBody : body(r.forwardedBody);
  const responseBody = body(r.responseBody);
  const assembled = str(r.assembled);
  return {
    id: r.id,
    started_at: Math.round(r.startedAt),
    ttfb_ms: ms(r.ttfbMs),
    duration_ms: ms(r.durationMs),
    method: r.method,
    path: r.path,
    dialect: r.dialect,
    model: str(r.model),
    stream: bool(r.stream),
    status: int(r.status),
    outcome: r.outcome,
    stop_reason: str(r.stopReason),
    usage_input: r.usage ? int(r.usage.input) : null,
    usage_output: r.usage ? int(r.usage.output) : null,
    usage_cache_read: r.usage ? int(r.usage.cacheRead) : null,
    usage_cache_creation: r.usage ? int(r.usage.cacheCreation) : null,
    error: str(r.error),
    user_agent: str(r.userAgent),
    modified: bool(r.modified),
    response_truncated: bool(r.responseTruncated),
    original_size: bytes(originalBody),
    forwarded_size: bytes(forwardedBody),
    response_size: bytes(responseBody),
    assembled_size: bytes(assembled),
    request_headers: JSON.stringify(r.requestHeaders ?? {}),
    response_headers: JSON.stringify(r.responseHeaders ?? {}),
    original_body: originalBody,
    forwarded_body: forwardedBody,
    response_body: responseBody,
    assembled,
  };
}

export interface FtsRow {
  original: string | null;
  forwarded: string | null;
  response: string | null;
}

/**
 * The text indexed for a row. The forwarded body is not indexed: it is the original plus
 * the appended text (the same in every row, so it tells no row apart), or for OpenAI
 * routes the same messages translated. Indexing it cost about a third of the writer's time
 * per record in `npm run bench` for no match the original does not already give. The
 * column stays in the FTS table so older databases need no migration.
 */
export function toFtsRow(row: InsertRow): FtsRow {
  return {
    original: searchableBody(row.original_body),
    forwarded: null,
    response: row.assembled !== null ? searchableText(row.assembled) : searchableBody(row.response_body),
  };
}

function usageOf(row: ExchangeRow): Usage | null {
  if (row.usage_input === null && row.usage_output === null && row.usage_cache_read === null && row.usage_cache_creation === null) {
    return null;
  }
  return {
    input: row.usage_input ?? 0,
    output: row.usage_output ?? 0,
    cacheRead: row.usage_cache_read ?? 0,
    cacheCreation: row.usage_cache_creation ?? 0,
  };
}

type SummaryRow = Pick<ExchangeRow, (typeof SUMMARY_COLUMNS)[number]>;

export function summaryFromRow(row: SummaryRow): ExchangeSummary {
  return {
    id: row.id,
    startedAt: row.started_at,
    ttfbMs: row.ttfb_ms,
    durationMs: row.duration_ms,
    method: row.method,
    path: row.path,
    dialect: row.dialect as ExchangeRecord['dialect'],
    model: row.model,
    stream: row.stream === 1,
    status: row.status,
    outcome: row.outcome as ExchangeRecord['outcome'],
    stopReason: row.stop_reason,
    usage: usageOf(row as ExchangeRow),
    error: row.error,
    userAgent: row.user_agent,
    modified: row.modified === 1,
    responseTruncated: row.response_truncated === 1,
    sizes: {
      original: row.original_size,
      forwarded: row.forwarded_size,
      response: row.response_size,
      assembled: row.assembled_size,
    },
  };
}

export function recordFromRow(row: ExchangeRow): ExchangeRecord {
  const { sizes: _sizes, ...summary } = summaryFromRow(row);
  return {
    ...summary,
    requestHeaders: parseHeaders(row.request_headers),
    originalBody: row.original_body,
    forwardedBody: row.forwarded_body,
    responseHeaders: parseHeaders(row.response_headers),
    responseBody: row.response_body,
    assembled: row.assembled,
  };
}

function parseHeaders(json: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Position after the last row of a page: list order is (started_at DESC, seq DESC). */
export interface Cursor {
  startedAt: number;
  seq: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.startedAt, c.seq])).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n))) {
    return { startedAt: value[0] as number, seq: value[1] as number };
  }
  throw new HistoryError('HISTORY_BAD_CURSOR', 'Invalid history cursor; start again from the first page.');
}
