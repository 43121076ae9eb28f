/** The contract's sessions and turns (listSessions, getSession, getTurn). Types only. */
import type { Usage } from './types.js';

export interface SessionQuery {
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string | null;
  /** Defaults to 50, at most 500. */
  limit?: number;
  /** Exact client, e.g. "claude-cli/2.1.197" (the user agent's first product token). */
  client?: string | null;
  /** Sessions that used this model in at least one turn. */
  model?: string | null;
  /** Sessions with a turn whose request or response matches (same syntax as HistoryQuery.text). */
  text?: string | null;
}

export interface SessionTokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface SessionSummary {
  /** `h:<x-claude-code-session-id>`, or `x:<first exchange id>` for a session found by its chain or alone. */
  id: string;
  client: string | null;
  models: string[];
  firstAt: number;
  lastAt: number;
  turns: number;
  errors: number;
  tokens: SessionTokens;
  /** USD from the price table; null when no turn's model is priced. */
  cost: number | null;
  /** The first user text. */
  title: string | null;
  /** The working directory the client stated (Claude Code: "Primary working directory" in its system prompt). */
  cwd: string | null;
}

export interface SessionPage {
  items: SessionSummary[];
  nextCursor: string | null;
}

export interface TurnDelta {
  /** Index of the first message not in the parent's request (the parent's answer, re-sent, comes first). */
  fromMessage: number;
  /** Number of messages in this request; the new ones are fromMessage..messageCount-1. */
  messageCount: number;
  systemChanged: boolean;
  toolsChanged: boolean;
}

export interface SessionTurn {
  exchangeId: string;
  startedAt: number;
  /** '' for the main thread, else the subagent's `x-claude-code-agent-id`. */
  thread: string;
  /** The exchange this one continues; null for a thread's first turn (or when the parent was deleted). */
  parentId: string | null;
  /** For a subagent's first turn: the main turn whose answer called the Agent tool. */
  spawnedBy: string | null;
  delta: TurnDelta;
  model: string | null;
  status: number | null;
  usage: Usage | null;
  cost: number | null;
  ttfbMs: number | null;
  durationMs: number | null;
}

export interface SessionDetail extends SessionSummary {
  /** In the order they started. */
  turnList: SessionTurn[];
}

/** What is new in one turn (getTurn): its new messages and its answer, never the whole body. */
export interface TurnContent {
  exchangeId: string;
  /** The session it belongs to (a SessionSummary id), so any view can link an exchange to its session; null before it is placed. */
  sessionId: string | null;
  /** Index in the request of `messages[0]` (TurnDelta.fromMessage). */
  fromMessage: number;
  /** The new messages as sent, each its exact stored JSON text. */
  messages: string[];
  /** The assistant's message: the assembled stream, else the JSON response body; null when none was stored. */
  answer: string | null;
  /** Asked with `prefix: true` and the turn has a parent: what differs in the cached prefix. */
  prefix?: PrefixDiff | null;
}

/** The parts of a turn's prompt prefix (tools, system, the parent's messages, the other
 * fields) that differ from its parent's, as forwarded upstream: the exact stored bytes. */
export interface PrefixDiff {
  parentId: string;
  sections: PrefixSection[];
}

export interface PrefixSection {
  /** 'tools', 'system', 'message N' (1-based) or 'fields' (everything outside the parts, parts shown as <kind>). */
  name: string;
  /** null: absent on that side. */
  parent: string | null;
  turn: string | null;
  /** A message whose bytes differ only where the prompt cache does not look (cache_control
   * markers, a string for a single text block), as Claude Code re-sends its last prompt. */
  cacheNeutral: boolean;
}
