/** View models of the sessions view: the timeline's nesting, ratios, the per-turn chart and the prefix diff. Pure. */
import type { PrefixSection, SessionTokens, SessionTurn, TurnContent } from '../../proxy/contract/types.js';
import { responseView, toMessage, type MessageView, type ResponseView } from './blocks.js';
import { cacheHitRatio } from './cost.js';
import { parseJson, textDiff, type DiffPart } from './diff.js';

/** Cache read / (input + cache read + cache write); null without prompt tokens. */
export function sessionCacheRatio(tokens: SessionTokens): number | null {
  return cacheHitRatio({ input: tokens.input, output: tokens.output, cacheRead: tokens.cacheRead, cacheCreation: tokens.cacheWrite });
}

export interface Thread {
  thread: string;
  turns: SessionTurn[];
}

export type TimelineItem =
  | { kind: 'turn'; turn: SessionTurn; number: number; threads: Thread[] }
  /** A subagent whose spawning turn is not in the session (deleted, or never recorded). */
  | { kind: 'thread'; thread: Thread };

/** Main-thread turns in order, each with the subagent threads it started nested under it. */
export function timeline(turns: readonly SessionTurn[]): TimelineItem[] {
  const threads = new Map<string, Thread>();
  for (const t of turns) {
    if (t.thread === '') continue;
    let th = threads.get(t.thread);
    if (!th) threads.set(t.thread, (th = { thread: t.thread, turns: [] }));
    th.turns.push(t);
  }
  const mainIds = new Set(turns.filter((t) => t.thread === '').map((t) => t.exchangeId));
  const nested = new Map<string, Thread[]>();
  const orphans = new Set<Thread>();
  for (const th of threads.values()) {
    const spawner = th.turns.find((t) => t.spawnedBy !== null)?.spawnedBy ?? null;
    if (spawner !== null && mainIds.has(spawner)) nested.set(spawner, [...(nested.get(spawner) ?? []), th]);
    else orphans.add(th);
  }
  const items: TimelineItem[] = [];
  let number = 0;
  for (const t of turns) {
    if (t.thread === '') {
      items.push({ kind: 'turn', turn: t, number: ++number, threads: nested.get(t.exchangeId) ?? [] });
      continue;
    }
    const th = threads.get(t.thread)!;
    if (orphans.has(th) && th.turns[0] === t) items.push({ kind: 'thread', thread: th });
  }
  return items;
}

export interface TurnSeries {
  /** Turn numbers as the timeline gives them: the main thread's turns in order. */
  x: number[];
  /** Subagent turns left out of the series (their usage is on their own cards). */
  subagentTurns: number;
  input: number[];
  cacheRead: number[];
  cacheWrite: number[];
}

export function turnSeries(all: readonly SessionTurn[]): TurnSeries {
  const main = all.filter((t) => t.thread === '');
  // A session seen only through its subagents still gets a chart.
  const turns = main.length > 0 ? main : all;
  return {
    x: turns.map((_, i) => i + 1),
    subagentTurns: all.length - turns.length,
    input: turns.map((t) => t.usage?.input ?? 0),
    cacheRead: turns.map((t) => t.usage?.cacheRead ?? 0),
    cacheWrite: turns.map((t) => t.usage?.cacheCreation ?? 0),
  };
}

export type ShownPart = DiffPart | { kind: 'elided'; chars: number };

/** Unchanged runs longer than this are cut to their edges, so a 60 KB tools array with one changed word stays readable. */
export const DIFF_CONTEXT = 160;

/** The exact-text diff of one prefix section, with long unchanged stretches elided. */
export function sectionDiff(section: PrefixSection, context = DIFF_CONTEXT): ShownPart[] {
  const parts = textDiff(section.parent ?? '', section.turn ?? '');
  const out: ShownPart[] = [];
  parts.forEach((p, i) => {
    if (p.kind !== 'same' || p.text.length <= 2 * context) {
      out.push(p);
      return;
    }
    const keepHead = i === 0 ? 0 : context;
    const keepTail = i === parts.length - 1 ? 0 : context;
    if (keepHead > 0) out.push({ kind: 'same', text: p.text.slice(0, keepHead) });
    out.push({ kind: 'elided', chars: p.text.length - keepHead - keepTail });
    if (keepTail > 0) out.push({ kind: 'same', text: p.text.slice(p.text.length - keepTail) });
  });
  return out;
}

/** The section names the view shows, in words. */
export function sectionTitle(name: string): string {
  if (name === 'tools') return 'Tools';
  if (name === 'system') return 'System prompt';
  if (name === 'fields') return 'Other request fields';
  return name.replace(/^message /, 'Message ');
}

export interface TurnView {
  /** What the client added this turn: the user's text, tool results, mid-conversation system
   * notes; `index` is the message's place in the request. */
  added: Array<{ index: number; message: MessageView }>;
  answer: ResponseView | null;
}

/**
 * What a turn shows. A turn's new messages begin with its parent's answer, re-sent; that
 * answer is already shown on the parent, so it is left out here.
 */
export function turnView(content: TurnContent, hasParent: boolean): TurnView {
  const messages = content.messages.map((m) => toMessage(parseJson(m) ?? m));
  let skip = 0;
  if (hasParent) while (messages[skip]?.role === 'assistant') skip++;
  return { added: messages.slice(skip).map((message, i) => ({ index: content.fromMessage + skip + i, message })), answer: responseView(content.answer, null) };
}
