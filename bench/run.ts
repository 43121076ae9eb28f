/**
 * `npm run bench`: Addendum (modifier and history on) side by side with a bare node:http
 * forwarder, in one run, against the same fake upstream. Every server is its own child
 * process; this process only generates load and measures. Runs alternate between the two
 * forwarders; throughput and latency show the median of the rounds, stream delays are
 * pooled over the rounds. The throughput target is checked on requests/s including the
 * time the history writer needs afterwards to commit its backlog: a rate the writer cannot
 * keep up with is not sustainable, it only grows memory.
 *
 * The load generator, the fake upstream and the server under test share the machine's
 * cores, so absolute numbers depend on it; the ratios are what the targets are about.
 *
 * Reported against the goals of the hot-path issue: p50 latency one request at a time,
 * throughput and CPU per request at concurrency 16, per-event delay and time to first byte
 * of streams at concurrency 16 and one at a time, and RSS with 200 concurrent streams.
 *
 * Flags: --quick (one short round), --profile (Addendum children under --cpu-prof; the
 * folder is printed; read it with dist/bench/profile-summary.js). Exits 0 whatever the
 * numbers: targets are read, not asserted.
 */
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyMix, clientHeaders, smallBody } from './bodies.js';
import { sessionWorkload } from './session-bodies.js';
import { soak } from './soak.js';
import { cpuOf, sampleRss, startChild, type ChildServer } from './child.js';
import { percentiles, runLoad, runStreams, type LoadResult, type Percentiles, type StreamResult, type Target } from './load.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const profile = argv.includes('--profile');

const P = quick
  ? { rounds: 1, warmupMs: 1000, seqRequests: 100, tputMs: 2000, tputConcurrency: 16, latStreams: 16, latConcurrency: 16, ttfbStreams: 10, sessions: 16, sessionTurns: 10, soakRequests: 2000, latEvents: 50, memStreams: 200, memEvents: 50, memIntervalMs: 40 }
  : { rounds: 3, warmupMs: 2000, seqRequests: 300, tputMs: 6000, tputConcurrency: 16, latStreams: 32, latConcurrency: 16, ttfbStreams: 30, sessions: 16, sessionTurns: 30, soakRequests: 20_000, latEvents: 150, memStreams: 200, memEvents: 150, memIntervalMs: 40 };
const LAT_INTERVAL_MS = 10;

const TARGETS = { throughputRatio: 0.7, latencyRatio: 1.3, cpuRatio: 1.5, streamLatencyRatio: 1.3, streamP99Ratio: 1.5, ttfbRatio: 1.3, memPeakMb: 150 };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

const progress = (line: string): void => void process.stderr.write(`  · ${line}\n`);

const headers = clientHeaders();
const plainBodies = bodyMix(false);
const streamBodies = bodyMix(true);
const smallPlainBodies = [smallBody(false)];
const smallStreamBodies = [smallBody(true)];
const sessions = sessionWorkload(P.sessions, P.sessionTurns, false);
const sessionTarget = (srv: ChildServer): Target => ({ ...target(srv, false), bodies: sessions.bodies, headersFor: sessions.headersFor });
const target = (srv: ChildServer, stream: boolean, small = false): Target => ({
  baseUrl: srv.url,
  path: '/v1/messages?beta=true',
  headers,
  bodies: small ? (stream ? smallStreamBodies : smallPlainBodies) : stream ? streamBodies : plainBodies,
});

interface TputRun {
  load: LoadResult;
  /** Time the history writer needed after the run to commit its backlog. */
  flushMs: number;
  /** Requests over run time plus flush time: what can be kept up indefinitely. */
  sustainedRps: number;
  peakRssMb: number;
  /** CPU time per request (ms): the forwarder (all threads, main thread), upstream, load generator. */
  cpu: { total: number; main: number; upstream: number; load: number };
}

async function throughput(srv: ChildServer, upstream: ChildServer, on: Target = target(srv, false)): Promise<TputRun> {
  const rss = sampleRss(srv.pid, 50);
  const before = { srv: cpuOf(srv.pid), up: cpuOf(upstream.pid), load: process.cpuUsage() };
  const load = await runLoad({ ...on, concurrency: P.tputConcurrency, durationMs: P.tputMs });
  const flushMs = await srv.flush();
  const after = { srv: cpuOf(srv.pid), up: cpuOf(upstream.pid), load: process.cpuUsage(before.load) };
  const { peakMb } = rss.stop();
  const n = load.requests;
  const cpu = {
    total: (after.srv.totalMs - before.srv.totalMs) / n,
    main: (after.srv.mainMs - before.srv.mainMs) / n,
    upstream: (after.up.totalMs - before.up.totalMs) / n,
    load: (after.load.user + after.load.system) / 1000 / n,
  };
  const sustainedRps = (n / (load.elapsedMs + flushMs)) * 1000;
  progress(
    `${srv.name.padEnd(8)} throughput ${load.rps.toFixed(0)} req/s (sustained ${sustainedRps.toFixed(0)}, flush ${flushMs.toFixed(0)} ms, errors ${load.errors}); ` +
      `CPU ms/req: forwarder ${cpu.total.toFixed(2)} (main ${cpu.main.toFixed(2)}), upstream ${cpu.upstream.toFixed(2)}, load ${cpu.load.toFixed(2)}`,
  );
  return { load, flushMs, sustainedRps, peakRssMb: peakMb, cpu };
}

async function sequential(srv: ChildServer): Promise<LoadResult> {
  const r = await runLoad({ ...target(srv, false), concurrency: 1, requests: P.seqRequests });
  await srv.flush();
  progress(`${srv.name.padEnd(8)} sequential p50 ${r.latency.p50.toFixed(2)} ms p99 ${r.latency.p99.toFixed(2)} ms (errors ${r.errors})`);
  return r;
}

async function streamLatency(srv: ChildServer): Promise<StreamResult> {
  const r = await runStreams({
    ...target(srv, true),
    concurrency: P.latConcurrency,
    streams: P.latStreams,
    events: P.latEvents,
    intervalMs: LAT_INTERVAL_MS,
  });
  await srv.flush();
  progress(`${srv.name.padEnd(8)} stream delay p50 ${r.delay.p50.toFixed(3)} ms p99 ${r.delay.p99.toFixed(3)} ms (${r.delay.count} events, errors ${r.errors})`);
  return r;
}

/** Time to first byte with one stream at a time: the proxy's own setup cost, unloaded. */
async function streamTtfbAlone(srv: ChildServer): Promise<StreamResult> {
  const r = await runStreams({ ...target(srv, true), concurrency: 1, streams: P.ttfbStreams, events: 5, intervalMs: 1 });
  await srv.flush();
  progress(`${srv.name.padEnd(8)} stream TTFB c=1 p50 ${r.ttfb.p50.toFixed(3)} ms (errors ${r.errors})`);
  return r;
}

interface MemRun {
  streams: StreamResult;
  peakRssMb: number;
  hwmMb: number;
  idleRssMb: number;
}

/** 200 concurrent streams against a freshly started server, its RSS sampled throughout. */
async function manyStreams(name: string, small: boolean, start: () => Promise<ChildServer>): Promise<MemRun> {
  const srv = await start();
  try {
    // A few requests first so lazily loaded code is in, as in any running proxy.
    await runLoad({ ...target(srv, false, small), concurrency: 2, requests: 20 });
    await srv.flush();
    const idle = sampleRss(srv.pid).stop().peakMb;
    const rss = sampleRss(srv.pid, 20);
    const streams = await runStreams({
      ...target(srv, true, small),
      concurrency: P.memStreams,
      streams: P.memStreams,
      events: P.memEvents,
      intervalMs: P.memIntervalMs,
    });
    await srv.flush();
    const { peakMb, hwmMb } = rss.stop();
    progress(`${name.padEnd(8)} ${P.memStreams} streams, ${small ? 'small' : 'Claude Code'} bodies: peak RSS ${peakMb.toFixed(1)} MB (idle ${idle.toFixed(1)}), delay p50 ${streams.delay.p50.toFixed(2)} ms p99 ${streams.delay.p99.toFixed(2)} ms, errors ${streams.errors}`);
    return { streams, peakRssMb: peakMb, hwmMb, idleRssMb: idle };
  } finally {
    await srv.stop();
  }
}

// ---------- output ----------

const f = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mark = (ok: boolean): string => (ok ? '✓' : '✗');

function table(rows: Array<[string, ...string[]]>, head: string[]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const kb = plainBodies.map((b) => Math.round(b.length / 1024)).join('/');
  console.log(`Addendum benchmark${quick ? ' (quick)' : ''} — node ${process.version}, ${cpus().length} cores, ${P.rounds} round(s); medians of rounds, stream delays pooled over rounds`);
  console.log(`Request bodies: Claude-Code-like JSON of ${kb} KB; modifier on, history on.\n`);

  const upstream = await startChild('upstream', 'upstream', []);
  const profileDir = join(tmpdir(), `addendum-bench-profiles-${process.pid}`);
  const execArgv = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (profile) console.log(`CPU profiles of the Addendum children go to ${profileDir}\n`);
  const bare = await startChild('bare', 'bare-forwarder', [upstream.url]);
  const addendum = await startChild('addendum', 'addendum', [upstream.url], execArgv);

  try {
    progress('warm-up');
    for (const srv of [bare, addendum]) {
      await runLoad({ ...target(srv, false), concurrency: P.tputConcurrency, durationMs: P.warmupMs });
      await runStreams({ ...target(srv, true), concurrency: 4, streams: 4, events: 20, intervalMs: 5 });
      await srv.flush();
    }

    const seq = { upstream: [] as LoadResult[], bare: [] as LoadResult[], addendum: [] as LoadResult[] };
    const tput = { bare: [] as TputRun[], addendum: [] as TputRun[] };
    const sess = { bare: [] as TputRun[], addendum: [] as TputRun[] };
    const lat = { upstream: [] as StreamResult[], bare: [] as StreamResult[], addendum: [] as StreamResult[] };
    const alone = { upstream: [] as StreamResult[], bare: [] as StreamResult[], addendum: [] as StreamResult[] };
    for (let round = 1; round <= P.rounds; round++) {
      progress(`round ${round}/${P.rounds}`);
      // Alternating the order keeps drift (thermal, page cache) from favouring one side.
      const pair = round % 2 ? ([['bare', bare], ['addendum', addendum]] as const) : ([['addendum', addendum], ['bare', bare]] as const);
      seq.upstream.push(await sequential(upstream));
      for (const [k, srv] of pair) seq[k].push(await sequential(srv));
      for (const [k, srv] of pair) tput[k].push(await throughput(srv, upstream));
      for (const [k, srv] of pair) sess[k].push(await throughput(srv, upstream, sessionTarget(srv)));
      lat.upstream.push(await streamLatency(upstream));
      for (const [k, srv] of pair) lat[k].push(await streamLatency(srv));
      alone.upstream.push(await streamTtfbAlone(upstream));
      for (const [k, srv] of pair) alone[k].push(await streamTtfbAlone(srv));
    }

    await bare.stop();
    await addendum.stop();
    const startBare = (): Promise<ChildServer> => startChild('bare', 'bare-forwarder', [upstream.url]);
    const startAddendum = (): Promise<ChildServer> => startChild('addendum', 'addendum', [upstream.url], execArgv);
    const memBare = await manyStreams('bare', false, startBare);
    const memAdd = await manyStreams('addendum', false, startAddendum);
    const smallBare = await manyStreams('bare', true, startBare);
    const smallAdd = await manyStreams('addendum', true, startAddendum);
    progress(`soak: ${P.soakRequests} requests`);
    const soaked = await soak(startAddendum, (srv) => target(srv, false), P.soakRequests, P.tputConcurrency);
    progress(`addendum soak: RSS ${soaked.startMb.toFixed(1)} -> ${soaked.endMb.toFixed(1)} MB (peak ${soaked.peakMb.toFixed(1)}), errors ${soaked.errors}`);

    // ---------- report ----------
    const m = <T>(xs: T[], pick: (x: T) => number): number => median(xs.map(pick));
    const seqP50 = { u: m(seq.upstream, (r) => r.latency.p50), b: m(seq.bare, (r) => r.latency.p50), a: m(seq.addendum, (r) => r.latency.p50) };
    const seqP99 = { u: m(seq.upstream, (r) => r.latency.p99), b: m(seq.bare, (r) => r.latency.p99), a: m(seq.addendum, (r) => r.latency.p99) };
    const rps = { b: m(tput.bare, (r) => r.load.rps), a: m(tput.addendum, (r) => r.load.rps) };
    const sus = { b: m(tput.bare, (r) => r.sustainedRps), a: m(tput.addendum, (r) => r.sustainedRps) };
    const tLat50 = { b: m(tput.bare, (r) => r.load.latency.p50), a: m(tput.addendum, (r) => r.load.latency.p50) };
    const tLat99 = { b: m(tput.bare, (r) => r.load.latency.p99), a: m(tput.addendum, (r) => r.load.latency.p99) };
    const flush = m(tput.addendum, (r) => r.flushMs);
    const cpuTot = { b: m(tput.bare, (r) => r.cpu.total), a: m(tput.addendum, (r) => r.cpu.total) };
    const cpuMain = { b: m(tput.bare, (r) => r.cpu.main), a: m(tput.addendum, (r) => r.cpu.main) };
    const cpuUp = { b: m(tput.bare, (r) => r.cpu.upstream), a: m(tput.addendum, (r) => r.cpu.upstream) };
    const cpuLoad = { b: m(tput.bare, (r) => r.cpu.load), a: m(tput.addendum, (r) => r.cpu.load) };
    const sSus = { b: m(sess.bare, (r) => r.sustainedRps), a: m(sess.addendum, (r) => r.sustainedRps) };
    const sFlush = m(sess.addendum, (r) => r.flushMs);
    const sCpu = { b: m(sess.bare, (r) => r.cpu.total), a: m(sess.addendum, (r) => r.cpu.total) };
    const sCpuMain = { b: m(sess.bare, (r) => r.cpu.main), a: m(sess.addendum, (r) => r.cpu.main) };
    const sLat = { b: m(sess.bare, (r) => r.load.latency.p50), a: m(sess.addendum, (r) => r.load.latency.p50) };
    const sRss = { b: m(sess.bare, (r) => r.peakRssMb), a: m(sess.addendum, (r) => r.peakRssMb) };
    const sessRatio = sSus.a / sSus.b;
    const tRss = { b: m(tput.bare, (r) => r.peakRssMb), a: m(tput.addendum, (r) => r.peakRssMb) };
    // A p99 of one round rests on a few dozen events; pooling the rounds steadies it.
    const pooled = (rs: StreamResult[]): Percentiles => percentiles(rs.flatMap((r) => r.delays));
    const sdU = pooled(lat.upstream);
    const sdB = pooled(lat.bare);
    const sdA = pooled(lat.addendum);
    const sd50 = { u: sdU.p50, b: sdB.p50, a: sdA.p50 };
    const sd99 = { u: sdU.p99, b: sdB.p99, a: sdA.p99 };
    const ttfbOf = (rs: StreamResult[]): number => percentiles(rs.flatMap((r) => r.ttfbs)).p50;
    const ttfb16 = { u: ttfbOf(lat.upstream), b: ttfbOf(lat.bare), a: ttfbOf(lat.addendum) };
    const ttfb1 = { u: ttfbOf(alone.upstream), b: ttfbOf(alone.bare), a: ttfbOf(alone.addendum) };
    const errs =
      [...seq.upstream, ...seq.bare, ...seq.addendum, ...tput.bare.map((t) => t.load), ...tput.addendum.map((t) => t.load), ...sess.bare.map((t) => t.load), ...sess.addendum.map((t) => t.load)].reduce((n, r) => n + r.errors, 0) +
      [...lat.upstream, ...lat.bare, ...lat.addendum, ...alone.upstream, ...alone.bare, ...alone.addendum, memBare.streams, memAdd.streams, smallBare.streams, smallAdd.streams, soaked].reduce((n, r) => n + r.errors, 0);

    const tputRatio = sus.a / sus.b;
    const lat50Ratio = sd50.a / sd50.b;
    const lat99Ratio = sd99.a / sd99.b;
    const memOk = memAdd.peakRssMb < TARGETS.memPeakMb;
    const seqRatio = seqP50.a / seqP50.b;
    const cpuRatio = cpuTot.a / cpuTot.b;
    const ttfb16Ratio = ttfb16.a / ttfb16.b;
    const ttfb1Ratio = ttfb1.a / ttfb1.b;
    const goal = (ratio: number, limit: number, atMost = true): string => `${atMost ? '≤' : '≥'} ${limit}× ${mark(atMost ? ratio <= limit : ratio >= limit)}`;

    console.log(
      table(
        [
          [`Non-streaming, sequential (${P.seqRequests} req/round)`, '', '', '', '', ''],
          ['  latency p50 (ms)', f(seqP50.u), f(seqP50.b), f(seqP50.a), `${f(seqRatio)}×`, goal(seqRatio, TARGETS.latencyRatio)],
          ['  latency p99 (ms)', f(seqP99.u), f(seqP99.b), f(seqP99.a), '', ''],
          ['  added over upstream, p50 (ms)', '', f(seqP50.b - seqP50.u), f(seqP50.a - seqP50.u), '', 'report'],
          [`Non-streaming throughput, concurrency ${P.tputConcurrency}, ${P.tputMs / 1000} s`, '', '', '', '', ''],
          ['  requests/s while loaded', '', f(rps.b, 0), f(rps.a, 0), `${f(rps.a / rps.b)}×`, ''],
          ['  requests/s incl. history flush', '', f(sus.b, 0), f(sus.a, 0), `${f(tputRatio)}×`, goal(tputRatio, TARGETS.throughputRatio, false)],
          ['  history flush after run (ms)', '', '', f(flush, 0), '', ''],
          ['  latency p50 / p99 (ms)', '', `${f(tLat50.b, 1)} / ${f(tLat99.b, 1)}`, `${f(tLat50.a, 1)} / ${f(tLat99.a, 1)}`, '', ''],
          ['  peak RSS during run (MB)', '', f(tRss.b, 0), f(tRss.a, 0), '', ''],
          ['  forwarder CPU ms/request, all threads', '', f(cpuTot.b), f(cpuTot.a), `${f(cpuRatio, 1)}×`, goal(cpuRatio, TARGETS.cpuRatio)],
          ['  forwarder CPU ms/request, main thread', '', f(cpuMain.b), f(cpuMain.a), '', ''],
          ['  upstream + load generator CPU ms/request', '', f(cpuUp.b + cpuLoad.b), f(cpuUp.a + cpuLoad.a), '', ''],
          [`Session workload, concurrency ${P.tputConcurrency}: ${P.sessions} sessions x ${P.sessionTurns} turns (${Math.round(sessions.bodies[0]!.length / 1024)}–${Math.round(sessions.bodies.at(-1)!.length / 1024)} KB)`, '', '', '', '', ''],
          ['  requests/s incl. history flush', '', f(sSus.b, 0), f(sSus.a, 0), `${f(sessRatio)}×`, goal(sessRatio, TARGETS.throughputRatio, false)],
          ['  history flush after run (ms)', '', '', f(sFlush, 0), '', ''],
          ['  latency p50 (ms)', '', f(sLat.b, 1), f(sLat.a, 1), '', ''],
          ['  forwarder CPU ms/request, all threads', '', f(sCpu.b), f(sCpu.a), `${f(sCpu.a / sCpu.b, 1)}×`, goal(sCpu.a / sCpu.b, TARGETS.cpuRatio)],
          ['  forwarder CPU ms/request, main thread', '', f(sCpuMain.b), f(sCpuMain.a), '', ''],
          ['  peak RSS during run (MB)', '', f(sRss.b, 0), f(sRss.a, 0), '', ''],
          [`Streaming, ${P.latConcurrency} concurrent, ${P.latEvents} deltas every ${LAT_INTERVAL_MS} ms, ${sdA.count} events pooled`, '', '', '', '', ''],
          ['  per-event delay p50 (ms)', f(sd50.u, 3), f(sd50.b, 3), f(sd50.a, 3), `${f(lat50Ratio)}×`, goal(lat50Ratio, TARGETS.streamLatencyRatio)],
          ['  per-event delay p99 (ms)', f(sd99.u, 3), f(sd99.b, 3), f(sd99.a, 3), `${f(lat99Ratio)}×`, goal(lat99Ratio, TARGETS.streamP99Ratio)],
          ['  time to first byte p50 (ms)', f(ttfb16.u, 3), f(ttfb16.b, 3), f(ttfb16.a, 3), `${f(ttfb16Ratio)}×`, goal(ttfb16Ratio, TARGETS.ttfbRatio)],
          [`Streaming, one at a time (${P.ttfbStreams} streams per round)`, '', '', '', '', ''],
          ['  time to first byte p50 (ms)', f(ttfb1.u, 3), f(ttfb1.b, 3), f(ttfb1.a, 3), `${f(ttfb1Ratio)}×`, goal(ttfb1Ratio, TARGETS.ttfbRatio)],
          [`${P.memStreams} concurrent streams, ${P.memEvents} deltas every ${P.memIntervalMs} ms (fresh processes)`, '', '', '', '', ''],
          ['  RSS idle before (MB)', '', f(memBare.idleRssMb, 1), f(memAdd.idleRssMb, 1), '', ''],
          ['  peak RSS, Claude Code bodies (MB)', '', f(memBare.peakRssMb, 1), f(memAdd.peakRssMb, 1), '', `< ${TARGETS.memPeakMb} MB ${mark(memOk)}`],
          ['  VmHWM at end (MB)', '', f(memBare.hwmMb, 1), f(memAdd.hwmMb, 1), '', ''],
          ['  per-event delay p50 / p99 (ms)', '', `${f(memBare.streams.delay.p50)} / ${f(memBare.streams.delay.p99)}`, `${f(memAdd.streams.delay.p50)} / ${f(memAdd.streams.delay.p99)}`, '', ''],
          ['  peak RSS, one-line prompts (MB)', '', f(smallBare.peakRssMb, 1), f(smallAdd.peakRssMb, 1), '', `< ${TARGETS.memPeakMb} MB ${mark(smallAdd.peakRssMb < TARGETS.memPeakMb)}`],
          ['  per-event delay p50 / p99 (ms)', '', `${f(smallBare.streams.delay.p50)} / ${f(smallBare.streams.delay.p99)}`, `${f(smallAdd.streams.delay.p50)} / ${f(smallAdd.streams.delay.p99)}`, '', ''],
          [`Soak: ${soaked.requests} requests, concurrency ${P.tputConcurrency} (fresh process)`, '', '', '', '', ''],
          ['  RSS at start / end / peak (MB)', '', '', `${f(soaked.startMb, 0)} / ${f(soaked.endMb, 0)} / ${f(soaked.peakMb, 0)}`, `${f(soaked.endMb / soaked.startMb)}×`, 'report'],
        ],
        ['', 'upstream', 'bare', 'addendum', 'ratio', 'target'],
      ),
    );
    console.log(`\nFailed requests/streams: ${errs}. Total time ${f((performance.now() - t0) / 1000, 0)} s.`);
    console.log(
      `Targets: latency p50 ${mark(seqRatio <= TARGETS.latencyRatio)}  throughput ${mark(tputRatio >= TARGETS.throughputRatio)}  sessions ${mark(sessRatio >= TARGETS.throughputRatio)}  CPU ${mark(cpuRatio <= TARGETS.cpuRatio)}  ` +
        `stream p50 ${mark(lat50Ratio <= TARGETS.streamLatencyRatio)}  stream p99 ${mark(lat99Ratio <= TARGETS.streamP99Ratio)}  ` +
        `TTFB c=${P.latConcurrency} ${mark(ttfb16Ratio <= TARGETS.ttfbRatio)}  TTFB c=1 ${mark(ttfb1Ratio <= TARGETS.ttfbRatio)}  memory ${mark(memOk)}  (added latency ${f(seqP50.a - seqP50.u)} ms)`,
    );
  } finally {
    await Promise.allSettled([bare.stop(), addendum.stop()]);
    await upstream.stop();
  }
}

main().catch((err: unknown) => {
  // Missed targets still exit 0; only a benchmark that could not run fails.
  console.error(err);
  process.exitCode = 1;
});
