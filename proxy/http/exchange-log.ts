/** The log lines an exchange writes (exchange.ts): bounded and escaped like every log line. */
import type { QueuedRecord } from '../history/index.js';
import { logValue } from '../lib/log-safe.js';

export function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length} chars)`;
}

export function bodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/** Upstream error messages run longer than names and paths, and are worth reading whole. */
export const ERROR_LOG_MAX = 1024;

export function finishLine(r: QueuedRecord): string {
  const parts = [`← ${r.status ?? '---'} ${logValue(r.method)} ${logValue(r.path)}`];
  if (r.model) parts.push(logValue(r.model));
  parts.push(`${r.durationMs}ms`);
  if (r.ttfbMs !== null) parts.push(`ttfb ${r.ttfbMs}ms`);
  if (r.usage) {
    parts.push(`in ${r.usage.input} out ${r.usage.output}`);
    if (r.usage.cacheRead || r.usage.cacheCreation) parts.push(`cache r${r.usage.cacheRead}/w${r.usage.cacheCreation}`);
  }
  if (r.stopReason) parts.push(logValue(r.stopReason));
  if (r.outcome !== 'ok') parts.push(`[${r.outcome}]`);
  if (r.error) parts.push(logValue(r.error, ERROR_LOG_MAX));
  return parts.join(' ');
}
