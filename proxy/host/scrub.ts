import { isRecord } from '../lib/json.js';
import { scrubSecrets } from '../lib/redact.js';

/** Replaces the secret in every string of a JSON-like value; returns the input itself when
 * there is nothing to replace (the common case, checked with one serialization). */
export function scrubDeep<T>(value: T, secrets: ReadonlyArray<string | null>): T {
  const live = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  if (live.length === 0 || value === undefined) return value;
  const text = JSON.stringify(value);
  if (text === undefined || !live.some((s) => text.includes(s))) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubSecrets(v, live);
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
