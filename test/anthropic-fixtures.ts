/**
 * Pure builders for Anthropic API payloads, shaped like the real API (Messages,
 * Messages streaming, errors, token counting, models). Tests and the fake upstream
 * share them so that every layer is exercised against the same wire format the real
 * clients parse.
 */

import { randomBytes } from 'node:crypto';

export const DEFAULT_MODEL = 'claude-sonnet-4-5-20250929';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

export interface AnthropicUsageJson {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface ToolUseSpec {
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ThinkingSpec {
  thinking: string;
  signature?: string;
}

export interface MessageOptions {
  id?: string;
  model?: string;
  /** Text of the single text block; `null` or `''` leaves the text block out. */
  text?: string | null;
  stop_reason?: StopReason | null;
  stop_sequence?: string | null;
  tool_use?: ToolUseSpec[];
  thinking?: ThinkingSpec[];
  usage?: Partial<AnthropicUsageJson>;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Real ids look like `msg_01XFDUDYJgAACzvnptvVoYEL`: a prefix, "01", then base62. */
export function fakeId(prefix: 'msg' | 'toolu' | 'req' | 'srvtoolu', length = 22): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return `${prefix}_01${out}`;
}

export const DEFAULT_USAGE: AnthropicUsageJson = {
  input_tokens: 25,
  output_tokens: 12,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

function usageJson(u: Partial<AnthropicUsageJson> | undefined): Record<string, unknown> {
  const merged = { ...DEFAULT_USAGE, ...u };
  return {
    input_tokens: merged.input_tokens,
    cache_creation_input_tokens: merged.cache_creation_input_tokens,
    cache_read_input_tokens: merged.cache_read_input_tokens,
    cache_creation: { ephemeral_5m_input_tokens: merged.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: merged.output_tokens,
    service_tier: 'standard',
  };
}

function thinkingSignature(): string {
  // Real signatures are long opaque base64 strings.
  return randomBytes(48).toString('base64');
}

/** A complete Message, as `POST /v1/messages` returns it without streaming. */
export function messageJson(opts: MessageOptions = {}): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  for (const t of opts.thinking ?? []) {
    content.push({ type: 'thinking', thinking: t.thinking, signature: t.signature ?? thinkingSignature() });
  }
  const text = opts.text === undefined ? 'Hello! How can I help you today?' : opts.text;
  if (text) content.push({ type: 'text', text });
  for (const tool of opts.tool_use ?? []) {
    content.push({ type: 'tool_use', id: tool.id ?? fakeId('toolu'), name: tool.name, input: tool.input });
  }
  const hasTools = (opts.tool_use?.length ?? 0) > 0;
  const stopReason = opts.stop_reason === undefined ? (hasTools ? 'tool_use' : 'end_turn') : opts.stop_reason;
  return {
    id: opts.id ?? fakeId('msg'),
    type: 'message',
    role: 'assistant',
    model: opts.model ?? DEFAULT_MODEL,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? (opts.stop_sequence ?? '\n\nHuman:') : (opts.stop_sequence ?? null),
    usage: usageJson(opts.usage),
  };
}

// ---------------------------------------------------------------------------
// Streaming

export type StreamKind = 'text' | 'tool_use' | 'thinking' | 'error_midway';

export interface StreamOptions {
  id?: string;
  model?: string;
  /** Text deltas of the (last) text block, in order. */
  text?: string[];
  stop_reason?: StopReason;
  stop_sequence?: string | null;
  usage?: Partial<AnthropicUsageJson>;
  tool?: ToolUseSpec;
  /** Number of `input_json_delta` fragments the tool input is cut into (default 3). */
  toolFragments?: number;
  thinking?: string[];
  signature?: string;
  /**
   * Current API: message_delta repeats the cumulative input/cache counters.
   * `'output_only'` reproduces the older API, whose message_delta only carried output_tokens.
   */
  deltaUsage?: 'full' | 'output_only';
  /** For `error_midway`: how many text deltas are sent before the error (default 2). */
  deltasBeforeError?: number;
  error?: { type: string; message: string };
}

/** One SSE event exactly as the API writes it. */
export function sseFrame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const DEFAULT_TEXT_PIECES = ['Hello', '! How', ' can I', ' help you', ' today?'];
export const DEFAULT_TOOL: ToolUseSpec = {
  name: 'get_weather',
  input: { location: 'San Francisco, CA', unit: 'celsius' },
};
export const DEFAULT_THINKING = ['Let me think', ' about this', ' step by step.'];

function splitInto(s: string, parts: number): string[] {
  const n = Math.max(1, Math.min(parts, s.length));
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function messageStart(opts: StreamOptions): string {
  const u = { ...DEFAULT_USAGE, ...opts.usage };
  return sseFrame('message_start', {
    type: 'message_start',
    message: {
      id: opts.id ?? fakeId('msg'),
      type: 'message',
      role: 'assistant',
      model: opts.model ?? DEFAULT_MODEL,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The opening usage reports the whole input but only a token or so of output.
      usage: usageJson({ ...u, output_tokens: 1 }),
    },
  });
}

function textBlock(index: number, pieces: string[]): string[] {
  return [
    sseFrame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
    ...pieces.map((text) =>
      sseFrame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }),
    ),
    sseFrame('content_block_stop', { type: 'content_block_stop', index }),
  ];
}

function messageEnd(opts: StreamOptions, defaultStop: StopReason): string[] {
  const u = { ...DEFAULT_USAGE, ...opts.usage };
  const stopReason = opts.stop_reason ?? defaultStop;
  const stopSequence = stopReason === 'stop_sequence' ? (opts.stop_sequence ?? '\n\nHuman:') : (opts.stop_sequence ?? null);
  const usage =
    opts.deltaUsage === 'output_only'
      ? { output_tokens: u.output_tokens }
      : {
          input_tokens: u.input_tokens,
          cache_creation_input_tokens: u.cache_creation_input_tokens,
          cache_read_input_tokens: u.cache_read_input_tokens,
          output_tokens: u.output_tokens,
        };
  return [
    sseFrame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopSequence },
      usage,
    }),
    sseFrame('message_stop', { type: 'message_stop' }),
  ];
}

const PING = sseFrame('ping', { type: 'ping' });

/** The SSE events of one streamed response, each a complete `event:`/`data:` frame. */
export function sseEvents(kind: StreamKind, opts: StreamOptions = {}): string[] {
  const pieces = opts.text ?? DEFAULT_TEXT_PIECES;
  switch (kind) {
    case 'text': {
      const block = textBlock(0, pieces);
      return [messageStart(opts), block[0]!, PING, ...block.slice(1), ...messageEnd(opts, 'end_turn')];
    }
    case 'tool_use': {
      const tool = opts.tool ?? DEFAULT_TOOL;
      const json = JSON.stringify(tool.input);
      // The API opens every tool input with an empty fragment before the real ones.
      const fragments = ['', ...splitInto(json, opts.toolFragments ?? 3)];
      const textPieces = opts.text ?? ["I'll check", ' the weather for you.'];
      return [
        messageStart(opts),
        PING,
        ...textBlock(0, textPieces),
        sseFrame('content_block_start', {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: tool.id ?? fakeId('toolu'), name: tool.name, input: {} },
        }),
        ...fragments.map((partial_json) =>
          sseFrame('content_block_delta', {
            type: 'content_block_delta',
            index: 1,
            delta: { type: 'input_json_delta', partial_json },
          }),
        ),
        sseFrame('content_block_stop', { type: 'content_block_stop', index: 1 }),
        ...messageEnd(opts, 'tool_use'),
      ];
    }
    case 'thinking': {
      const thoughts = opts.thinking ?? DEFAULT_THINKING;
      return [
        messageStart(opts),
        sseFrame('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }),
        PING,
        ...thoughts.map((thinking) =>
          sseFrame('content_block_delta', {
            type: 'content_block_delta',
            index: 0,
            delta: { type: 'thinking_delta', thinking },
          }),
        ),
        sseFrame('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'signature_delta', signature: opts.signature ?? thinkingSignature() },
        }),
        sseFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
        ...textBlock(1, pieces),
        ...messageEnd(opts, 'end_turn'),
      ];
    }
    case 'error_midway': {
      const n = opts.deltasBeforeError ?? 2;
      const block = textBlock(0, pieces.slice(0, n));
      return [
        messageStart(opts),
        block[0]!,
        PING,
        ...block.slice(1, -1),
        sseFrame('error', { type: 'error', error: opts.error ?? { type: 'overloaded_error', message: 'Overloaded' } }),
      ];
    }
  }
}

// ---------------------------------------------------------------------------
// Errors and other endpoints

export const ERROR_TYPES: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'messages: field required' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'Not found' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: {
    type: 'rate_limit_error',
    message: 'This request would exceed the rate limit for your organization of 50 requests per minute.',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  504: { type: 'timeout_error', message: 'Request timed out' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

/** Error body as the API returns it: the error object plus a top-level `request_id`. */
export function errorBody(status: number, opts: { message?: string; requestId?: string } = {}): Record<string, unknown> {
  const known = ERROR_TYPES[status] ?? {
    type: status >= 500 ? 'api_error' : 'invalid_request_error',
    message: `Error ${status}`,
  };
  return {
    type: 'error',
    error: { type: known.type, message: opts.message ?? known.message },
    request_id: opts.requestId ?? fakeId('req'),
  };
}

export function countTokensJson(n = 42): { input_tokens: number } {
  return { input_tokens: n };
}

export const MODELS = [
  { id: 'claude-opus-4-1-20250805', display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z' },
  { id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
  { id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' },
];

export function modelsListJson(): Record<string, unknown> {
  const data = MODELS.map((m) => ({ type: 'model', ...m }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}
