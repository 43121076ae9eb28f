/**
 * OpenAI `reasoning_effort` -> Anthropic thinking. Claude 4.6+ and generation-5 models think
 * adaptively (`thinking.type: "adaptive"` plus `output_config.effort`; Opus 4.7+ reject a token
 * budget); older models take a fixed `budget_tokens`, which must be >= 1024 and < max_tokens.
 */
import { errors } from '../http/errors.js';

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** Used when the client sets no max_tokens and does not ask for reasoning. */
export const DEFAULT_MAX_TOKENS = 8192;
export const MIN_THINKING_BUDGET = 1024;

/** Fixed thinking budgets for models without adaptive thinking (documented in the README). */
export const THINKING_BUDGETS: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32000,
};

/** Anthropic's effort scale has no "minimal"; "low" is the nearest. */
const ADAPTIVE_EFFORT: Record<Exclude<ReasoningEffort, 'none'>, string> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'max',
};

const ADAPTIVE_MODELS = [
  /claude-(?:opus|sonnet)-4-[6-9](?!\d)/,
  /claude-(?:opus|sonnet|haiku)-[5-9](?!\d)/,
  /claude-(?:fable|mythos)/,
];

export function usesAdaptiveThinking(model: string): boolean {
  return ADAPTIVE_MODELS.some((re) => re.test(model));
}

export interface ThinkingPlan {
  /** Anthropic `thinking` value; undefined leaves the model's default. */
  thinking: Record<string, unknown> | undefined;
  /** Anthropic `output_config.effort`, for adaptive models. */
  effort: string | undefined;
  maxTokens: number;
  /** True when the model will think, so sampling and forced-tool limits apply. */
  thinks: boolean;
}

export function parseEffort(value: unknown): ReasoningEffort {
  if (typeof value === 'string' && (REASONING_EFFORTS as readonly string[]).includes(value)) return value as ReasoningEffort;
  throw errors.invalidRequest(`'reasoning_effort' must be one of ${REASONING_EFFORTS.join(', ')}.`, 'reasoning_effort');
}

/**
 * @param maxTokens what the client asked for, or null. OpenAI counts reasoning tokens inside
 *   max_completion_tokens, and Anthropic counts thinking inside max_tokens, so it carries over as is.
 */
export function planThinking(model: string, effort: ReasoningEffort | null, maxTokens: number | null): ThinkingPlan {
  if (effort === null) return { thinking: undefined, effort: undefined, maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS, thinks: false };
  if (effort === 'none') {
    return { thinking: { type: 'disabled' }, effort: undefined, maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS, thinks: false };
  }
  const budget = THINKING_BUDGETS[effort];
  if (usesAdaptiveThinking(model)) {
    return { thinking: { type: 'adaptive' }, effort: ADAPTIVE_EFFORT[effort], maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS + budget, thinks: true };
  }
  if (maxTokens === null) {
    return { thinking: { type: 'enabled', budget_tokens: budget }, effort: undefined, maxTokens: DEFAULT_MAX_TOKENS + budget, thinks: true };
  }
  const fitted = Math.min(budget, maxTokens - 1);
  if (fitted < MIN_THINKING_BUDGET) {
    throw errors.invalidRequest(
      `'reasoning_effort' needs max_tokens above ${MIN_THINKING_BUDGET} on ${model} (its thinking budget counts toward max_tokens).`,
      'max_tokens',
    );
  }
  return { thinking: { type: 'enabled', budget_tokens: fitted }, effort: undefined, maxTokens, thinks: true };
}
