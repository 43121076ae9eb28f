/**
 * Session and turn policy, as pure functions: which header names a session and a
 * subagent, how a message is compared across turns, what a session's client, title and
 * working directory are.
 *
 * What Claude Code 2.1.197 sends (see /work/shared/fixtures): `x-claude-code-session-id`
 * on every request of a run, the main agent's and its subagents' alike; a subagent's
 * requests also carry `x-claude-code-agent-id` (and their first system block, the
 * `x-anthropic-billing-header` text, adds `cc_is_subagent=true`). The turn that started a
 * subagent is the main turn whose answer called the `Agent` tool.
 *
 * A conversation chain is found through digests: a message's digest covers its role and
 * content in a canonical form (string content as one text block, block keys sorted,
 * `cache_control` and null fields dropped), because Claude Code re-sends the previous
 * last user message without its cache breakpoint and an answer as the client's own
 * serialization. `chainKeys` folds the digests of messages 0..j-1 into one key per
 * prefix; an exchange's `answer_key` is its request's key extended by its answer, which is
 * exactly the prefix key of the request that continues it.
 */
import { createHash } from 'node:crypto';

export const SESSION_HEADER = 'x-claude-code-session-id';
export const AGENT_HEADER = 'x-claude-code-agent-id';
/** Tool names whose call starts a subagent (`Task` in Claude Code before 2.1). */
const AGENT_TOOLS = new Set(['Agent', 'Task']);
const TITLE_MAX = 200;

export function headerValue(headers: Record<string, string> | null | undefined, name: string): string | null {
  const v = headers?.[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** `claude-cli/2.1.197 (external, sdk-cli)` -> `claude-cli/2.1.197`. */
export function clientOf(userAgent: string | null | undefined): string | null {
  const first = userAgent?.trim().split(/\s+/)[0];
  return first ? first : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function canonicalBlock(block: unknown): unknown {
  if (!isObject(block)) return block;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(block).sort()) {
    if (key === 'cache_control' || block[key] === null || block[key] === undefined) continue;
    out[key] = block[key];
  }
  return out;
}

/** Digest of a message's role and content; null for anything that is not a message. */
export function messageDigest(message: unknown): Buffer | null {
  if (!isObject(message) || typeof message.role !== 'string') return null;
  const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  const blocks = Array.isArray(content) ? content.map(canonicalBlock) : content;
  let text: string;
  try {
    text = JSON.stringify([message.role, blocks]);
  } catch {
    // Too deep to serialize: no chain through this message, nothing else lost.
    return null;
  }
  return createHash('sha256').update(text).digest();
}

/** keys[j] stands for messages 0..j-1 (keys[0] for none). */
export function chainKeys(digests: readonly Buffer[]): Buffer[] {
  const keys: Buffer[] = [createHash('sha256').update('chain').digest()];
  for (const d of digests) keys.push(extendKey(keys[keys.length - 1]!, d));
  return keys;
}

export function extendKey(key: Buffer, digest: Buffer): Buffer {
  return createHash('sha256').update(key).update(digest).digest();
}

/** The assistant message of a response (the assembled one for streams), or null. */
export function answerOf(assembled: string | null, responseBody: string | null): Record<string, unknown> | null {
  for (const text of [assembled, responseBody]) {
    if (!text || text.trimStart()[0] !== '{') continue;
    try {
      const value: unknown = JSON.parse(text);
      if (isObject(value) && value.role === 'assistant' && Array.isArray(value.content)) {
        return { role: 'assistant', content: value.content };
      }
    } catch {
      // An SSE text or a cut body: no answer to chain on.
    }
  }
  return null;
}

export function callsAgent(answer: Record<string, unknown> | null): boolean {
  const content = answer?.content;
  return Array.isArray(content) && content.some((b) => isObject(b) && b.type === 'tool_use' && AGENT_TOOLS.has(String(b.name)));
}

/** The first thing the user typed: a text that is not an injected `<system-reminder>`. */
export function titleOf(message: unknown): string | null {
  if (!isObject(message) || message.role !== 'user') return null;
  const texts = typeof message.content === 'string'
    ? [message.content]
    : Array.isArray(message.content)
      ? message.content.filter((b) => isObject(b) && b.type === 'text' && typeof b.text === 'string').map((b) => (b as { text: string }).text)
      : [];
  for (const t of texts) {
    const s = t.trim();
    if (s !== '' && !s.startsWith('<system-reminder>')) return s.length > TITLE_MAX ? `${s.slice(0, TITLE_MAX - 1)}…` : s;
  }
  return null;
}

const CWD_MARKER = Buffer.from('Primary working directory: ', 'latin1');

/**
 * Claude Code states its working directory in the system prompt. Read from the raw JSON
 * bytes: the path ends at the escaped newline (`\n`) or the string's closing quote.
 */
export function cwdOf(system: Uint8Array | null): string | null {
  if (!system) return null;
  const buf = Buffer.from(system.buffer, system.byteOffset, system.byteLength);
  const at = buf.indexOf(CWD_MARKER);
  if (at < 0) return null;
  const start = at + CWD_MARKER.length;
  let end = start;
  while (end < buf.length && buf[end] !== 0x5c && buf[end] !== 0x22 && buf[end] !== 0x0a) end++;
  const path = buf.subarray(start, end).toString('utf8').trim();
  return path === '' ? null : path;
}
