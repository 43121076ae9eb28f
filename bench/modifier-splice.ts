/**
 * Main-thread CPU per request of prepareMessagesBody on real Claude Code bodies (~76 KB):
 * the byte road (scan + splice) against the parsed road (decode, parse, modify, stringify,
 * encode), interleaved round by round so both see the same machine load.
 *
 *   npx tsx bench/modifier-splice.ts [rounds]
 */
import { prepareByParsing, prepareMessagesBody } from '../proxy/http/body.js';
import { loadFixture } from '../proxy/history/fixtures.js';

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
