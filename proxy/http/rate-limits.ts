/**
 * The latest rate-limit headers per upstream credential, kept in memory from what upstream
 * answers. The capture runs on the request path for every response, so it is one pass over
 * the header names that allocates nothing unless a rate-limit header is there; the label of
 * the credential (never the secret) is worked out only then.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { bearerKind, credentialLabel, last4Of } from '../contract/credentials.js';
import type { RateLimitEntry } from '../contract/types.js';

const PREFIX = 'anthropic-ratelimit-';
const RETRY_AFTER = 'retry-after';

/** Every anthropic-ratelimit-* header and retry-after, or null when there is none. Names
 * from Node's parser are lower case already. */
export function pickRateLimitHeaders(headers: IncomingHttpHeaders): Record<string, string> | null {
  let found: Record<string, string> | null = null;
  for (const name in headers) {
    // 'a' or 'r' first: most names are rejected on their first character.
    const first = name.charCodeAt(0);
    if (first !== 97 && first !== 114) continue;
    if (!(name.startsWith(PREFIX) || name === RETRY_AFTER)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    found ??= {};
    found[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return found;
}

type UpstreamRequestHeaders = Record<string, string | string[] | undefined>;

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Which credential went upstream: the configured key (the proxy put it there), or a client's
 * own key, OAuth token or other bearer token; null when the request carried none. */
export function upstreamCredential(sent: UpstreamRequestHeaders, configuredKey: string | null): string | null {
  const key = single(sent['x-api-key']);
  if (key !== undefined) return credentialLabel(configuredKey !== null && key === configuredKey ? 'configured' : 'client-key', last4Of(key));
  const auth = single(sent.authorization);
  if (auth !== undefined) return credentialLabel(bearerKind(auth), last4Of(auth));
  return null;
}

/** Distinct credentials kept; a client cycling keys cannot grow the map without bound. */
export const MAX_CREDENTIALS = 16;

export class RateLimitTracker {
  readonly #entries = new Map<string, RateLimitEntry>();
  readonly #onChange: (entry: RateLimitEntry) => void;
  readonly #now: () => number;

  constructor(onChange: (entry: RateLimitEntry) => void = () => {}, now: () => number = Date.now) {
    this.#onChange = onChange;
    this.#now = now;
  }

  /** The one call on the request path, when upstream's response headers arrive. */
  observe(sent: UpstreamRequestHeaders, configuredKey: string | null, status: number, received: IncomingHttpHeaders): void {
    const headers = pickRateLimitHeaders(received);
    if (headers === null) return;
    const credential = upstreamCredential(sent, configuredKey) ?? 'no credential';
    const entry: RateLimitEntry = { credential, updatedAt: this.#now(), status, headers };
    // Re-inserted so the map's order is the order of last use: the oldest goes first.
    this.#entries.delete(credential);
    this.#entries.set(credential, entry);
    if (this.#entries.size > MAX_CREDENTIALS) this.#entries.delete(this.#entries.keys().next().value!);
    this.#onChange(entry);
  }

  /** Most recently updated first. */
  snapshot(): RateLimitEntry[] {
    return [...this.#entries.values()].reverse().map((e) => ({ ...e, headers: { ...e.headers } }));
  }
}
