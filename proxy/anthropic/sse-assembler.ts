/**
 * Rebuilds the final Anthropic Message from a streamed (SSE) response, for history.
 * The history's writer thread runs it on the stored bytes; the main thread only when a
 * stream outgrows what is stored (exchange.ts). It favours resilience over strictness:
 * bad events are counted and skipped, unknown events and block types are carried through,
 * and a stream cut short yields whatever was assembled so far.
 */

import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Usage } from '../contract/types.js';
import { isRecord } from '../lib/json.js';
import { cloneJson, stringifyJson } from '../lib/walk.js';

export interface AssembledStream {
  /** The Message as the non-streaming API would have returned it; null without message_start. */
  message: Record<string, unknown> | null;
  model: string | null;
  stopReason: string | null;
  usage: Usage | null;
  /** The `error` event's payload, when the stream carried one. */
  error: { type: string; message: string } | null;
  /** SSE events seen, pings and unparseable ones included. */
  events: number;
  /** Events whose data was not valid JSON. */
  invalidEvents: number;
  /** True when message_stop arrived. */
  complete: boolean;
}

export interface StreamAssembler {
  push(chunk: Buffer | Uint8Array | string): void;
  /** Finishes the stream; further pushes are ignored and later calls return the same result. */
  end(): AssembledStream;
}

type Json = Record<string, unknown>;

const TOKEN_FIELDS = {
  input: 'input_tokens',
  output: 'output_tokens',
  cacheRead: 'cache_read_input_tokens',
  cacheCreation: 'cache_creation_input_tokens',
} as const satisfies Record<keyof Usage, string>;

const isObject = isRecord;

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Maps Anthropic's usage object to ours; missing or null counters count as 0. */
export function usageFromAnthropic(u: unknown): Usage | null {
  if (!isObject(u)) return null;
  return {
    input: count(u[TOKEN_FIELDS.input]),
    output: count(u[TOKEN_FIELDS.output]),
    cacheRead: count(u[TOKEN_FIELDS.cacheRead]),
    cacheCreation: count(u[TOKEN_FIELDS.cacheCreation]),
  };
}

/** Blocks whose `input` arrives as `input_json_delta` fragments. */
function takesJsonInput(block: Json): boolean {
  return typeof block.type === 'string' && (block.type === 'tool_use' || block.type.endsWith('_tool_use'));
}

/** Sets a field as the JSON has it: a `__proto__` key stays a field, where assigning it would replace the object's prototype. */
function setField(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A message_delta applied to the message so far: its delta's fields, and its usage. */
export function applyMessageDelta(message: Json, data: Json): void {
  if (isObject(data.delta)) {
    for (const [k, v] of Object.entries(data.delta)) setField(message, k, v);
  }
  if (isObject(data.usage)) {
    if (!isObject(message.usage)) message.usage = {};
    const target = message.usage as Json;
    // Counters in message_delta are cumulative totals: overwrite when present, never add.
    for (const [k, v] of Object.entries(data.usage)) {
      if (v !== null && v !== undefined) setField(target, k, v);
    }
  }
}

/** An `error` event's payload. */
export function streamError(data: Json): NonNullable<AssembledStream['error']> {
  const e = isObject(data.error) ? data.error : {};
  return {
    type: typeof e.type === 'string' ? e.type : 'unknown_error',
    message: typeof e.message === 'string' ? e.message : '',
  };
}

/** What the log and the record read from a stream: from its message (as far as assembled) and its error event. */
export type StreamSummary = Pick<AssembledStream, 'model' | 'stopReason' | 'usage' | 'error'>;

export function summaryOf(message: Json | null, error: AssembledStream['error']): StreamSummary {
  return {
    model: typeof message?.model === 'string' ? message.model : null,
    stopReason: typeof message?.stop_reason === 'string' ? message.stop_reason : null,
    usage: message ? usageFromAnthropic(message.usage) : null,
    error,
  };
}

export function createStreamAssembler(): StreamAssembler {
  let message: Json | null = null;
  let content: (Json | undefined)[] = [];
  /** Concatenated partial_json per block index, until the block stops. */
  const pendingJson = new Map<number, string>();
  let error: AssembledStream['error'] = null;
  let events = 0;
  let invalidEvents = 0;
  let complete = false;
  let result: AssembledStream | null = null;

  const decoder = new TextDecoder('utf-8');
  const parser = createParser({ onEvent });

  function finishBlock(index: number): void {
    const raw = pendingJson.get(index);
    pendingJson.delete(index);
    const block = content[index];
    if (raw === undefined || !block) return;
    if (raw === '') return; // no fragments: the start event's `input` stands
    try {
      block.input = JSON.parse(raw);
    } catch {
      // Keep what the model produced rather than lose it; history shows it verbatim.
      block.input = raw;
    }
  }

  function applyDelta(index: number, delta: Json): void {
    const block = content[index];
    if (!block) return;
    switch (delta.type) {
      case 'text_delta':
        block.text = String(block.text ?? '') + String(delta.text ?? '');
        break;
      case 'input_json_delta':
        pendingJson.set(index, (pendingJson.get(index) ?? '') + String(delta.partial_json ?? ''));
        break;
      case 'thinking_delta':
        block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        break;
      case 'signature_delta':
        block.signature = String(delta.signature ?? '');
        break;
      case 'citations_delta': {
        const list = Array.isArray(block.citations) ? block.citations : [];
        block.citations = [...list, delta.citation];
        break;
      }
      default:
        break;
    }
  }

  function onEvent(ev: EventSourceMessage): void {
    events++;
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      invalidEvents++;
      return;
    }
    if (!isObject(data)) {
      invalidEvents++;
      return;
    }
    const type = typeof data.type === 'string' ? data.type : ev.event;
    switch (type) {
      case 'message_start': {
        if (!isObject(data.message)) return;
        message = cloneJson(data.message);
        content = [];
        pendingJson.clear();
        break;
      }
      case 'content_block_start': {
        const index = data.index;
        if (typeof index !== 'number' || !isObject(data.content_block)) return;
        const block = cloneJson(data.content_block);
        content[index] = block;
        if (takesJsonInput(block)) pendingJson.set(index, '');
        break;
      }
      case 'content_block_delta':
        if (typeof data.index === 'number' && isObject(data.delta)) applyDelta(data.index, data.delta);
        break;
      case 'content_block_stop':
        if (typeof data.index === 'number') finishBlock(data.index);
        break;
      case 'message_delta':
        if (message) applyMessageDelta(message, data);
        break;
      case 'message_stop':
        complete = true;
        break;
      case 'error':
        error = streamError(data);
        break;
      default:
        // ping and event types added later: nothing to assemble.
        break;
    }
  }

  return {
    push(chunk) {
      if (result) return;
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (result) return result;
      // A last event missing its blank line is still worth having.
      parser.feed(decoder.decode() + '\n\n');
      for (const index of [...pendingJson.keys()]) finishBlock(index);
      let assembled: Json | null = null;
      if (message) {
        assembled = { ...message, content: content.filter((b): b is Json => b !== undefined) };
      }
      result = { message: assembled, ...summaryOf(assembled, error), events, invalidEvents, complete };
      return result;
    },
  };
}

/** Whether a response's content type is Server-Sent Events. */
export function isEventStreamType(contentType: string | undefined): boolean {
  return (contentType ?? '').startsWith('text/event-stream');
}

/** The message of a whole stored stream, as the history stores it; null when it has none. */
export function assembledText(body: Buffer): string | null {
  const { message } = assembleStream(body);
  return message ? stringifyJson(message)! : null;
}

/** Convenience for a response already fully buffered. */
export function assembleStream(body: Buffer | string): AssembledStream {
  const a = createStreamAssembler();
  a.push(body);
  return a.end();
}
