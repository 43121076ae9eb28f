import type { Usage } from '../../proxy/contract/types.js';
import { PRICES, type ModelPrice } from './prices.js';

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

/** Share of prompt tokens served from the cache; null when there were no prompt tokens. */
export function cacheHitRatio(usage: Usage | null | undefined): number | null {
  if (!usage) return null;
  const prompt = usage.input + usage.cacheRead + usage.cacheCreation;
  return prompt > 0 ? usage.cacheRead / prompt : null;
}

export function addUsage(a: Usage, b: Usage | null | undefined): Usage {
  if (!b) return a;
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheCreation: a.cacheCreation + b.cacheCreation,
  };
}

export const ZERO_USAGE: Usage = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheCreation: 0 });
