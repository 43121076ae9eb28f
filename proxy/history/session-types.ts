/**
 * Types of the session queries (History.listSessions / getSession) and of the
 * conversion's progress. Written to move as they are into proxy/contract/types.ts.
 */
import type { Usage } from '../contract/types.js';

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
}

export interface SessionDetail extends SessionSummary {
  /** In the order they started. */
  turnList: SessionTurn[];
}

/** Progress of converting schema-1 rows to parts, reported while it runs and once at the end;
 * 'idle' when there is nothing to convert. */
export interface MigrationStatus {
  state: 'idle' | 'converting' | 'compacting' | 'done';
  rowsDone: number;
  rowsTotal: number;
  /** Bytes the file shrank by since the conversion began (known after compaction). */
  bytesFreed: number;
}
