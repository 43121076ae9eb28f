/** Test helpers: real Claude Code 2.1.197 requests (fixture-data/), as queued records. Not used by the app. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueuedRecord } from './protocol.js';
import { makeRecord } from './testing.js';

export interface FixtureRequest {
  headers: Record<string, string>;
  body: string;
}

export function loadFixture(name: 'claude-code-2.1.197-session.jsonl' | 'claude-code-2.1.197-subagent.jsonl'): FixtureRequest[] {
  // Kept next to the source (fixture-data/README.md says what they are); built code
  // (dist/, which has no copy) finds them from the repository root it runs in.
  const beside = fileURLToPath(new URL(`./fixture-data/${name}`, import.meta.url));
  const file = existsSync(beside) ? beside : join(process.cwd(), 'proxy', 'history', 'fixture-data', name);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as FixtureRequest);
}

export function answerFor(next: FixtureRequest | undefined): string {
  const messages = next ? (JSON.parse(next.body) as { messages: Array<{ role: string; content: unknown }> }).messages : [];
  const last = [...messages].reverse().find((m) => m.role === 'assistant');
  return JSON.stringify({ id: 'msg_x', type: 'message', role: 'assistant', content: last?.content ?? [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn' });
}

export function fixtureRecord(req: FixtureRequest, responseBody: string, overrides: Partial<QueuedRecord> = {}): QueuedRecord {
  return {
    ...makeRecord({ requestHeaders: req.headers, userAgent: req.headers['user-agent'] ?? null, model: 'claude-opus-4-8' }),
    originalBody: Buffer.from(req.body),
    forwardedBody: Buffer.from(req.body),
    responseBody: Buffer.from(responseBody),
    ...overrides,
  };
}
