import { describe, expect, it } from 'vitest';
import { addUsage, cacheHitRatio, estimateCost, findPrice, ZERO_USAGE } from './cost.js';
import { PRICES } from '../../proxy/contract/prices.js';

describe('findPrice', () => {
  it('matches dated, aliased and platform-wrapped model ids by prefix', () => {
    expect(findPrice('claude-sonnet-4-5-20250929')).toBe(PRICES['claude-sonnet-4-5']);
    expect(findPrice('claude-sonnet-4-5')).toBe(PRICES['claude-sonnet-4-5']);
    expect(findPrice('claude-opus-4-1@20250805')).toBe(PRICES['claude-opus-4-1']);
    expect(findPrice('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(PRICES['claude-3-5-haiku']);
    expect(findPrice('claude-opus-4-6[1m]')).toBe(PRICES['claude-opus-4-6']);
    expect(findPrice('CLAUDE-HAIKU-4-5')).toBe(PRICES['claude-haiku-4-5']);
  });

  it('prefers the longest prefix: Opus 4 and Opus 4.5 are priced differently', () => {
    expect(findPrice('claude-opus-4-20250514')?.input).toBe(15);
    expect(findPrice('claude-opus-4-0')?.input).toBe(15);
    expect(findPrice('claude-opus-4-5-20251101')?.input).toBe(5);
  });

  it('does not match across a version boundary', () => {
    // "claude-sonnet-45" is not Sonnet 4 with a suffix.
    expect(findPrice('claude-sonnet-45')).toBeNull();
  });

  it('returns null for unknown or missing models', () => {
    expect(findPrice('gpt-4o')).toBeNull();
    expect(findPrice(null)).toBeNull();
    expect(findPrice('')).toBeNull();
  });
});

describe('estimateCost', () => {
  it('prices every token kind at its own rate', () => {
    // Sonnet 4.5: $3 in, $15 out, $3.75 cache write, $0.30 cache read per MTok.
    const cost = estimateCost('claude-sonnet-4-5-20250929', { input: 1_000_000, output: 100_000, cacheCreation: 200_000, cacheRead: 2_000_000 });
    expect(cost).toBeCloseTo(3 + 1.5 + 0.75 + 0.6, 10);
  });

  it('is null, not zero, when the model or usage is unknown', () => {
    expect(estimateCost('mystery-model', { input: 10, output: 10, cacheRead: 0, cacheCreation: 0 })).toBeNull();
    expect(estimateCost('claude-haiku-4-5', null)).toBeNull();
  });

  it('keeps every table entry consistent (cache read cheaper than input, write dearer)', () => {
    for (const [model, p] of Object.entries(PRICES)) {
      expect(p.cacheRead, model).toBeLessThan(p.input);
      expect(p.cacheWrite, model).toBeGreaterThan(p.input);
      expect(p.output, model).toBeGreaterThan(p.input);
    }
  });
});

describe('cacheHitRatio', () => {
  it('is cache reads over all prompt tokens', () => {
    expect(cacheHitRatio({ input: 100, output: 999, cacheRead: 300, cacheCreation: 100 })).toBeCloseTo(0.6);
  });
  it('is null without prompt tokens', () => {
    expect(cacheHitRatio(ZERO_USAGE)).toBeNull();
    expect(cacheHitRatio(null)).toBeNull();
  });
});

it('adds usage field by field', () => {
  expect(addUsage({ input: 1, output: 2, cacheRead: 3, cacheCreation: 4 }, { input: 10, output: 20, cacheRead: 30, cacheCreation: 40 })).toEqual({
    input: 11,
    output: 22,
    cacheRead: 33,
    cacheCreation: 44,
  });
  expect(addUsage(ZERO_USAGE, null)).toBe(ZERO_USAGE);
});
