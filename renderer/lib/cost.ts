import type { Usage } from '../../proxy/contract/types.js';
export { estimateCost, findPrice } from '../../proxy/contract/prices.js';

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
