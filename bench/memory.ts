/**
 * Where Addendum's memory goes, and what a smaller V8 young generation would buy at what
 * price. Prints numbers; asserts nothing.
 *
 * - breakdown: a fresh Addendum (modifier and history on, with the server's node flags) and
 *   the bare forwarder, idle and at the peak of 200 concurrent Claude-Code-sized streams: RSS
 *   (anonymous and file-backed) and the main thread's heap and array buffers, after a full
 *   collection (--expose-gc), so what is shown is live memory. The writer thread, SQLite and malloc are the anonymous rest.
 * - semi-space: Addendum under each --max-semi-space-size, interleaved round by round: peak
 *   RSS with 200 streams, and sustained throughput and CPU per request at c=16.
 *
 *   npm run build && node dist/bench/memory.js [rounds]
 */
import { memoryOf, startChild, type ChildServer } from './child.js';
import { runLoad, runStreams } from './load.js';
import { median, table } from './report.js';
import * as sc from './scenarios.js';
import { SERVER_NODE_FLAGS } from '../proxy/cli/node-flags.js';

const rounds = Number(process.argv[2] ?? 3);
const SEMI_SPACES = [null, 4, 2, 1] as const;
const mb = (n: number): string => (n / 1048576).toFixed(1);

const upstream = await startChild('upstream', 'upstream', []);
const w = sc.claudeWorkload();
const P = sc.QUICK;
const start = (module: 'addendum' | 'bare-forwarder', execArgv: string[] = []): Promise<ChildServer> => startChild(module, module, [upstream.url], execArgv);

/** Idle and at the 200-stream peak: RSS parts and the main thread's live heap. */
async function breakdown(module: 'addendum' | 'bare-forwarder'): Promise<string[][]> {
  const srv = await start(module, [...(module === 'addendum' ? SERVER_NODE_FLAGS : []), '--expose-gc']);
  try {
    await runLoad({ ...sc.target(srv, w, false), concurrency: 2, requests: 20 });
    await srv.flush();
    const row = async (label: string): Promise<string[]> => {
      const rss = memoryOf(srv.pid)!;
      const heap = await srv.memoryUsage();
      return [`${module} ${label}`, rss.rssMb.toFixed(1), rss.anonMb.toFixed(1), rss.fileMb.toFixed(1), mb(heap.heapTotal), mb(heap.heapUsed), mb(heap.arrayBuffers)];
    };
    const idle = await row('idle');
    let peak: string[] = idle;
    let peakRss = 0;
    let sampling = Promise.resolve();
    const timer = setInterval(() => {
      sampling = sampling.then(async () => {
        const now = memoryOf(srv.pid)?.rssMb ?? 0;
        if (now > peakRss) {
          peakRss = now;
          peak = await row(`${P.memStreams} streams`);
        }
      });
    }, 100);
    await runStreams({ ...sc.target(srv, w, true), concurrency: P.memStreams, streams: P.memStreams, events: P.memEvents, intervalMs: P.memIntervalMs });
    clearInterval(timer);
    await sampling;
    return [idle, peak];
  } finally {
    await srv.stop();
  }
}

try {
  const rows = [...(await breakdown('addendum')), ...(await breakdown('bare-forwarder'))];
  console.log('Memory, live after a full collection (MB)');
  console.log(table(rows, ['process', 'RSS', 'anonymous', 'file-backed', 'main heap total', 'main heap used', 'main array buffers']));

  const results = new Map<string, { rss: number[]; rps: number[]; cpu: number[] }>();
  for (let r = 0; r < rounds; r++) {
    for (const semi of SEMI_SPACES) {
      const flags = semi === null ? [] : [`--max-semi-space-size=${semi}`];
      const name = `${semi === null ? "V8's default" : `${semi} MB`}${flags.join(' ') === SERVER_NODE_FLAGS.join(' ') ? ' (the server)' : ''}`;
      const m = await sc.manyStreams(() => start('addendum', flags), w, P);
      const srv = await start('addendum', flags);
      try {
        await sc.warmUp(srv, w, P);
        const t = await sc.throughput(srv, w, { ...P, tputMs: 4000 });
        const entry = results.get(name) ?? { rss: [], rps: [], cpu: [] };
        entry.rss.push(m.peakRssMb);
        entry.rps.push(t.sustainedRps);
        entry.cpu.push(t.cpu.total);
        results.set(name, entry);
      } finally {
        await srv.stop();
      }
    }
  }
  console.log(`\nAddendum by --max-semi-space-size (median of ${rounds} interleaved rounds)`);
  console.log(
    table(
      [...results].map(([name, e]) => [name, median(e.rss).toFixed(1), median(e.rps).toFixed(0), median(e.cpu).toFixed(2)]),
      ['semi-space', `peak RSS, ${P.memStreams} streams (MB)`, 'c=16 throughput (req/s, sustained)', 'CPU per request (ms)'],
    ),
  );
} finally {
  await upstream.stop();
}
