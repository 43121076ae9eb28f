/**
 * The modifier: appends the user's text to the last `user` message of a Messages API
 * request. Pure and dependency-free so the dashboard's live preview runs this very code.
 *
 * Prompt caching is why it is careful: every block that already exists keeps its exact
 * content (and `cache_control`), and the new block carries no `cache_control`, because an
 * extra breakpoint could exceed the API's limit of four.
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

  let content: unknown;
  if (typeof message.content === 'string') {
    content = message.content + text;
  } else if (Array.isArray(message.content)) {
    content = [...message.content, { type: 'text', text }];
  } else {
    return unchanged;
  }

  const nextMessages = messages.slice();
  nextMessages[index] = { ...message, content };
  return { body: { ...body, messages: nextMessages } as T, modified: true, messageIndex: index };
}
