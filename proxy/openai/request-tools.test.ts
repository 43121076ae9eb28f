import { describe, expect, it } from 'vitest';
import { translateRequest } from './request.js';
import { DEFAULT_MAX_TOKENS, THINKING_BUDGETS } from './thinking.js';
import { MODEL, user, base, refusal } from './testing.js';

describe('translateRequest: tools', () => {
  const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
  const now = { type: 'function', function: { name: 'now' } };

  it('maps tools to Anthropic tools, with an empty object schema when parameters are omitted', () => {
    const out = translateRequest(base({ tools: [weather, { ...now, function: { ...now.function, strict: true } }] })).anthropic;
    expect(out.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} }, strict: true },
    ]);
  });

  const choices: Array<[string, Record<string, unknown>, unknown]> = [
    ['auto', { tool_choice: 'auto' }, { type: 'auto' }],
    ['none', { tool_choice: 'none' }, { type: 'none' }],
    ['required', { tool_choice: 'required' }, { type: 'any' }],
    ['named', { tool_choice: { type: 'function', function: { name: 'now' } } }, { type: 'tool', name: 'now' }],
    ['parallel_tool_calls false without tool_choice', { parallel_tool_calls: false }, { type: 'auto', disable_parallel_tool_use: true }],
    ['parallel_tool_calls false with required', { tool_choice: 'required', parallel_tool_calls: false }, { type: 'any', disable_parallel_tool_use: true }],
    ['parallel_tool_calls false with none', { tool_choice: 'none', parallel_tool_calls: false }, { type: 'none' }],
    ['parallel_tool_calls true', { parallel_tool_calls: true }, undefined],
  ];
  it.each(choices)('tool_choice %s', (_name, extra, expected) => {
    expect(translateRequest(base({ tools: [weather, now], ...extra })).anthropic.tool_choice).toEqual(expected);
  });

  it('allowed_tools narrows the tool list', () => {
    const out = translateRequest(
      base({ tools: [weather, now], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'now' } }] } } }),
    ).anthropic;
    expect((out.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['now']);
    expect(out.tool_choice).toEqual({ type: 'any' });
  });

  it('tool_choice without tools: auto/none are dropped, forcing is refused', () => {
    expect(translateRequest(base({ tool_choice: 'none' })).anthropic).not.toHaveProperty('tool_choice');
    expect(refusal(base({ tool_choice: 'required' })).param).toBe('tool_choice');
  });

  it('refuses custom tools', () => {
    expect(refusal(base({ tools: [{ type: 'custom', custom: { name: 'x' } }] })).param).toBe('tools[0].type');
  });
});

describe('translateRequest: reasoning_effort', () => {
  const legacy: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['low, default max_tokens', { reasoning_effort: 'low' }, { thinking: { type: 'enabled', budget_tokens: THINKING_BUDGETS.low }, max_tokens: DEFAULT_MAX_TOKENS + THINKING_BUDGETS.low }],
    ['high with room', { reasoning_effort: 'high', max_tokens: 40000 }, { thinking: { type: 'enabled', budget_tokens: THINKING_BUDGETS.high }, max_tokens: 40000 }],
    ['high shrunk to fit max_tokens', { reasoning_effort: 'high', max_completion_tokens: 5000 }, { thinking: { type: 'enabled', budget_tokens: 4999 }, max_tokens: 5000 }],
    ['none disables thinking', { reasoning_effort: 'none' }, { thinking: { type: 'disabled' }, max_tokens: DEFAULT_MAX_TOKENS }],
    ['temperature 1 is allowed and not sent', { reasoning_effort: 'low', temperature: 1 }, { thinking: { type: 'enabled', budget_tokens: THINKING_BUDGETS.low } }],
  ];
  it.each(legacy)('budget model: %s', (_name, extra, expected) => {
    const out = translateRequest(base(extra)).anthropic;
    expect(out).toMatchObject(expected);
    expect(out).not.toHaveProperty('temperature');
  });

  const adaptive: Array<[string, string, string]> = [
    ['claude-opus-4-7', 'medium', 'medium'],
    ['claude-sonnet-4-6', 'minimal', 'low'],
    ['claude-sonnet-5', 'xhigh', 'xhigh'],
    ['claude-fable-5-1', 'max', 'max'],
  ];
  it.each(adaptive)('adaptive model %s: %s -> effort %s', (model, effort, anthropicEffort) => {
    const out = translateRequest(base({ model, reasoning_effort: effort })).anthropic;
    expect(out.thinking).toEqual({ type: 'adaptive' });
    expect(out.output_config).toEqual({ effort: anthropicEffort });
  });

  it('keeps structured output next to the effort', () => {
    const out = translateRequest(
      base({ model: 'claude-opus-4-7', reasoning_effort: 'high', response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } } } }),
    ).anthropic;
    expect(out.output_config).toEqual({ effort: 'high', format: { type: 'json_schema', schema: { type: 'object' } } });
  });

  const conflicts: Array<[string, Record<string, unknown>, string]> = [
    ['temperature other than 1', { reasoning_effort: 'low', temperature: 0.2 }, 'temperature'],
    ['low top_p', { reasoning_effort: 'low', top_p: 0.5 }, 'top_p'],
    ['forced tool', { reasoning_effort: 'low', tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'required' }, 'tool_choice'],
    ['max_tokens too small for a budget', { reasoning_effort: 'low', max_tokens: 1000 }, 'max_tokens'],
  ];
  it.each(conflicts)('refuses %s', (_name, extra, param) => {
    expect(refusal(base(extra)).param).toBe(param);
  });

  it('runs a turn that continues a tool loop without thinking (signatures cannot round-trip)', () => {
    const out = translateRequest({
      model: MODEL,
      reasoning_effort: 'high',
      messages: [
        user('x'),
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'ok' },
      ],
    }).anthropic;
    expect(out.thinking).toEqual({ type: 'disabled' });
  });
});
