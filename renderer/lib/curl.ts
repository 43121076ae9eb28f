import type { ExchangeRecord } from '../../proxy/contract/types.js';
import { isSecretHeader } from '../../proxy/lib/redact.js';

/** Headers curl sets itself or that describe the old connection, not the request. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'accept-encoding',
  'te',
  'upgrade',
  'expect',
]);

const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** POSIX single-quoting: nothing inside is expanded, so a body cannot run commands. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  /** Where to send it, e.g. the configured upstream URL. */
  baseUrl: string;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Replays the request exactly as Addendum forwarded it. It targets the upstream rather
 * than the proxy: sending the forwarded body through the proxy would append the modifier
 * a second time. The key is never included; the shell fills it from `$ANTHROPIC_API_KEY`.
 */
export function buildCurl(record: Pick<ExchangeRecord, 'method' | 'path' | 'dialect' | 'stream' | 'requestHeaders' | 'forwardedBody' | 'originalBody'>, options: CurlOptions): string {
  // The OpenAI routes forward a translated Messages request.
  const path = record.dialect === 'openai' ? '/v1/messages' : record.path;
  const headers: Array<[string, string]> = [];
  let hasVersion = false;
  let hasContentType = false;
  for (const [rawName, value] of Object.entries(record.requestHeaders)) {
    const name = rawName.toLowerCase();
    if (isSecretHeader(name) || TRANSPORT_HEADERS.has(name) || value.includes('[redacted')) continue;
    // An OpenAI client's headers describe the OpenAI call, not the forwarded one.
    if (record.dialect === 'openai' && !name.startsWith('anthropic-') && name !== 'content-type') continue;
    if (name === 'anthropic-version') hasVersion = true;
    if (name === 'content-type') hasContentType = true;
    headers.push([name, value]);
  }
  const body = record.forwardedBody ?? record.originalBody;
  if (!hasVersion) headers.push(['anthropic-version', DEFAULT_ANTHROPIC_VERSION]);
  if (body && !hasContentType) headers.push(['content-type', 'application/json']);

  const lines = [`curl${record.stream ? ' -N' : ''} -X ${record.method.toUpperCase()} ${shellQuote(joinUrl(options.baseUrl, path))}`];
  lines.push(`  -H "x-api-key: $ANTHROPIC_API_KEY"`);
  for (const [name, value] of headers) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  if (body) lines.push(`  --data-binary ${shellQuote(body)}`);
  return lines.join(' \\\n');
}
