/**
 * The load generator: a fixed number of workers, each sending its next request as soon as
 * the previous answer is fully read, over a keep-alive agent. Non-streaming runs measure
 * requests per second and latency; streaming runs parse SSE and measure, per text delta,
 * the delay between the upstream's send time stamped in the event and its arrival here,
 * and each stream's time to first byte (request sent to the first body byte read).
 */
import http from 'node:http';
import { STREAM_EVENTS_HEADER, STREAM_INTERVAL_HEADER } from './upstream.js';

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `values` (ms). */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]!, mean: sum / n };
}

export interface Target {
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
  /** Cycled through, one per request. */
  bodies: Buffer[];
  /** Extra headers per body, same index (a session id per session). */
  bodyHeaders?: Array<Record<string, string>>;
}

export interface LoadOptions extends Target {
  concurrency: number;
  /** Stop after this long, or after `requests`, whichever comes first. */
  durationMs?: number;
  requests?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  rps: number;
  latency: Percentiles;
}

const nowMs = (): number => performance.now();

function send(agent: http.Agent, url: URL, headers: Record<string, string>, body: Buffer, extra: Record<string, string> = {}): http.ClientRequest {
  const req = http.request(url, {
    method: 'POST',
    agent,
    headers: { ...headers, ...extra, 'content-length': String(body.length) },
  });
  req.end(body);
  return req;
}

/** One non-streaming request; resolves with whether it succeeded (200 and a complete body). */
function oneRequest(agent: http.Agent, url: URL, headers: Record<string, string>, body: Buffer, extra?: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const req = send(agent, url, headers, body, extra);
    req.once('error', () => resolve(false));
    req.once('response', (res) => {
      res.on('data', () => {});
      res.once('end', () => resolve(res.statusCode === 200));
      res.once('error', () => resolve(false));
    });
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const url = new URL(o.path, o.baseUrl);
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const t0 = nowMs();
  const deadline = o.durationMs === undefined ? Infinity : t0 + o.durationMs;
  const limit = o.requests ?? Infinity;
  async function worker(): Promise<void> {
    while (started < limit && nowMs() < deadline) {
      const i = started++ % o.bodies.length;
      const s = nowMs();
      const ok = await oneRequest(agent, url, o.headers, o.bodies[i]!, o.bodyHeaders?.[i]);
      if (ok) latencies.push(nowMs() - s);
      else errors++;
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsedMs = nowMs() - t0;
  agent.destroy();
  return { requests: latencies.length, errors, elapsedMs, rps: (latencies.length / elapsedMs) * 1000, latency: percentiles(latencies) };
}

export interface StreamOptions extends Target {
  concurrency: number;
  /** Streams in all, spread over the workers. */
  streams: number;
  events: number;
  intervalMs: number;
}

export interface StreamResult {
  streams: number;
  /** Streams that failed or ended without every delta and message_stop. */
  errors: number;
  elapsedMs: number;
  /** Per-delta delivery delay, upstream send to client receipt (ms). */
  delay: Percentiles;
  /** Every delay measured, for pooling rounds. */
  delays: number[];
  /** Per stream, request sent to the first body byte (ms); all of them, for pooling. */
  ttfbs: number[];
  ttfb: Percentiles;
}

const STAMP = /\[t=(\d+)\]/g;

/** One SSE stream; pushes each delta's delay into `delays` and resolves with success. */
function oneStream(agent: http.Agent, url: URL, o: StreamOptions, i: number, delays: number[], ttfbs: number[]): Promise<boolean> {
  return new Promise((resolve) => {
    const sentAt = nowMs();
    const req = send(agent, url, o.headers, o.bodies[i]!, {
      ...o.bodyHeaders?.[i],
      [STREAM_EVENTS_HEADER]: String(o.events),
      [STREAM_INTERVAL_HEADER]: String(o.intervalMs),
    });
    req.once('error', () => resolve(false));
    req.once('response', (res) => {
      let seen = 0;
      let stopped = false;
      let firstByte = false;
      let carry = '';
      res.on('data', (chunk: Buffer) => {
        const now = process.hrtime.bigint();
        if (!firstByte) {
          firstByte = true;
          ttfbs.push(nowMs() - sentAt);
        }
        // latin1 keeps every ASCII stamp intact even when a UTF-8 character is split.
        const text = carry + chunk.toString('latin1');
        const end = text.lastIndexOf('\n\n');
        if (end < 0) {
          carry = text;
          return;
        }
        const complete = text.slice(0, end + 2);
        carry = text.slice(end + 2);
        for (const m of complete.matchAll(STAMP)) {
          delays.push(Number(now - BigInt(m[1]!)) / 1e6);
          seen++;
        }
        if (complete.includes('event: message_stop')) stopped = true;
      });
      res.once('end', () => resolve(res.statusCode === 200 && seen === o.events && stopped));
      res.once('error', () => resolve(false));
    });
  });
}

export async function runStreams(o: StreamOptions): Promise<StreamResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const url = new URL(o.path, o.baseUrl);
  const delays: number[] = [];
  const ttfbs: number[] = [];
  let started = 0;
  let errors = 0;
  const t0 = nowMs();
  async function worker(): Promise<void> {
    while (started < o.streams) {
      if (!(await oneStream(agent, url, o, started++ % o.bodies.length, delays, ttfbs))) errors++;
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  agent.destroy();
  return { streams: o.streams, errors, elapsedMs: nowMs() - t0, delay: percentiles(delays), delays, ttfbs, ttfb: percentiles(ttfbs) };
}
