/** Mapping between ExchangeRecord and table rows, and the list cursor. Pure. */
import { isUtf8 } from 'node:buffer';
import type { ExchangeRecord, ExchangeSummary, Usage } from '../contract/types.js';
import { unpackText } from './codec.js';
import { HistoryError } from './errors.js';
import type { QueuedRecord } from './protocol.js';
import { searchableBytes, searchableText } from './search-text.js';

/** Parameters of the insert statement, named after the columns. */
export interface ExchangeRow {
  seq: number;
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
  body_format: number;
  original_manifest: Buffer | null;
  forwarded_manifest: Buffer | null;
  /** Which manifests are deltas, on the parts base's (manifest-chain.ts); resolve before reading. */
  manifest_delta: number | null;
  parts_base: number | null;
  original_sha: Buffer | null;
  forwarded_sha: Buffer | null;
  response_packed: Buffer | null;
  assembled_packed: Buffer | null;
  headers_packed: Buffer | null;
  replay_of: string | null;
  /** Not a column: the session's key, selected alongside by the reader (SESSION_KEY_SQL). */
  session_key?: string | null;
}

/** The size the pre-parts schema showed: bytes of the stored text, which for invalid UTF-8 is the decoded text. */
export function textSize(b: Uint8Array): number {
  return isUtf8(b) ? b.length : Buffer.byteLength(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
}

export const ROW_COLUMNS = [
  'id', 'started_at', 'ttfb_ms', 'duration_ms', 'method', 'path', 'dialect', 'model', 'stream',
  'status', 'outcome', 'stop_reason', 'usage_input', 'usage_output', 'usage_cache_read',
  'usage_cache_creation', 'error', 'user_agent', 'modified', 'response_truncated', 'original_size',
  'forwarded_size', 'response_size', 'assembled_size', 'request_headers', 'response_headers',
  'original_body', 'forwarded_body', 'response_body', 'assembled',
] as const satisfies readonly (keyof ExchangeRow)[];

/** Columns written when a row is first inserted; bodies, headers and the session follow (record-writer.ts).
 * replay_of came with schema 3, so it is not among ROW_COLUMNS, which a schema-1 file has. */
type BodyColumn = 'request_headers' | 'response_headers' | 'original_body' | 'forwarded_body' | 'response_body' | 'assembled';
export const META_COLUMNS = [
  ...ROW_COLUMNS.filter(
    (c): c is Exclude<(typeof ROW_COLUMNS)[number], BodyColumn> => !c.endsWith('_headers') && !c.endsWith('_body') && c !== 'assembled',
  ),
  'replay_of' as const,
];

/** Selected next to a row: the key of its session (SessionSummary.id), null while unplaced. */
export const SESSION_KEY_SQL = '(SELECT key FROM sessions WHERE sessions.id = exchanges.session) AS session_key';

export type MetaRow = Pick<ExchangeRow, (typeof META_COLUMNS)[number]>;

/** Columns a list row needs: everything except headers and bodies. */
export const SUMMARY_COLUMNS = META_COLUMNS;

const bool = (b: unknown): number => (b ? 1 : 0);
/** Timings may come from performance.now() differences; the columns hold whole milliseconds. */
const ms = (n: number | null | undefined): number | null =>
  typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : null;
const int = (n: number | null | undefined): number | null =>
  typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : null;
const str = (s: unknown): string | null => (typeof s === 'string' ? s : null);

/** A queued body as bytes: text is encoded, bytes (a plain Uint8Array after crossing threads) are viewed without a copy. */
export function bodyBytes(v: unknown): Buffer | null {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (!(v instanceof Uint8Array)) return null;
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export interface BodySizes {
  original: number;
  forwarded: number;
  response: number;
  assembled: number;
}

export function toMetaRow(r: QueuedRecord, sizes: BodySizes): MetaRow {
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
    original_size: sizes.original,
    forwarded_size: sizes.forwarded,
    response_size: sizes.response,
    assembled_size: sizes.assembled,
    replay_of: str(r.replayOf),
  };
}

/** The response's text for the index: the assembled message of a stream, else the body. */
export function responseSearchText(assembled: string | null, response: Buffer | null): string | null {
  return assembled !== null ? searchableText(assembled) : response === null ? null : searchableBytes(response);
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

type SummaryRow = Pick<ExchangeRow, (typeof SUMMARY_COLUMNS)[number] | 'session_key'>;

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
    ...(row.replay_of ? { replayOf: row.replay_of } : {}),
    ...(row.session_key !== undefined ? { session: row.session_key } : {}),
  };
}

/** Bodies and headers of a row in either shape; `rebuild` turns a manifest back into bytes. */
export function recordFromRow(row: ExchangeRow, rebuild: (manifest: Buffer, sha: Buffer | null) => Buffer): ExchangeRecord {
  const { sizes: _sizes, ...summary } = summaryFromRow(row);
  if (row.body_format !== 2) {
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
  const text = (m: Buffer | null, sha: Buffer | null): string | null => (m === null ? null : rebuild(m, sha).toString('utf8'));
  const original = text(row.original_manifest, row.original_sha);
  // No manifest: the original was forwarded as is (its hash is kept) or nothing was forwarded.
  const forwarded =
    row.forwarded_manifest !== null ? text(row.forwarded_manifest, row.forwarded_sha) : row.forwarded_sha !== null ? original : null;
  const headers = row.headers_packed ? (JSON.parse(unpackText(row.headers_packed)) as [unknown, unknown]) : [{}, {}];
  return {
    ...summary,
    requestHeaders: headerObject(headers[0]),
    originalBody: original,
    forwardedBody: forwarded,
    responseHeaders: headerObject(headers[1]),
    responseBody: row.response_packed ? unpackText(row.response_packed) : null,
    assembled: row.assembled_packed ? unpackText(row.assembled_packed) : null,
  };
}

function headerObject(value: unknown): Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
}

function parseHeaders(json: string): Record<string, string> {
  try {
    return headerObject(JSON.parse(json));
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
