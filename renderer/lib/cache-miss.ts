/**
 * The cache-miss finder's rule. Pure.
 *
 * A turn that continues its parent re-sends the parent's whole prompt, so the prefix the
 * parent left in the prompt cache (what it read plus what it wrote) is there to be read
 * again. A turn that reads less than that lost part of it: something in the prefix changed
 * (system prompt, tools, an earlier message) or the cache entry expired.
 */
import type { SessionTurn } from '../../proxy/contract/types.js';

/** Anthropic's default cache lifetime; a longer pause may explain a miss without any change. */
export const CACHE_TTL_MS = 5 * 60_000;

export interface CacheMiss {
  /** Tokens of prefix the parent left in the cache. */
  expected: number;
  /** What this turn read. */
  read: number;
  lost: number;
  /** The turn began more than CACHE_TTL_MS after its parent ended. */
  mayHaveExpired: boolean;
}

const ok = (status: number | null) => status !== null && status >= 200 && status < 300;

export function cacheMiss(turn: SessionTurn, parent: SessionTurn | undefined): CacheMiss | null {
  if (!parent || turn.parentId !== parent.exchangeId || !turn.usage || !parent.usage || !ok(parent.status) || !ok(turn.status)) return null;
  const expected = parent.usage.cacheRead + parent.usage.cacheCreation;
  const read = turn.usage.cacheRead;
  if (expected === 0 || read >= expected) return null;
  const parentEnd = parent.startedAt + (parent.durationMs ?? 0);
  return { expected, read, lost: expected - read, mayHaveExpired: turn.startedAt - parentEnd > CACHE_TTL_MS };
}

/** Every flagged turn of a session, by exchange id. */
export function cacheMisses(turns: readonly SessionTurn[]): Map<string, CacheMiss> {
  const byId = new Map(turns.map((t) => [t.exchangeId, t]));
  const out = new Map<string, CacheMiss>();
  for (const t of turns) {
    const miss = t.parentId ? cacheMiss(t, byId.get(t.parentId)) : null;
    if (miss) out.set(t.exchangeId, miss);
  }
  return out;
}
