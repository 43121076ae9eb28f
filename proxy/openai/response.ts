/**
 * Anthropic Message -> OpenAI `chat.completion`. Thinking is exposed as `message.reasoning_content`
 * (the field DeepSeek, vLLM and LiteLLM use), never mixed into `content`.
 */
import { stringifyJson } from '../lib/walk.js';
import { isRecord, type Json } from './util.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReason(stopReason: unknown): FinishReason {
  return (typeof stopReason === 'string' && FINISH[stopReason]) || 'stop';
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** OpenAI's prompt_tokens covers the whole prompt; Anthropic splits off cached and cache-written tokens. */
export function translateUsage(usage: unknown): OpenAIUsage {
  const u = isRecord(usage) ? usage : {};
  const cacheRead = count(u.cache_read_input_tokens);
  const cacheWrite = count(u.cache_creation_input_tokens);
  const prompt = count(u.input_tokens) + cacheRead + cacheWrite;
  const completion = count(u.output_tokens);
  const details = isRecord(u.output_tokens_details) ? u.output_tokens_details : null;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    ...(details && typeof details.thinking_tokens === 'number' ? { completion_tokens_details: { reasoning_tokens: details.thinking_tokens } } : {}),
  };
}

export function completionId(messageId: unknown): string {
  return `chatcmpl-${typeof messageId === 'string' && messageId ? messageId : Date.now().toString(36)}`;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ResponseOptions {
  /** The model the client asked for; used when the message carries none. */
  model: string;
  /** Unix seconds; defaults to now. */
  created?: number;
}

export function translateResponse(message: unknown, opts: ResponseOptions): Json {
  const msg = isRecord(message) ? message : {};
  const blocks = Array.isArray(msg.content) ? msg.content.filter(isRecord) : [];
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block.type === 'thinking' && typeof block.thinking === 'string') reasoning += block.thinking;
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id),
        type: 'function',
        function: { name: String(block.name), arguments: stringifyJson(block.input ?? {}) ?? '{}' },
      });
    }
  }
  const message_: Json = {
    role: 'assistant',
    // OpenAI sends null content when the turn is only tool calls.
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning ? { reasoning_content: reasoning } : {}),
  };
  return {
    id: completionId(msg.id),
    object: 'chat.completion',
    created: opts.created ?? Math.floor(Date.now() / 1000),
    model: typeof msg.model === 'string' && msg.model ? msg.model : opts.model,
    choices: [{ index: 0, message: message_, logprobs: null, finish_reason: finishReason(msg.stop_reason) }],
    usage: translateUsage(msg.usage),
    system_fingerprint: null,
  };
}
