/**
 * What a replay sends: the stored exchange's method, path and non-secret headers, with its
 * original bytes or the edited body, and the link header that ties the result to the
 * original. Pure; the host does the sending (replay.ts).
 */
import { replayCredentials } from '../contract/credentials.js';
import type { ExchangeRecord } from '../contract/types.js';
import { AddendumError } from '../lib/errors.js';
import { isSecretHeader } from '../lib/redact.js';
import { REPLAY_HEADER } from '../http/replay-link.js';

export type ReplayErrorCode = 'REPLAY_NO_CREDENTIALS' | 'REPLAY_UNAVAILABLE' | 'NOT_FOUND';
export class ReplayError extends AddendumError<ReplayErrorCode> {}

/** Headers that describe one connection or one body, not the request: Node sets them anew. */
const NOT_REPLAYED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
  'accept-encoding',
]);

export interface ReplaySpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

export interface ReplayOptions {
  /** Replaces the stored original body. */
  body?: string;
  /** The header value from issueReplayTicket. */
  link: string;
  apiKey: { set: boolean; last4: string | null };
}

/** Stored headers are kept as sent, minus secrets (masked) and the proxy's own (x-addendum-*). */
export function replayHeaders(stored: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored)) {
    const lower = name.toLowerCase();
    if (NOT_REPLAYED.has(lower) || isSecretHeader(lower) || lower.startsWith('x-addendum-')) continue;
    out[lower] = value;
  }
  return out;
}

export function buildReplayRequest(record: ExchangeRecord, options: ReplayOptions): ReplaySpec {
  const credentials = replayCredentials(record.requestHeaders, options.apiKey);
  if (!credentials.ok) throw new ReplayError('REPLAY_NO_CREDENTIALS', credentials.description);
  const text = options.body ?? record.originalBody;
  if (text === null && record.method !== 'GET' && record.method !== 'HEAD') {
    throw new ReplayError('REPLAY_UNAVAILABLE', 'The original request body was not stored, so there is nothing to send again; edit a body to send instead.');
  }
  const body = text === null ? null : Buffer.from(text, 'utf8');
  const headers = replayHeaders(record.requestHeaders);
  if (body !== null) headers['content-length'] = String(body.length);
  headers[REPLAY_HEADER] = options.link;
  return { method: record.method, path: record.path, headers, body };
}
