/**
 * Incremental Anthropic SSE -> OpenAI `chat.completion.chunk` SSE. Each push returns the text
 * to write at once, so nothing waits for the rest of the stream. Thinking deltas become
 * `reasoning_content` deltas; signatures, redacted thinking and server-tool blocks have no
 * OpenAI counterpart and are left out. An upstream error becomes a `data: {"error":…}` event,
 * which the openai SDK raises as an APIError instead of ending quietly.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { OpenAIErrorBody } from '../http/errors.js';
import { translateUpstreamError } from './errors.js';
import { completionId, finishReason, translateUsage, type FinishReason } from './response.js';
import { stringifyJson } from '../lib/walk.js';
import { isRecord, type Json } from './util.js';

export interface StreamTranslatorOptions {
  model: string;
  includeUsage: boolean;
  /** Unix seconds; defaults to now. */
  created?: number;
  /** Overrides the `chatcmpl-<message id>` id. */
  id?: string;
}

export interface StreamTranslator {
  push(chunk: Buffer | string): string;
  /** Upstream ended: whatever is left, `data: [DONE]` included, or an error if it ended early. */
  end(): string;
  /** The proxy gave up on upstream (timeout, reset): an error event, unless the stream is over. */
  fail(error: OpenAIErrorBody['error']): string;
  /** True once `[DONE]` or an error event was produced; later input is ignored. */
  readonly closed: boolean;
}

const DONE = 'data: [DONE]\n\n';

function frame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export function createStreamTranslator(opts: StreamTranslatorOptions): StreamTranslator {
  const decoder = new TextDecoder();
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  let id = opts.id ?? completionId(undefined);
  let model = opts.model;
  let started = false;
  let finish: FinishReason | null = null;
  let closed = false;
  let usage: Json = {};
  /** Anthropic content-block index -> OpenAI tool_calls index. */
  const toolIndex = new Map<number, number>();
  /** Tool blocks still open, with the input known from their start, until a fragment arrives. */
  const toolPending = new Map<number, unknown>();
  let out = '';

  const chunk = (choices: Json[], extra: Json = {}): void => {
    out += frame({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: null,
      choices,
      ...(opts.includeUsage ? { usage: null } : {}),
      ...extra,
    });
  };
  const delta = (d: Json, finishReason_: FinishReason | null = null): void => {
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason_ }]);
  };
  const start = (): void => {
    if (started) return;
    started = true;
    delta({ role: 'assistant', content: '' });
  };
  const errorEvent = (error: OpenAIErrorBody['error']): void => {
    out += frame({ error });
    closed = true;
  };
  const complete = (): void => {
    start();
    if (finish === null) {
      finish = 'stop';
      delta({}, finish);
    }
    if (opts.includeUsage) chunk([], { usage: translateUsage(usage) });
    out += DONE;
    closed = true;
  };

  const onEvent = (event: EventSourceMessage): void => {
    if (closed) return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!isRecord(data)) return;
    switch (data.type ?? event.event) {
      case 'message_start': {
        const message = isRecord(data.message) ? data.message : {};
        if (opts.id === undefined && typeof message.id === 'string') id = completionId(message.id);
        if (typeof message.model === 'string' && message.model) model = message.model;
        if (isRecord(message.usage)) usage = { ...message.usage };
        start();
        return;
      }
      case 'content_block_start': {
        start();
        const block = isRecord(data.content_block) ? data.content_block : {};
        if (block.type === 'tool_use' && typeof data.index === 'number') {
          const index = toolIndex.size;
          toolIndex.set(data.index, index);
          toolPending.set(data.index, block.input);
          delta({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
        } else if (block.type === 'text' && typeof block.text === 'string' && block.text) {
          delta({ content: block.text });
        }
        return;
      }
      case 'content_block_delta': {
        start();
        const d = isRecord(data.delta) ? data.delta : {};
        if (d.type === 'text_delta' && typeof d.text === 'string' && d.text) delta({ content: d.text });
        else if (d.type === 'thinking_delta' && typeof d.thinking === 'string' && d.thinking) delta({ reasoning_content: d.thinking });
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string' && d.partial_json) {
          const index = typeof data.index === 'number' ? toolIndex.get(data.index) : undefined;
          if (index !== undefined) {
            toolPending.delete(data.index as number);
            delta({ tool_calls: [{ index, function: { arguments: d.partial_json } }] });
          }
        }
        return;
      }
      case 'content_block_stop': {
        // A tool without arguments streams no fragment; OpenAI clients expect "{}" to parse.
        if (typeof data.index !== 'number' || !toolPending.has(data.index)) return;
        const input = toolPending.get(data.index);
        toolPending.delete(data.index);
        const args = isRecord(input) ? stringifyJson(input)! : '{}';
        delta({ tool_calls: [{ index: toolIndex.get(data.index), function: { arguments: args } }] });
        return;
      }
      case 'message_delta': {
        start();
        // Counters here are cumulative; the current API repeats input and cache counts too.
        if (isRecord(data.usage)) usage = { ...usage, ...Object.fromEntries(Object.entries(data.usage).filter(([, v]) => v !== null)) };
        const d = isRecord(data.delta) ? data.delta : {};
        if (finish === null && typeof d.stop_reason === 'string') {
          finish = finishReason(d.stop_reason);
          delta({}, finish);
        }
        return;
      }
      case 'message_stop':
        complete();
        return;
      case 'error':
        errorEvent(translateUpstreamError(500, data).error);
        return;
      default:
        // ping and future event types carry nothing for OpenAI clients.
        return;
    }
  };

  const parser = createParser({ onEvent });
  const drain = (): string => {
    const text = out;
    out = '';
    return text;
  };

  return {
    push(input) {
      if (closed) return '';
      parser.feed(typeof input === 'string' ? input : decoder.decode(input, { stream: true }));
      return drain();
    },
    end() {
      if (closed) return '';
      parser.feed(decoder.decode());
      parser.reset({ consume: true });
      if (!closed) {
        // A stream that got as far as its stop reason is complete in all but the last frame.
        if (finish !== null) complete();
        else {
          errorEvent({
            message: 'Upstream stream ended before the response was complete.',
            type: 'server_error',
            param: null,
            code: 'upstream_stream_error',
          });
        }
      }
      return drain();
    },
    fail(error) {
      if (closed) return '';
      errorEvent(error);
      return drain();
    },
    get closed() {
      return closed;
    },
  };
}
