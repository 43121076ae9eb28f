/**
 * Turns stored request and response bodies (Anthropic or OpenAI shapes) into a small view
 * model the UI renders. Unknown block types survive as pretty JSON rather than vanishing.
 */
import { isRecord } from '../../proxy/lib/json.js';
import { stringifyJson } from '../../proxy/lib/walk.js';
import { parseJson, pretty as prettyValue } from './diff.js';

export type Block =
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string; redacted: boolean }
  | { type: 'tool_use'; id: string | null; name: string; input: string }
  | { type: 'tool_result'; toolUseId: string | null; isError: boolean; content: Block[] }
  | { type: 'image'; description: string }
  | { type: 'document'; description: string }
  | { type: 'other'; blockType: string; json: string };

export interface MessageView {
  role: string;
  blocks: Block[];
}

export interface RequestView {
  model: string | null;
  system: Block[];
  messages: MessageView[];
  tools: string[];
  /** Scalar parameters worth a glance: max_tokens, temperature, stream... */
  params: Array<[string, string]>;
}

export interface ResponseView {
  model: string | null;
  stopReason: string | null;
  blocks: Block[];
  error: { type: string; message: string } | null;
}

type Json = Record<string, unknown>;
const isObject = isRecord;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function pretty(value: unknown): string {
  if (typeof value === 'string') {
    const parsed = parseJson(value);
    return parsed === undefined ? value : prettyValue(parsed);
  }
  return prettyValue(value ?? {});
}

/** Tool results nest tool results; past this many the rest is shown as JSON, so neither
 * this module nor the components that render its blocks recurse without bound. */
export const MAX_BLOCK_NESTING = 16;

function describeSource(source: unknown): string {
  if (!isObject(source)) return 'inline';
  const media = str(source.media_type);
  if (source.type === 'base64' && typeof source.data === 'string') {
    // base64 is 4 chars per 3 bytes; the size tells the user what was sent without the bytes.
    const bytes = Math.floor((source.data.length * 3) / 4);
    return `${media ?? 'base64'}, ~${Math.max(1, Math.round(bytes / 1024))} KB`;
  }
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  if (source.type === 'file' && typeof source.file_id === 'string') return `file ${source.file_id}`;
  return str(source.type) ?? 'inline';
}

export function toBlock(raw: unknown, nesting = 0): Block {
  if (typeof raw === 'string') return { type: 'text', text: raw };
  if (!isObject(raw)) return { type: 'other', blockType: typeof raw, json: pretty(raw) };
  switch (raw.type) {
    case 'text':
      return { type: 'text', text: str(raw.text) ?? '' };
    case 'thinking':
      return { type: 'thinking', text: str(raw.thinking) ?? '', redacted: false };
    case 'redacted_thinking':
      return { type: 'thinking', text: '', redacted: true };
    case 'tool_use':
    case 'server_tool_use':
      return { type: 'tool_use', id: str(raw.id), name: str(raw.name) ?? '(unnamed)', input: pretty(raw.input) };
    case 'tool_result':
      if (nesting >= MAX_BLOCK_NESTING) return { type: 'other', blockType: 'tool_result', json: pretty(raw) };
      return {
        type: 'tool_result',
        toolUseId: str(raw.tool_use_id),
        isError: raw.is_error === true,
        content: toBlocks(raw.content, nesting + 1),
      };
    case 'image':
      return { type: 'image', description: describeSource(raw.source) };
    case 'image_url': {
      const url = isObject(raw.image_url) ? str(raw.image_url.url) : null;
      return { type: 'image', description: url?.startsWith('data:') ? url.slice(0, url.indexOf(',')) : (url ?? 'image') };
    }
    case 'document':
      return { type: 'document', description: str(raw.title) ?? describeSource(raw.source) };
    default:
      return { type: 'other', blockType: str(raw.type) ?? 'block', json: pretty(raw) };
  }
}

export function toBlocks(content: unknown, nesting = 0): Block[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (Array.isArray(content)) return content.map((raw) => toBlock(raw, nesting));
  return [toBlock(content, nesting)];
}

/** OpenAI assistant messages carry tool calls beside the content. */
function openAiToolCalls(message: Json): Block[] {
  if (!Array.isArray(message.tool_calls)) return [];
  return message.tool_calls.map((call): Block => {
    const fn = isObject(call) && isObject(call.function) ? call.function : {};
    return {
      type: 'tool_use',
      id: isObject(call) ? str(call.id) : null,
      name: str(fn.name) ?? '(unnamed)',
      input: pretty(fn.arguments ?? {}),
    };
  });
}

export function toMessage(raw: unknown): MessageView {
  if (!isObject(raw)) return { role: 'unknown', blocks: [toBlock(raw)] };
  const role = str(raw.role) ?? 'unknown';
  if (role === 'tool') {
    return { role, blocks: [{ type: 'tool_result', toolUseId: str(raw.tool_call_id), isError: false, content: toBlocks(raw.content) }] };
  }
  return { role, blocks: [...toBlocks(raw.content), ...openAiToolCalls(raw)] };
}

const PARAMS = ['max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'stream', 'stop_sequences', 'stop', 'tool_choice', 'thinking', 'metadata', 'service_tier'];

export function requestView(bodyText: string | null): RequestView | null {
  const body = parseJson(bodyText);
  if (!isObject(body)) return null;
  const messages = Array.isArray(body.messages) ? body.messages.map(toMessage) : [];
  // OpenAI puts the system prompt among the messages; Anthropic beside them.
  const system = toBlocks(body.system);
  const tools = Array.isArray(body.tools)
    ? body.tools.map((t) => {
        if (!isObject(t)) return 'tool';
        if (isObject(t.function)) return str(t.function.name) ?? 'function';
        return str(t.name) ?? str(t.type) ?? 'tool';
      })
    : [];
  const params: Array<[string, string]> = [];
  for (const key of PARAMS) {
    if (body[key] === undefined) continue;
    const v = body[key];
    params.push([key, typeof v === 'object' ? (stringifyJson(v) ?? '') : String(v)]);
  }
  return { model: str(body.model), system, messages, tools, params };
}

/**
 * The answer to show: the assembled message for streams, else the JSON response (an
 * Anthropic message, an OpenAI completion, or an error in either shape).
 */
export function responseView(assembled: string | null, responseBody: string | null): ResponseView | null {
  const value = parseJson(assembled) ?? parseJson(responseBody);
  if (!isObject(value)) return null;
  if (value.type === 'error' || (isObject(value.error) && value.type === undefined)) {
    const err = isObject(value.error) ? value.error : {};
    return { model: null, stopReason: null, blocks: [], error: { type: str(err.type) ?? 'error', message: str(err.message) ?? pretty(err) } };
  }
  if (Array.isArray(value.choices)) {
    const choice = value.choices[0];
    const message = isObject(choice) && isObject(choice.message) ? choice.message : {};
    return {
      model: str(value.model),
      stopReason: isObject(choice) ? str(choice.finish_reason) : null,
      blocks: [...toBlocks(message.content), ...openAiToolCalls(message)],
      error: null,
    };
  }
  return { model: str(value.model), stopReason: str(value.stop_reason), blocks: toBlocks(value.content), error: null };
}

/** Plain text of a message's text blocks, for copying. */
export function blocksText(blocks: readonly Block[]): string {
  return blocks
    .filter((b): b is Extract<Block, { type: 'text' }> => b.type === 'text')
    .map((b) => b.text)
    .join('\n\n');
}
