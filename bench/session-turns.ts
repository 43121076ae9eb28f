/**
 * `npm run build && node dist/bench/session-turns.js`: what the sessions view costs to read
 * at the end of one long Claude-Code-shaped session (turn 500 re-sends ~3.4 MB): getTurn
 * (a turn's new messages and answer, from its parts), getTurn with the prefix diff, and the
 * whole record the History detail reads. Prints numbers; asserts nothing. The machine may
 * be shared: times are indicative, sizes exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryReader } from '../proxy/history/reader.js';
import { openReadDatabase, openWriteDatabase } from '../proxy/history/schema.js';
import { makeRecord } from '../proxy/history/testing.js';
import { TurnReader } from '../proxy/history/turn-reader.js';
import { HistoryWriter } from '../proxy/history/writer.js';
import { base, fixture, toolCall, toolResult } from './session-bodies.js';

const TURNS = process.argv.includes('--quick') ? 100 : 500;

const dir = mkdtempSync(join(tmpdir(), 'addendum-turns-'));
const file = join(dir, 'history.sqlite');
const db = openWriteDatabase(file);
const writer = new HistoryWriter(db, { maxRows: 1_000_000, maxAgeDays: 0 });
const messages = [...base.messages];
let previous: unknown = null;
for (let t = 1; t <= TURNS; t++) {
  // Each turn re-sends the conversation plus its parent's answer (a tool call) and that call's result.
  if (previous) messages.push(previous, toolResult(0, t - 1));
  const answer = toolCall(0, t);
  const body = Buffer.from(JSON.stringify({ ...base, messages }));
  writer.insertBatch([
    {
      ...makeRecord({ id: `long-${t}`, startedAt: 1_600_000_000_000 + t, model: 'claude-opus-4-8', userAgent: 'claude-cli/2.1.197' }),
      requestHeaders: { ...fixture[0]!.headers, 'x-claude-code-session-id': 'long' },
      originalBody: body,
      forwardedBody: body,
      responseBody: Buffer.from(JSON.stringify({ id: 'msg', type: 'message', ...answer, stop_reason: 'tool_use' })),
    },
  ]);
  previous = answer;
}
db.close();

const read = openReadDatabase(file);
const turns = new TurnReader(read);
const records = new HistoryReader(read);
const ms = (f: () => unknown, n: number): number => {
  f();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
};
const kb = (v: unknown): string => `${(Buffer.byteLength(JSON.stringify(v)) / 1024).toFixed(1)} KB`;
const id = `long-${TURNS}`;
const delta = turns.get(id)!;
const prefix = turns.get(id, { prefix: true })!;
const whole = records.get(id)!;
console.log(`session turns: turn ${TURNS} of one session, request body ${(Buffer.byteLength(whole.originalBody!) / 1048576).toFixed(2)} MB`);
console.log(`  getTurn: ${kb(delta)} (${delta.messages.length} new messages from message ${delta.fromMessage}), ${ms(() => turns.get(id), 50).toFixed(2)} ms`);
console.log(`  getTurn with the prefix diff: ${kb(prefix)} (${prefix.prefix!.sections.length} differing sections), ${ms(() => turns.get(id, { prefix: true }), 20).toFixed(2)} ms`);
console.log(`  whole record (History detail, rebuilt and hash-checked): ${kb(whole)}, ${ms(() => records.get(id), 10).toFixed(2)} ms`);
read.close();
rmSync(dir, { recursive: true, force: true });
