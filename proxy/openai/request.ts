/**
 * OpenAI chat-completions request -> Anthropic Messages request. Pure: every decision about a
 * parameter (mapped, approximated, ignored or refused) lives in PARAMETERS and the code below,
 * and the README documents the same table. Refusals are 400s naming the parameter.
 */
import { errors } from '../http/errors.js';
import { endsWithToolResults, translateMessages, type AnthropicBlock } from './messages.js';
import { parseEffort, planThinking, type ThinkingPlan } from './thinking.js';
import {
  expectArray,
  expectBoolean,
  expectNumber,
  expectPositiveInt,
  expectRecord,
  expectString,
  isAbsent,
  isRecord,
  type Json,
} from './util.js';

export type ParameterPolicy = 'mapped' | 'approximated' | 'ignored' | 'refused';

/** Every top-level OpenAI parameter the route knows; anything else is refused by name. */
export const PARAMETERS: Record<string, ParameterPolicy> = {
  model: 'mapped',
  messages: 'mapped',
  max_tokens: 'mapped',
  max_completion_tokens: 'mapped',
  temperature: 'approximated',
  top_p: 'mapped',
  stop: 'mapped',
  stream: 'mapped',
  stream_options: 'mapped',
  user: 'mapped',
  safety_identifier: 'mapped',
  reasoning_effort: 'approximated',
  response_format: 'approximated',
  tools: 'mapped',
  tool_choice: 'mapped',
  parallel_tool_calls: 'mapped',
  service_tier: 'approximated',
  // Accepted only at their no-op value (n: 1, logprobs: false, penalties: 0, ...).
  n: 'refused',
  logprobs: 'refused',
  top_logprobs: 'refused',
  logit_bias: 'refused',
  frequency_penalty: 'refused',
  presence_penalty: 'refused',
  modalities: 'refused',
  verbosity: 'refused',
  audio: 'refused',
  prediction: 'refused',
  functions: 'refused',
  function_call: 'refused',
  web_search_options: 'refused',
  moderation: 'refused',
  // Hints with no Anthropic counterpart whose absence changes no answer (see the README).
  seed: 'ignored',
  store: 'ignored',
  metadata: 'ignored',
  prompt_cache_key: 'ignored',
  prompt_cache_retention: 'ignored',
  prompt_cache_options: 'ignored',
};

export interface TranslatedRequest {
  anthropic: Json;
  stream: boolean;
  includeUsage: boolean;
  /** The model name as the client sent it (passed through unchanged). */
  model: string;
}

/** Appended to the system prompt for `response_format: json_object` (Anthropic has no bare JSON mode). */
export const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose before or after it and no code fences.';

/** Values at which a refusable parameter asks for nothing, so it is accepted and dropped. */
function isNoOp(key: string, value: unknown): boolean {
  if (isAbsent(value)) return true;
  switch (key) {
    case 'n':
      return value === 1;
    case 'logprobs':
      return value === false;
    case 'top_logprobs':
    case 'frequency_penalty':
    case 'presence_penalty':
      return value === 0;
    case 'logit_bias':
      return isRecord(value) && Object.keys(value).length === 0;
    case 'modalities':
      return Array.isArray(value) && value.every((m) => m === 'text');
    case 'verbosity':
      return value === 'medium';
    default:
      return false;
  }
}

function checkParameters(body: Json): void {
  for (const [key, value] of Object.entries(body)) {
    const policy = PARAMETERS[key];
    if (policy === undefined) throw errors.unsupportedParameter(key, 'unknown parameter');
    if (policy === 'refused' && !isNoOp(key, value)) throw errors.unsupportedParameter(key);
  }
}

function translateTools(raw: unknown): Json[] {
  return expectArray(raw, 'tools').map((rawTool, i) => {
    const param = `tools[${i}]`;
    const tool = expectRecord(rawTool, param);
    if (tool.type !== 'function') throw errors.unsupportedParameter(`${param}.type`, `tools of type '${String(tool.type)}'`);
    const fn = expectRecord(tool.function, `${param}.function`);
    const params = fn.parameters;
    // OpenAI allows omitting parameters (no arguments); Anthropic needs an object schema.
    const inputSchema = isRecord(params) && params.type !== undefined ? params : { type: 'object', properties: {}, ...(isRecord(params) ? params : {}) };
    return {
      name: expectString(fn.name, `${param}.function.name`),
      ...(isAbsent(fn.description) ? {} : { description: expectString(fn.description, `${param}.function.description`) }),
      input_schema: inputSchema,
      ...(fn.strict === true ? { strict: true } : {}),
    };
  });
}

function namedFunction(choice: Json, param: string): string {
  return expectString(expectRecord(choice.function, `${param}.function`).name, `${param}.function.name`);
}

interface ToolSetup {
  tools: Json[] | undefined;
  toolChoice: Json | undefined;
}

function translateToolChoice(body: Json, tools: Json[] | undefined): ToolSetup {
  const raw = body.tool_choice;
  const serial = body.parallel_tool_calls === false;
  if (!isAbsent(body.parallel_tool_calls)) expectBoolean(body.parallel_tool_calls, 'parallel_tool_calls');
  if (!tools || tools.length === 0) {
    if (isAbsent(raw) || raw === 'none' || raw === 'auto') return { tools: undefined, toolChoice: undefined };
    throw errors.invalidRequest("'tool_choice' is only allowed when 'tools' are given.", 'tool_choice');
  }
  let kept = tools;
  let choice: Json | undefined;
  if (isAbsent(raw)) choice = undefined;
  else if (raw === 'auto') choice = { type: 'auto' };
  else if (raw === 'none') choice = { type: 'none' };
  else if (raw === 'required') choice = { type: 'any' };
  else if (isRecord(raw) && raw.type === 'function') {
    choice = { type: 'tool', name: namedFunction(raw, 'tool_choice') };
  } else if (isRecord(raw) && raw.type === 'allowed_tools') {
    const allowed = expectRecord(raw.allowed_tools, 'tool_choice.allowed_tools');
    const names = new Set(
      expectArray(allowed.tools, 'tool_choice.allowed_tools.tools').map((t, i) =>
        namedFunction(expectRecord(t, `tool_choice.allowed_tools.tools[${i}]`), `tool_choice.allowed_tools.tools[${i}]`),
      ),
    );
    kept = tools.filter((t) => names.has(t.name as string));
    if (allowed.mode === 'required') choice = { type: 'any' };
    else if (allowed.mode === 'auto') choice = { type: 'auto' };
    else throw errors.invalidRequest("'tool_choice.allowed_tools.mode' must be 'auto' or 'required'.", 'tool_choice.allowed_tools.mode');
  } else if (isRecord(raw) && raw.type === 'custom') {
    throw errors.unsupportedParameter('tool_choice', 'custom tools');
  } else {
    throw errors.invalidRequest("'tool_choice' must be 'auto', 'none', 'required' or a named function.", 'tool_choice');
  }
  if (serial && choice?.type !== 'none') choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return { tools: kept, toolChoice: choice };
}

function translateStop(raw: unknown): string[] | undefined {
  if (isAbsent(raw)) return undefined;
  const list = typeof raw === 'string' ? [raw] : expectArray(raw, 'stop').map((s, i) => expectString(s, `stop[${i}]`));
  if (list.some((s) => s === '')) throw errors.invalidRequest("'stop' sequences must not be empty.", 'stop');
  return list.length > 0 ? list : undefined;
}

interface ResponseFormat {
  format: Json | undefined;
  jsonObject: boolean;
}

function translateResponseFormat(raw: unknown): ResponseFormat {
  if (isAbsent(raw)) return { format: undefined, jsonObject: false };
  const rf = expectRecord(raw, 'response_format');
  if (rf.type === 'text') return { format: undefined, jsonObject: false };
  if (rf.type === 'json_object') return { format: undefined, jsonObject: true };
  if (rf.type === 'json_schema') {
    const js = expectRecord(rf.json_schema, 'response_format.json_schema');
    const schema = expectRecord(js.schema, 'response_format.json_schema.schema');
    return { format: { type: 'json_schema', schema }, jsonObject: false };
  }
  throw errors.invalidRequest("'response_format.type' must be 'text', 'json_object' or 'json_schema'.", 'response_format.type');
}

function appendSystem(system: string | AnthropicBlock[] | undefined, text: string): string | AnthropicBlock[] {
  if (system === undefined) return text;
  if (typeof system === 'string') return `${system}\n\n${text}`;
  return [...system, { type: 'text', text }];
}

function sampling(body: Json, plan: ThinkingPlan): Json {
  const out: Json = {};
  if (!isAbsent(body.temperature)) {
    const t = expectNumber(body.temperature, 'temperature', 0, 2);
    if (plan.thinks) {
      // 1 is Anthropic's default and the only value thinking allows: nothing to send.
      if (t !== 1) throw errors.unsupportedParameter('temperature', 'a temperature other than 1 together with reasoning_effort');
    } else {
      // OpenAI's range is 0..2 and Anthropic's 0..1; clamping keeps 0..1 values meaning what they meant.
      out.temperature = Math.min(t, 1);
    }
  }
  if (!isAbsent(body.top_p)) {
    const p = expectNumber(body.top_p, 'top_p', 0, 1);
    if (plan.thinks && p < 0.95) throw errors.unsupportedParameter('top_p', 'top_p below 0.95 together with reasoning_effort');
    out.top_p = p;
  }
  return out;
}

function serviceTier(raw: unknown): string | undefined {
  if (isAbsent(raw) || raw === 'auto') return undefined;
  if (raw === 'default') return 'standard_only';
  throw errors.unsupportedParameter('service_tier', `service tier '${String(raw)}'`);
}

export function translateRequest(body: unknown): TranslatedRequest {
  const req = expectRecord(body, 'body');
  checkParameters(req);
  const model = expectString(req.model, 'model');
  if (model === '') throw errors.invalidRequest("'model' must not be empty.", 'model');
  const { system, messages } = translateMessages(req.messages);

  const stream = isAbsent(req.stream) ? false : expectBoolean(req.stream, 'stream');
  const streamOptions = isAbsent(req.stream_options) ? {} : expectRecord(req.stream_options, 'stream_options');
  const includeUsage = stream && streamOptions.include_usage === true;

  const rawMax = isAbsent(req.max_completion_tokens) ? req.max_tokens : req.max_completion_tokens;
  const maxParam = isAbsent(req.max_completion_tokens) ? 'max_tokens' : 'max_completion_tokens';
  const maxTokens = isAbsent(rawMax) ? null : expectPositiveInt(rawMax, maxParam);
  const effort = isAbsent(req.reasoning_effort) ? null : parseEffort(req.reasoning_effort);
  let plan = planThinking(model, effort, maxTokens);
  // OpenAI clients cannot send thinking blocks (and their signatures) back, and Anthropic needs
  // them to continue a tool loop with thinking on, so such a turn runs without thinking.
  if (plan.thinks && endsWithToolResults(messages)) plan = planThinking(model, 'none', maxTokens);

  const { tools, toolChoice } = translateToolChoice(req, isAbsent(req.tools) ? undefined : translateTools(req.tools));
  if (plan.thinks && (toolChoice?.type === 'any' || toolChoice?.type === 'tool')) {
    throw errors.unsupportedParameter('tool_choice', 'forcing a tool call together with reasoning_effort');
  }
  const { format, jsonObject } = translateResponseFormat(req.response_format);
  const stopSequences = translateStop(req.stop);
  const userId = isAbsent(req.safety_identifier)
    ? isAbsent(req.user) ? undefined : expectString(req.user, 'user')
    : expectString(req.safety_identifier, 'safety_identifier');
  const tier = serviceTier(req.service_tier);
  const outputConfig: Json = { ...(plan.effort ? { effort: plan.effort } : {}), ...(format ? { format } : {}) };
  const finalSystem = jsonObject ? appendSystem(system, JSON_OBJECT_INSTRUCTION) : system;

  const anthropic: Json = {
    model,
    max_tokens: plan.maxTokens,
    ...(finalSystem === undefined ? {} : { system: finalSystem }),
    messages,
    ...sampling(req, plan),
    ...(stopSequences ? { stop_sequences: stopSequences } : {}),
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    ...(plan.thinking ? { thinking: plan.thinking } : {}),
    ...(Object.keys(outputConfig).length > 0 ? { output_config: outputConfig } : {}),
    ...(userId ? { metadata: { user_id: userId } } : {}),
    ...(tier ? { service_tier: tier } : {}),
    ...(stream ? { stream: true } : {}),
  };
  return { anthropic, stream, includeUsage, model };
}
