/**
 * Rate-limit headers as the dashboard shows them. API keys get per-minute buckets
 * (`anthropic-ratelimit-<bucket>-limit|remaining|reset`, RFC 3339 resets); subscription
 * (OAuth) accounts get unified windows (`anthropic-ratelimit-unified-<window>-utilization|
 * reset|status`, a spent fraction and an epoch-seconds reset) plus an overall status. Any
 * other header is kept as it came, so nothing upstream sends is hidden. Pure.
 */
import type { RateLimitEntry } from '../../proxy/contract/types.js';
import { formatInteger, formatPercent, type Tone } from './format.js';

const PREFIX = 'anthropic-ratelimit-';
const UNIFIED = `${PREFIX}unified-`;

export interface Bucket {
  name: string;
  limit: number | null;
  remaining: number | null;
  resetAt: number | null;
}

export interface UnifiedWindow {
  /** "5h", "7d", … as upstream names it. */
  name: string;
  /** Spent fraction, 0 to 1. */
  utilization: number | null;
  status: string | null;
  resetAt: number | null;
}

export interface RateLimitView {
  credential: string;
  updatedAt: number;
  status: number;
  buckets: Bucket[];
  unified: { status: string | null; resetAt: number | null; windows: UnifiedWindow[] } | null;
  retryAfterSeconds: number | null;
  /** Everything else, by header name. */
  other: Array<[string, string]>;
}

export type LimitTone = Extract<Tone, 'ok' | 'warn' | 'error'>;

const num = (v: string): number | null => {
  const n = Number(v.trim());
  return v.trim() !== '' && Number.isFinite(n) ? n : null;
};

/** RFC 3339, or epoch seconds (the unified headers). */
export function parseReset(value: string): number | null {
  const n = num(value);
  if (n !== null) return n * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

function splitSuffix(rest: string, suffixes: readonly string[]): [string, string] | null {
  for (const s of suffixes) if (rest.endsWith(`-${s}`)) return [rest.slice(0, -s.length - 1), s];
  return null;
}

export function rateLimitView(entry: RateLimitEntry): RateLimitView {
  const buckets = new Map<string, Bucket>();
  const windows = new Map<string, UnifiedWindow>();
  let unified: RateLimitView['unified'] = null;
  let retryAfterSeconds: number | null = null;
  const other: Array<[string, string]> = [];
  const unifiedOf = () => (unified ??= { status: null, resetAt: null, windows: [] });
  for (const [name, value] of Object.entries(entry.headers)) {
    if (name === 'retry-after') {
      retryAfterSeconds = num(value);
      if (retryAfterSeconds === null) other.push([name, value]);
    } else if (name === `${UNIFIED}status`) {
      unifiedOf().status = value;
    } else if (name === `${UNIFIED}reset`) {
      unifiedOf().resetAt = parseReset(value);
    } else if (name.startsWith(UNIFIED)) {
      const split = splitSuffix(name.slice(UNIFIED.length), ['utilization', 'reset', 'status']);
      if (!split) {
        unifiedOf();
        other.push([name, value]);
        continue;
      }
      const [window, field] = split;
      const w = windows.get(window) ?? { name: window, utilization: null, status: null, resetAt: null };
      if (field === 'utilization') w.utilization = num(value);
      else if (field === 'reset') w.resetAt = parseReset(value);
      else w.status = value;
      windows.set(window, w);
      unifiedOf();
    } else if (name.startsWith(PREFIX)) {
      const split = splitSuffix(name.slice(PREFIX.length), ['limit', 'remaining', 'reset']);
      if (!split) {
        other.push([name, value]);
        continue;
      }
      const [bucketName, field] = split;
      const b = buckets.get(bucketName) ?? { name: bucketName, limit: null, remaining: null, resetAt: null };
      if (field === 'limit') b.limit = num(value);
      else if (field === 'remaining') b.remaining = num(value);
      else b.resetAt = parseReset(value);
      buckets.set(bucketName, b);
    } else {
      other.push([name, value]);
    }
  }
  if (unified) (unified as NonNullable<RateLimitView['unified']>).windows = [...windows.values()];
  return { credential: entry.credential, updatedAt: entry.updatedAt, status: entry.status, buckets: [...buckets.values()], unified, retryAfterSeconds, other };
}

/** Where the bucket stands, 0 (used up) to 1 (untouched), rounded down to a tenth of a percent
 * so that 3,999 of 4,000 never reads as 100%; null without both numbers. */
export function remainingFraction(b: Bucket): number | null {
  return b.limit !== null && b.remaining !== null && b.limit > 0 ? Math.floor((b.remaining / b.limit) * 1000) / 1000 : null;
}

export function limitTone(view: RateLimitView): LimitTone {
  const u = view.unified;
  if (view.status === 429 || view.retryAfterSeconds !== null || u?.status === 'rejected' || u?.windows.some((w) => w.status === 'rejected')) return 'error';
  if (u?.status === 'allowed_warning' || u?.windows.some((w) => (w.utilization ?? 0) >= 0.8)) return 'warn';
  if (view.buckets.some((b) => (remainingFraction(b) ?? 1) < 0.1)) return 'warn';
  return 'ok';
}

/** One short line for the status header. */
export function headline(view: RateLimitView): string {
  const parts: string[] = [];
  if (view.retryAfterSeconds !== null) parts.push(`retry after ${view.retryAfterSeconds}s`);
  if (view.unified) {
    for (const w of view.unified.windows) if (w.utilization !== null) parts.push(`${w.name} ${formatPercent(w.utilization, 0)} used`);
    if (parts.length === 0 && view.unified.status) parts.push(view.unified.status);
  }
  // Requests are few enough to count; token buckets read better as a share.
  const requests = view.buckets.find((b) => b.name === 'requests');
  if (requests?.remaining != null) parts.push(`requests ${formatInteger(requests.remaining)}${requests.limit !== null ? `/${formatInteger(requests.limit)}` : ''} left`);
  const tokens = view.buckets.find((b) => b.name === 'tokens') ?? view.buckets.find((b) => b.name !== 'requests' && remainingFraction(b) !== null);
  const share = tokens ? remainingFraction(tokens) : null;
  if (tokens && share !== null) parts.push(`${tokens.name} ${formatPercent(share)} left`);
  return parts.join(' · ') || 'no limits reported';
}
