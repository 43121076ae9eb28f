/**
 * The session workload's request bodies, shared by the history benches and `npm run bench`:
 * the fixture's last Claude Code request (its 24 tools and system prompt) whose conversation
 * grows by one tool call and one tool result of source-file size per turn, different in every
 * session and turn. Session ids travel in `x-claude-code-session-id`, as Claude Code sends it.
 */
import { loadFixture } from '../proxy/history/fixtures.js';
import { rng, sourceFile } from './bodies.js';

export { SESSION_HEADER } from '../proxy/history/session-match.js';

export const fixture = loadFixture('claude-code-2.1.197-session.jsonl');
/** The fixture's last request, parsed; its `messages` is where each session starts. */
export const base = JSON.parse(fixture[fixture.length - 1]!.body) as { messages: unknown[]; [k: string]: unknown };

/** Turn `t` of session `s`'s answer: a Read tool call. */
export function toolCall(s: number, t: number): { role: 'assistant'; content: unknown[] } {
  return { role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${s}_${t}`, name: 'Read', input: { file_path: `/home/dev/project/src/f${s}_${t}.ts` } }] };
}

/** The result of turn `t` of session `s`'s tool call: a source file, different in every session and turn. */
export function toolResult(s: number, t: number): { role: 'user'; content: unknown[] } {
  return { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${s}_${t}`, content: sourceFile(rng(s * 100_003 + t), 120) }] };
}

/**
 * Adds turn `t` of session `s` (its tool call and result) to `messages`, in place, at the
 * end: as Claude Code re-sends, the turn before plus the answer and what it asked for.
 */
export function addTurn(messages: unknown[], s: number, t: number): void {
  messages.push(toolCall(s, t), toolResult(s, t));
}

/** The Messages response of turn `t` of session `s`: the tool call that turn `t + 1` re-sends. */
export function turnAnswer(s: number, t: number): string {
  return JSON.stringify({ id: `msg_${s}_${t}`, type: 'message', ...toolCall(s, t + 1), stop_reason: 'tool_use' });
}

/** Turn `t` of session `s`, growing `messages` (the session's conversation so far) by that turn. */
export function growingBody(messages: unknown[], s: number, t: number, extra: Record<string, unknown> = {}): string {
  addTurn(messages, s, t);
  return JSON.stringify({ ...base, ...extra, messages });
}

export interface SessionRequest {
  session: string;
  body: Buffer;
}

/**
 * `sessions` conversations of `turns` turns each, in the order a load generator sends them:
 * every session's first turn, then every session's second, and so on.
 */
export function sessionRequests(sessions: number, turns: number, stream: boolean): SessionRequest[] {
  const convs = Array.from({ length: sessions }, () => [...base.messages]);
  const out: SessionRequest[] = [];
  for (let t = 0; t < turns; t++) {
    // Each turn is its parent's body plus the parent's answer and its result, as Claude Code re-sends.
    convs.forEach((m, s) => {
      if (t > 0) m.push(toolCall(s, t - 1), toolResult(s, t - 1));
      out.push({ session: `bench-${s}`, body: Buffer.from(JSON.stringify({ ...base, stream, messages: m })) });
    });
  }
  return out;
}
