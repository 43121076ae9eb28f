/**
 * The one price table for cost estimates, in USD per million tokens.
 *
 * Source: Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing),
 * checked 2026-11. Cache writes use the 5-minute rate: history keeps one cache-creation
 * count per exchange, and the 5-minute TTL is the API's default. Estimates ignore batch
 * discounts, long-context surcharges and fast mode, which a proxied request cannot reveal.
 *
 * Keys are model id prefixes; the longest matching prefix wins (see findPrice below), so
 * `claude-opus-4` covers `claude-opus-4-20250514` while `claude-opus-4-5` covers 4.5.
 */
import type { Usage } from './types.js';

export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const tier = (input: number, output: number, cacheRead = input * 0.1): ModelPrice => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead,
});

export const PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-1': tier(10, 50, 0.25),
  'claude-mythos-5-1': tier(10, 50, 0.25),
  'claude-fable-5': tier(10, 50, 1),
  'claude-mythos-5': tier(10, 50, 1),
  'claude-opus-5-5': tier(4, 20, 0.2),
  'claude-opus-5': tier(5, 25),
  'claude-opus-4-8': tier(5, 25),
  'claude-opus-4-7': tier(5, 25),
  'claude-opus-4-6': tier(5, 25),
  'claude-opus-4-5': tier(5, 25),
  'claude-opus-4-1': tier(15, 75),
  'claude-opus-4': tier(15, 75),
  'claude-3-opus': tier(15, 75),
  'claude-sonnet-5-5': tier(2, 10, 0.1),
  'claude-sonnet-5': tier(2, 10),
  'claude-sonnet-4-6': tier(3, 15),
  'claude-sonnet-4-5': tier(3, 15),
  'claude-sonnet-4': tier(3, 15),
  'claude-3-7-sonnet': tier(3, 15),
  'claude-3-5-sonnet': tier(3, 15),
  // Haiku 5.5 has a second, higher band for prompts over 100k tokens; a daily total cannot
  // tell which band a request fell in, so the lower band is used and may underestimate.
  'claude-haiku-5-5': tier(0.1, 0.5, 0.01),
  'claude-haiku-4-5': tier(1, 5),
  'claude-3-5-haiku': tier(0.8, 4),
  'claude-3-haiku': { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 },
};

/** Characters that may follow a price key inside a model id: a date or version suffix
 * (`-20250514`), a context variant (`[1m]`), or a Vertex version (`@20250514`). */
const BOUNDARY = new Set(['-', '[', '@', ':']);

/** Bedrock and Vertex wrap the id (`us.anthropic.claude-sonnet-4-5-...-v1:0`); the part
 * from `claude-` on is what the price table knows. */
function canonicalModel(model: string): string {
  const lower = model.toLowerCase();
  const at = lower.indexOf('claude-');
  return at > 0 ? lower.slice(at) : lower;
}

export function findPrice(model: string | null | undefined, table: Readonly<Record<string, ModelPrice>> = PRICES): ModelPrice | null {
  if (!model) return null;
  const id = canonicalModel(model);
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    if (!id.startsWith(key)) continue;
    const next = id.charAt(key.length);
    if (next !== '' && !BOUNDARY.has(next)) continue;
    if (best === null || key.length > best.length) best = key;
  }
  return best === null ? null : (table[best] ?? null);
}

/** USD, or null when the model is not in the price table (shown as "—", never as $0). */
export function estimateCost(model: string | null | undefined, usage: Usage | null | undefined): number | null {
  if (!usage) return null;
  const price = findPrice(model);
  if (!price) return null;
  return (
    (usage.input * price.input +
      usage.output * price.output +
      usage.cacheCreation * price.cacheWrite +
      usage.cacheRead * price.cacheRead) /
    1_000_000
  );
}
