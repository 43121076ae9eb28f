/**
 * What `npm run bench` measures, one function per measurement, each against one running
 * server (a child process) on one workload. run.ts interleaves them between Addendum and
 * the bare forwarder; report.ts turns the results into the table.
 */
import { bodyMix, clientHeaders } from './bodies.js';
import { cpuOf, sampleRss, type ChildServer } from './child.js';
import { runLoad, runStreams, type LoadResult, type StreamResult, type Target } from './load.js';
import { SESSION_HEADER, sessionRequests } from './session-bodies.js';

export interface Params {
  rounds: number;
  /** Non-stream requests before any measure. Counted, not timed: V8 optimises a function after
   * enough calls, and until then its background compiles share the cores with the measure
   * (after a 1 s warm-up they were 14% of Addendum's CPU samples under perf). */
  warmupRequests: number;
  seqRequests: number;
  tputMs: number;
  concurrency: number;
  /** Streams at `concurrency` per round, their deltas and pace. */
  latStreams: number;
  latEvents: number;
  latIntervalMs: number;
  /** Streams one at a time, for time to first byte at c=1. */
  ttfbStreams: number;
  memStreams: number;
  memEvents: number;
  memIntervalMs: number;
  soakRequests: number;
  sessions: number;
  sessionTurns: number;
}

export const QUICK: Params = {
  rounds: 1, warmupRequests: 4000, seqRequests: 100, tputMs: 2000, concurrency: 16, latStreams: 16, latEvents: 50, latIntervalMs: 10,
  ttfbStreams: 20, memStreams: 200, memEvents: 50, memIntervalMs: 40, soakRequests: 2000, sessions: 16, sessionTurns: 6,
};
export const FULL: Params = {
  rounds: 3, warmupRequests: 4000, seqRequests: 300, tputMs: 6000, concurrency: 16, latStreams: 32, latEvents: 150, latIntervalMs: 10,
  ttfbStreams: 40, memStreams: 200, memEvents: 150, memIntervalMs: 40, soakRequests: 20_000, sessions: 16, sessionTurns: 16,
};

export const progress = (line: string): void => void process.stderr.write(`  · ${line}\n`);

/** A body list and its per-body headers, non-streaming and streaming. */
export interface Workload {
  name: string;
  describe: string;
  plain: Pick<Target, 'bodies' | 'bodyHeaders'>;
  stream: Pick<Target, 'bodies' | 'bodyHeaders'>;
}

const HEADERS = clientHeaders();

export function claudeWorkload(): Workload {
  const plain = bodyMix(false);
  const kb = plain.map((b) => Math.round(b.length / 1024)).join('/');
  return { name: 'claude', describe: `five Claude-Code-sized bodies that share nothing, each re-sent every fifth request (${kb} KB)`, plain: { bodies: plain }, stream: { bodies: bodyMix(true) } };
}

/** S sessions, each turn its parent plus a tool call and result; turns cycle once sent. */
export function sessionWorkload(p: Params): Workload {
  const side = (stream: boolean): Workload['plain'] => {
    const reqs = sessionRequests(p.sessions, p.sessionTurns, stream);
    return { bodies: reqs.map((r) => r.body), bodyHeaders: reqs.map((r) => ({ [SESSION_HEADER]: r.session })) };
  };
  const plain = side(false);
  const kb = (b: Buffer | undefined): number => Math.round((b?.length ?? 0) / 1024);
  return {
    name: 'sessions',
    describe: `session workload: ${p.sessions} sessions x ${p.sessionTurns} turns, fixture tools and system prompt (${kb(plain.bodies[0])}–${kb(plain.bodies.at(-1))} KB)`,
    plain,
    stream: side(true),
  };
}

export const target = (srv: ChildServer, w: Workload, stream: boolean): Target => ({
  baseUrl: srv.url,
  path: '/v1/messages?beta=true',
  headers: HEADERS,
  ...(stream ? w.stream : w.plain),
});

export interface TputRun {
  load: LoadResult;
  /** Time the history writer needed after the run to commit its backlog. */
  flushMs: number;
  /** Requests over run time plus flush time: what can be kept up indefinitely. */
  sustainedRps: number;
  /** CPU time per request (ms): the forwarder (all threads, main thread, history writer thread). */
  cpu: { total: number; main: number; writer: number };
  /** Of the run's requests, those the history stored without bodies because its writer was behind. */
  shed: number;
}

export async function warmUp(srv: ChildServer, w: Workload, p: Params): Promise<void> {
  await runLoad({ ...target(srv, w, false), concurrency: p.concurrency, requests: p.warmupRequests });
  await runStreams({ ...target(srv, w, true), concurrency: 4, streams: 4, events: 20, intervalMs: 5 });
  await srv.flush();
}

export async function sequential(srv: ChildServer, w: Workload, p: Params): Promise<LoadResult> {
  const r = await runLoad({ ...target(srv, w, false), concurrency: 1, requests: p.seqRequests });
  await srv.flush();
  progress(`${srv.name.padEnd(8)} ${w.name}: c=1 p50 ${r.latency.p50.toFixed(2)} ms (errors ${r.errors})`);
  return r;
}

export async function throughput(srv: ChildServer, w: Workload, p: Params): Promise<TputRun> {
  const { lastSeq } = await srv.shedSince(Number.MAX_SAFE_INTEGER);
  const before = cpuOf(srv.pid);
  const load = await runLoad({ ...target(srv, w, false), concurrency: p.concurrency, durationMs: p.tputMs });
  const flushMs = await srv.flush();
  const after = cpuOf(srv.pid);
  // The run's rows are the newest: the row cap removes none of them while a run adds fewer rows than the cap.
  const { shed } = await srv.shedSince(lastSeq);
  const n = load.requests;
  const cpu = { total: (after.totalMs - before.totalMs) / n, main: (after.mainMs - before.mainMs) / n, writer: (after.writerMs - before.writerMs) / n };
  const sustainedRps = (n / (load.elapsedMs + flushMs)) * 1000;
  progress(
    `${srv.name.padEnd(8)} ${w.name}: c=${p.concurrency} ${load.rps.toFixed(0)} req/s (sustained ${sustainedRps.toFixed(0)}, flush ${flushMs.toFixed(0)} ms, errors ${load.errors}); CPU ms/req ${cpu.total.toFixed(2)} (main ${cpu.main.toFixed(2)}, writer ${cpu.writer.toFixed(2)}); ${shed} stored without bodies`,
  );
  return { load, flushMs, sustainedRps, cpu, shed };
}

export async function streams(srv: ChildServer, w: Workload, p: Params, concurrency: number): Promise<StreamResult> {
  const one = concurrency === 1;
  const r = await runStreams({
    ...target(srv, w, true),
    concurrency,
    streams: one ? p.ttfbStreams : p.latStreams,
    // At c=1 only the first byte matters: short streams.
    events: one ? 5 : p.latEvents,
    intervalMs: one ? 2 : p.latIntervalMs,
  });
  await srv.flush();
  progress(`${srv.name.padEnd(8)} ${w.name}: streams c=${concurrency} delay p50 ${r.delay.p50.toFixed(2)} p99 ${r.delay.p99.toFixed(2)} ms, TTFB p50 ${r.ttfb.p50.toFixed(2)} ms (errors ${r.errors})`);
  return r;
}

export interface MemRun {
  idleRssMb: number;
  peakRssMb: number;
  errors: number;
}

interface FreshRss<T> {
  name: string;
  result: T;
  /** After the warm-up, once the writer has caught up. */
  baseMb: number;
  /** Sampled every `everyMs` while `run` ran. */
  peakMb: number;
  /** After `run`, once the writer has caught up. */
  endMb: number;
}

/** A fresh server, warmed with `warmup` non-streaming requests at `concurrency` (lazy code
 * loaded, caches filled), its RSS read before, during and after `run`; then stopped. */
async function withFreshServer<T>(start: () => Promise<ChildServer>, w: Workload, warmup: { requests: number; concurrency: number }, everyMs: number, run: (srv: ChildServer) => Promise<T>): Promise<FreshRss<T>> {
  const srv = await start();
  try {
    await runLoad({ ...target(srv, w, false), ...warmup });
    await srv.flush();
    const baseMb = sampleRss(srv.pid).stop().peakMb;
    const rss = sampleRss(srv.pid, everyMs);
    const result = await run(srv);
    await srv.flush();
    const { peakMb } = rss.stop();
    const endMb = sampleRss(srv.pid).stop().peakMb;
    return { name: srv.name, result, baseMb, peakMb, endMb };
  } finally {
    await srv.stop();
  }
}

/** `memStreams` concurrent streams against a fresh server; its idle RSS first (after a few requests load lazy code). */
export async function manyStreams(start: () => Promise<ChildServer>, w: Workload, p: Params): Promise<MemRun> {
  const m = await withFreshServer(start, w, { requests: 20, concurrency: 2 }, 20, (srv) =>
    runStreams({ ...target(srv, w, true), concurrency: p.memStreams, streams: p.memStreams, events: p.memEvents, intervalMs: p.memIntervalMs }),
  );
  progress(`${m.name.padEnd(8)} ${w.name}: ${p.memStreams} streams peak RSS ${m.peakMb.toFixed(1)} MB (idle ${m.baseMb.toFixed(1)}), errors ${m.result.errors}`);
  return { idleRssMb: m.baseMb, peakRssMb: m.peakMb, errors: m.result.errors };
}

export interface SoakRun {
  startMb: number;
  endMb: number;
  peakMb: number;
  requests: number;
  errors: number;
}

/** `soakRequests` non-streaming requests at c=16 against a fresh server; RSS after a warm-up, at the end (writer flushed) and at peak. */
export async function soak(start: () => Promise<ChildServer>, w: Workload, p: Params): Promise<SoakRun> {
  const m = await withFreshServer(start, w, { requests: 200, concurrency: p.concurrency }, 100, (srv) =>
    runLoad({ ...target(srv, w, false), concurrency: p.concurrency, requests: p.soakRequests }),
  );
  const r = m.result;
  progress(`${m.name.padEnd(8)} soak ${r.requests} requests: RSS start ${m.baseMb.toFixed(1)} end ${m.endMb.toFixed(1)} peak ${m.peakMb.toFixed(1)} MB (errors ${r.errors})`);
  return { startMb: m.baseMb, endMb: m.endMb, peakMb: m.peakMb, requests: r.requests, errors: r.errors };
}
