/**
 * The modifier: appends the user's text to the last `user` message of a Messages API
 * request. Pure and dependency-free so the dashboard's live preview runs this very code.
 *
 * Prompt caching is why it is careful: every block that already exists keeps its exact
 * content (and `cache_control`), and the new block carries no `cache_control`, because an
 * extra breakpoint could exceed the API's limit of four.
 *
 * Automatic caching (a top-level `cache_control`) puts its breakpoint on the request's last
 * block, which would be the appended one: the cached prefix would hold text the client
 * never re-sends, and no later turn would hit it. So when the modifier appends to such a
 * request, the breakpoint becomes explicit where it would have been without the modifier:
 * the top-level `cache_control` moves onto the last original block of the message (string
 * content becomes one text block for this). One breakpoint out, one in: the count stays.
 */
import { isRecord } from '../lib/json.js';

export interface ModifierResult<T = unknown> {
  /** The body to forward: the input itself when nothing changed, else a shallow copy. */
  body: T;
  modified: boolean;
  /** Index in `messages` of the message that received the text. */
  messageIndex: number | null;
}

type Json = Record<string, unknown>;

const isObject = isRecord;

/** Index of the last message whose role is `user`: not simply the last message, since a
 * request may end with an assistant prefill or a trailing system-role message. */
export function lastUserMessageIndex(messages: readonly unknown[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && m.role === 'user') return i;
  }
  return -1;
}

/**
 * Never mutates `body`. Unknown fields and key order survive because only the path down
 * to the changed message is copied.
 */
export function applyModifier<T>(body: T, text: string): ModifierResult<T> {
  const unchanged: ModifierResult<T> = { body, modified: false, messageIndex: null };
  if (text === '' || !isObject(body) || !Array.isArray(body.messages)) return unchanged;

  const messages = body.messages as unknown[];
  const index = lastUserMessageIndex(messages);
  if (index < 0) return unchanged;
  const message = messages[index] as Json;

  const moved = movedBreakpoint(body.cache_control, message.content);
  let content: unknown;
  if (moved) {
    content = [...moved, { type: 'text', text }];
  } else if (typeof message.content === 'string') {
    content = message.content + text;
  } else if (Array.isArray(message.content)) {
    content = [...message.content, { type: 'text', text }];
  } else {
    return unchanged;
  }

  const nextMessages = messages.slice();
  nextMessages[index] = { ...message, content };
  const next: Json = { ...body, messages: nextMessages };
  if (moved) delete next.cache_control;
  return { body: next as T, modified: true, messageIndex: index };
}

/**
 * With automatic caching, the message's original blocks with the top-level `cache_control`
 * on the last one (a string is one text block to the API); null without automatic caching
 * or without a block to carry it. A block that has a breakpoint already keeps its own.
 */
function movedBreakpoint(cacheControl: unknown, content: unknown): unknown[] | null {
  if (!isObject(cacheControl)) return null;
  const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  if (!Array.isArray(blocks)) return null;
  const last: unknown = blocks[blocks.length - 1];
  if (!isObject(last)) return null;
  if (last.cache_control !== undefined) return blocks;
  return [...blocks.slice(0, -1), { ...last, cache_control: cacheControl }];
}
