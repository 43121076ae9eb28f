import { scrubSecrets } from '../lib/redact.js';
import { mapStrings, stringifyJson } from '../lib/walk.js';

/** Replaces the secret in every string of a JSON-like value; returns the input itself when
 * there is nothing to replace (the common case, checked with one serialization). */
export function scrubDeep<T>(value: T, secrets: ReadonlyArray<string | null>): T {
  const live = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  if (live.length === 0 || value === undefined) return value;
  const text = stringifyJson(value);
  if (text === undefined || !live.some((s) => text.includes(s))) return value;
  return mapStrings(value, (s) => scrubSecrets(s, live)) as T;
}
