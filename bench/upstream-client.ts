/**
 * What got costs per upstream request, as the proxy configures it (proxy/http/upstream.ts),
 * against node:http.request on the same keep-alive agent: CPU per request in this process
 * (the fake upstream is a child process), a real Claude Code body (~76 KB) up and a Message
 * reply down, 16 at a time, interleaved round by round so both see the same machine load.
 *
 *   npm run build && node dist/bench/upstream-client.js [rounds]
 */
import http from 'node:http';
import { loadFixture } from '../proxy/history/fixtures.js';
import { createUpstreamClient, openUpstream } from '../proxy/http/upstream.js';
import { startChild } from './child.js';
import { median } from './report.js';

const rounds = Number(process.argv[2] ?? 9);
const PER_ROUND = 400;
const CONCURRENCY = 16;
const fixture = loadFixture('claude-code-2.1.197-session.jsonl');
const body = Buffer.from(fixture[fixture.length - 1]!.body);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length), 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' };

const upstream = await startChild('upstream', 'upstream', []);
const url = `${upstream.url}/v1/messages`;
const client = createUpstreamClient();

type OneRequest = () => Promise<void>;

const viaGot: OneRequest = async () => {
  const up = await openUpstream({ url, method: 'POST', headers, body, connectTimeoutMs: 10_000, idleTimeoutMs: 60_000, client }, new AbortController().signal);
  for await (const _ of up.body);
};

const viaHttp: OneRequest = () =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent: client.http }, (res) => {
      res.on('data', () => {});
      res.once('end', resolve);
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });

/** CPU µs per request over PER_ROUND requests, CONCURRENCY at a time. */
async function cpuPerRequest(one: OneRequest): Promise<number> {
  let left = PER_ROUND;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await one();
    }),
  );
  const used = process.cpuUsage(start);
  return (used.user + used.system) / PER_ROUND;
}

try {
  for (let w = 0; w < 2; w++) (await cpuPerRequest(viaGot), await cpuPerRequest(viaHttp));
  const g: number[] = [];
  const h: number[] = [];
  for (let r = 0; r < rounds; r++) {
    g.push(await cpuPerRequest(viaGot));
    h.push(await cpuPerRequest(viaHttp));
  }
  const [mg, mh] = [median(g), median(h)];
  console.log(`upstream client CPU per request (${(body.length / 1024).toFixed(0)} KB body, c=${CONCURRENCY}, median of ${rounds} rounds of ${PER_ROUND}):`);
  console.log(`  got (as openUpstream configures it) ${mg.toFixed(0)} µs, node:http.request ${mh.toFixed(0)} µs: got adds ${(mg - mh).toFixed(0)} µs`);
} finally {
  client.destroy();
  await upstream.stop();
}
