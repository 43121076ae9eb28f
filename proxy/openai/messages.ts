/**
 * OpenAI chat messages -> Anthropic `system` + `messages`. Pure; throws ProxyError (400) with the
 * offending path in `param` so the client sees which message or part was refused.
 */
import { errors } from '../http/errors.js';
import { expectArray, expectRecord, expectString, isAbsent, isRecord, type Json } from './util.js';

export type AnthropicBlock = Json & { type: string };
export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}
export interface TranslatedMessages {
  /** Plain string unless some system part asked for a cache breakpoint. */
  system: string | AnthropicBlock[] | undefined;
  messages: AnthropicMessage[];
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** OpenAI's explicit prompt-cache breakpoint on a part maps to Anthropic's cache_control. */
function withCache(block: AnthropicBlock, part: Json): AnthropicBlock {
  const bp = part.prompt_cache_breakpoint;
  return isRecord(bp) && bp.mode === 'explicit' ? { ...block, cache_control: { type: 'ephemeral' } } : block;
}

interface DataUrl {
  mediaType: string;
  base64: string;
}

function parseDataUrl(url: string): DataUrl | null {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) return null;
  const meta = url.slice(5, comma).split(';');
  const mediaType = (meta[0] || 'text/plain').toLowerCase();
  const payload = url.slice(comma + 1);
  const base64 = meta.includes('base64')
    ? payload.replace(/\s+/g, '')
    : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
  return { mediaType, base64 };
}

function imageBlock(part: Json, param: string): AnthropicBlock {
  const imageUrl = part.image_url;
  const url = typeof imageUrl === 'string' ? imageUrl : expectString(expectRecord(imageUrl, `${param}.image_url`).url, `${param}.image_url.url`);
  if (/^https?:\/\//i.test(url)) return withCache({ type: 'image', source: { type: 'url', url } }, part);
  const data = parseDataUrl(url);
  if (!data) {
    throw errors.invalidRequest(`'${param}.image_url.url' must be an http(s) URL or a data: URL.`, `${param}.image_url.url`);
  }
  if (!IMAGE_TYPES.has(data.mediaType)) {
    throw errors.invalidRequest(
      `Image type '${data.mediaType}' is not supported; use image/jpeg, image/png, image/gif or image/webp.`,
      `${param}.image_url.url`,
    );
  }
  return withCache({ type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.base64 } }, part);
}

function fileBlock(part: Json, param: string): AnthropicBlock {
  const file = expectRecord(part.file, `${param}.file`);
  if (isAbsent(file.file_data)) {
    throw errors.unsupportedParameter(`${param}.file.file_id`, 'OpenAI file ids cannot be resolved; send file_data');
  }
  const data = parseDataUrl(expectString(file.file_data, `${param}.file.file_data`));
  if (!data) throw errors.invalidRequest(`'${param}.file.file_data' must be a data: URL.`, `${param}.file.file_data`);
  const title = typeof file.filename === 'string' ? { title: file.filename } : {};
  if (data.mediaType === 'application/pdf') {
    return withCache({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data.base64 }, ...title }, part);
  }
  if (data.mediaType === 'text/plain') {
    const text = Buffer.from(data.base64, 'base64').toString('utf8');
    return withCache({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title }, part);
  }
  throw errors.invalidRequest(`File type '${data.mediaType}' is not supported; use application/pdf or text/plain.`, `${param}.file.file_data`);
}

function textBlock(part: Json, param: string): AnthropicBlock {
  return withCache({ type: 'text', text: expectString(part.text, `${param}.text`) }, part);
}

/** Anthropic rejects empty text blocks, and an empty OpenAI part carries nothing. */
function nonEmpty(block: AnthropicBlock): boolean {
  return !(block.type === 'text' && block.text === '');
}

function userContent(content: unknown, param: string): string | AnthropicBlock[] {
  if (typeof content === 'string') return content;
  return expectArray(content, param)
    .map((raw, j): AnthropicBlock => {
      const p = `${param}[${j}]`;
      const part = expectRecord(raw, p);
      switch (part.type) {
        case 'text':
          return textBlock(part, p);
        case 'image_url':
          return imageBlock(part, p);
        case 'file':
          return fileBlock(part, p);
        case 'input_audio':
          throw errors.unsupportedParameter(`${p}.input_audio`, 'audio input');
        default:
          throw errors.invalidRequest(`Unknown content part type '${String(part.type)}'.`, `${p}.type`);
      }
    })
    .filter(nonEmpty);
}

/** System, developer and tool messages allow text parts only. */
function textOnly(content: unknown, param: string): AnthropicBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return expectArray(content, param).map((raw, j) => {
    const p = `${param}[${j}]`;
    const part = expectRecord(raw, p);
    if (part.type !== 'text') throw errors.invalidRequest(`Only text parts are allowed here, got '${String(part.type)}'.`, `${p}.type`);
    return textBlock(part, p);
  });
}

function assistantText(content: unknown, param: string): AnthropicBlock[] {
  if (isAbsent(content)) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return expectArray(content, param).map((raw, j) => {
    const p = `${param}[${j}]`;
    const part = expectRecord(raw, p);
    // A refusal the model gave earlier is still what it said; keep it as text for context.
    if (part.type === 'refusal') return { type: 'text', text: expectString(part.refusal, `${p}.refusal`) };
    if (part.type === 'text') return textBlock(part, p);
    throw errors.invalidRequest(`Assistant content parts must be text or refusal, got '${String(part.type)}'.`, `${p}.type`);
  });
}

function parseArguments(args: unknown, param: string): Json {
  if (isAbsent(args) || args === '') return {};
  const text = expectString(args, param);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw errors.invalidRequest(
      `'${param}' is not valid JSON (${err instanceof Error ? err.message : String(err)}); tool call arguments must be a JSON object.`,
      param,
    );
  }
  if (!isRecord(parsed)) throw errors.invalidRequest(`'${param}' must encode a JSON object.`, param);
  return parsed;
}

function toolUseBlocks(toolCalls: unknown, param: string): AnthropicBlock[] {
  if (isAbsent(toolCalls)) return [];
  return expectArray(toolCalls, param).map((raw, k) => {
    const p = `${param}[${k}]`;
    const call = expectRecord(raw, p);
    if (call.type !== undefined && call.type !== 'function') {
      throw errors.unsupportedParameter(`${p}.type`, `tool calls of type '${String(call.type)}'`);
    }
    const fn = expectRecord(call.function, `${p}.function`);
    return {
      type: 'tool_use',
      id: expectString(call.id, `${p}.id`),
      name: expectString(fn.name, `${p}.function.name`),
      input: parseArguments(fn.arguments, `${p}.function.arguments`),
    };
  });
}

function toolResult(msg: Json, param: string): AnthropicBlock {
  const blocks = textOnly(msg.content, `${param}.content`);
  const onlyPlain = blocks.every((b) => b.cache_control === undefined);
  return {
    type: 'tool_result',
    tool_use_id: expectString(msg.tool_call_id, `${param}.tool_call_id`),
    // A plain string keeps the forwarded body close to what the client sent.
    content: typeof msg.content === 'string' ? msg.content : onlyPlain ? blocks.map((b) => b.text).join('') : blocks,
  };
}

function asBlocks(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * Anthropic needs strictly alternating roles; OpenAI does not. Consecutive same-role turns are
 * joined, and within a user turn tool results go first because Anthropic requires them to lead.
 */
export function mergeTurns(turns: AnthropicMessage[]): AnthropicMessage[] {
  const out: AnthropicMessage[] = [];
  for (const turn of turns) {
    const prev = out[out.length - 1];
    if (prev && prev.role === turn.role) prev.content = [...asBlocks(prev.content), ...asBlocks(turn.content)];
    else out.push({ role: turn.role, content: turn.content });
  }
  for (const turn of out) {
    if (turn.role === 'user' && Array.isArray(turn.content)) {
      const results = turn.content.filter((b) => b.type === 'tool_result');
      if (results.length > 0) turn.content = [...results, ...turn.content.filter((b) => b.type !== 'tool_result')];
    }
  }
  return out;
}

function systemFrom(blocks: AnthropicBlock[]): string | AnthropicBlock[] | undefined {
  const kept = blocks.filter(nonEmpty);
  if (kept.length === 0) return undefined;
  if (kept.some((b) => b.cache_control !== undefined)) return kept;
  return kept.map((b) => b.text as string).join('\n\n');
}

export function translateMessages(raw: unknown): TranslatedMessages {
  const list = expectArray(raw, 'messages');
  if (list.length === 0) throw errors.invalidRequest("'messages' must contain at least one message.", 'messages');
  const systemBlocks: AnthropicBlock[] = [];
  const turns: AnthropicMessage[] = [];

  list.forEach((rawMsg, i) => {
    const param = `messages[${i}]`;
    const msg = expectRecord(rawMsg, param);
    switch (msg.role) {
      case 'system':
      case 'developer':
        systemBlocks.push(...textOnly(msg.content, `${param}.content`));
        return;
      case 'user':
        turns.push({ role: 'user', content: userContent(msg.content, `${param}.content`) });
        return;
      case 'assistant': {
        if (!isAbsent(msg.function_call)) throw errors.unsupportedParameter(`${param}.function_call`, 'legacy function calling; use tool_calls');
        if (!isAbsent(msg.audio)) throw errors.unsupportedParameter(`${param}.audio`, 'audio output');
        const blocks = [
          ...assistantText(msg.content, `${param}.content`),
          ...(typeof msg.refusal === 'string' && msg.refusal ? [{ type: 'text', text: msg.refusal }] : []),
          ...toolUseBlocks(msg.tool_calls, `${param}.tool_calls`),
        ].filter(nonEmpty);
        // An empty assistant turn carries nothing and Anthropic rejects empty content.
        if (blocks.length === 0) return;
        const onlyText = blocks.length === 1 && blocks[0]?.type === 'text' && blocks[0].cache_control === undefined;
        turns.push({ role: 'assistant', content: onlyText && typeof msg.content === 'string' ? msg.content : blocks });
        return;
      }
      case 'tool':
        turns.push({ role: 'user', content: [toolResult(msg, param)] });
        return;
      case 'function':
        throw errors.unsupportedParameter(`${param}.role`, "legacy 'function' messages; use 'tool' messages");
      default:
        throw errors.invalidRequest(`Unknown message role '${String(msg.role)}'.`, `${param}.role`);
    }
  });

  if (turns.length === 0) {
    throw errors.invalidRequest("'messages' must contain at least one user or assistant message besides system messages.", 'messages');
  }
  return { system: systemFrom(systemBlocks), messages: mergeTurns(turns) };
}

/** True when the conversation is mid tool loop: the last turn is only tool results. */
export function endsWithToolResults(messages: AnthropicMessage[]): boolean {
  const last = messages[messages.length - 1];
  return (
    last !== undefined &&
    last.role === 'user' &&
    Array.isArray(last.content) &&
    last.content.length > 0 &&
    last.content.every((b) => b.type === 'tool_result')
  );
}
