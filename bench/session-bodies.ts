/**
 * Bodies shaped like a Claude Code session (the history issue's session workload): the
 * fixture's last request (its 24 tools and system prompt), then per turn its parent plus a
 * tool call and a tool result of source-file size, different in every session and turn.
 */
import { loadFixture } from '../proxy/history/fixtures.js';
import { rng, sourceFile } from './bodies.js';

type Body = { messages: unknown[]; [k: string]: unknown };

export const sessionFixture = loadFixture('claude-code-2.1.197-session.jsonl');
export const sessionBase = JSON.parse(sessionFixture[sessionFixture.length - 1]!.body) as Body;

/** Turn `t` of session `s`: grows `messages` (the session's own copy) by one tool round trip. */
export function growingBody(messages: unknown[], s: number, t: number, extra: Partial<Body> = {}): string {
  const next = rng(s * 100_003 + t);
  const id = `toolu_${s}_${t}`;
  messages.splice(messages.length - 1, 0,
    { role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: { file_path: `/home/dev/project/src/f${s}_${t}.ts` } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: sourceFile(next, 120) }] });
  return JSON.stringify({ ...sessionBase, ...extra, messages });
}

export interface SessionWorkload {
  /** Request i is turn ⌊i / sessions⌋ of session i mod sessions: sessions advance together. */
  bodies: Buffer[];
  headersFor(i: number): Record<string, string>;
  /** Distinct turns before the cycle repeats (under new session ids). */
  distinct: number;
}

/** `sessions` concurrent sessions of `turns` turns each, for the proxy benchmark. */
export function sessionWorkload(sessions: number, turns: number, stream: boolean): SessionWorkload {
  const convs = Array.from({ length: sessions }, () => [...sessionBase.messages]);
  const bodies: Buffer[] = [];
  for (let t = 0; t < turns; t++) {
    for (let s = 0; s < sessions; s++) bodies.push(Buffer.from(growingBody(convs[s]!, s, t, { stream })));
  }
  const distinct = bodies.length;
  return {
    bodies,
    distinct,
    headersFor: (i) => ({ 'x-claude-code-session-id': `bench-${Math.floor(i / distinct)}-${i % sessions}` }),
  };
}
