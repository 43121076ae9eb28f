/**
 * Main-thread CPU per request of prepareMessagesBody on real Claude Code bodies (~76 KB):
 * the byte road (scan + splice) against the parsed road (decode, parse, modify, stringify,
 * encode), interleaved round by round so both see the same machine load. Then one long
 * session's turns 10, 100 and 500 (the session workload's bodies): the byte road alone, and
 * through a scan memo that has seen the turn before (modifier/scan-memo.ts), as the proxy runs.
 *
 *   npm run build && node dist/bench/modifier-splice.js [rounds]
 */
import { prepareByParsing, prepareMessagesBody } from '../proxy/http/body.js';
import { loadFixture } from '../proxy/history/fixtures.js';
import { ScanMemo } from '../proxy/modifier/scan-memo.js';
import { base, growingBody } from './session-bodies.js';

const bodies = loadFixture('claude-code-2.1.197-session.jsonl').map((f) => Buffer.from(f.body));
const autoCaching = bodies.map((b) => Buffer.from(JSON.stringify({ cache_control: { type: 'ephemeral' }, ...(JSON.parse(b.toString()) as object) })));
const rounds = Number(process.argv[2] ?? 15);
const perRound = 20;

type Prepare = (raw: Buffer, text: string) => unknown;

/** CPU µs per body, one pass over every body `perRound` times. */
function cpuPerBody(prepare: Prepare, set: Buffer[], text: string): number {
  const start = process.cpuUsage();
  for (let k = 0; k < perRound; k++) for (const b of set) prepare(b, text);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (perRound * set.length);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cases: Array<[string, Buffer[], string]> = [
  ['append text', bodies, '\n\nAnswer briefly.'],
  ['empty modifier', bodies, ''],
  ['append + move breakpoint', autoCaching, '\n\nAnswer briefly.'],
];
for (const [name, set, text] of cases) {
  for (let w = 0; w < 3; w++) (cpuPerBody(prepareByParsing, set, text), cpuPerBody(prepareMessagesBody, set, text));
  const old: number[] = [];
  const fresh: number[] = [];
  for (let r = 0; r < rounds; r++) {
    old.push(cpuPerBody(prepareByParsing, set, text));
    fresh.push(cpuPerBody(prepareMessagesBody, set, text));
  }
  const o = median(old);
  const n = median(fresh);
  console.log(`${name.padEnd(26)} parsed ${o.toFixed(0).padStart(5)} µs   bytes ${n.toFixed(0).padStart(5)} µs   ${(o / n).toFixed(1)}x`);
}

/** CPU µs of one call. */
function cpuOnce(f: () => unknown): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const MARKS = [10, 100, 500];
const messages = [...base.messages];
const turns = new Map<number, Buffer>();
for (let t = 1; t <= MARKS.at(-1)!; t++) {
  const body = Buffer.from(growingBody(messages, 0, t));
  if (MARKS.includes(t) || MARKS.includes(t + 1)) turns.set(t, body);
}
const text = '\n\nAnswer briefly.';
for (const t of MARKS) {
  const [before, body] = [turns.get(t - 1)!, turns.get(t)!];
  const whole: number[] = [];
  const memoed: number[] = [];
  for (let r = 0; r < rounds + 3; r++) {
    const memo = new ScanMemo();
    memo.scan(before);
    const a = cpuOnce(() => prepareMessagesBody(body, text));
    const b = cpuOnce(() => prepareMessagesBody(body, text, memo));
    if (r >= 3) (whole.push(a), memoed.push(b));
  }
  const [w, m] = [median(whole), median(memoed)];
  console.log(`session turn ${String(t).padEnd(4)} ${(body.length / 1024).toFixed(0).padStart(5)} KB   bytes ${w.toFixed(0).padStart(5)} µs   through the memo ${m.toFixed(0).padStart(5)} µs   ${(w / m).toFixed(1)}x`);
}
