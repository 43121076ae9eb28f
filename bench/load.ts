/**
 * The load generator: a fixed number of workers, each sending its next request as soon as
 * the previous answer is fully read, over a keep-alive agent. Non-streaming runs measure
 * requests per second and latency; streaming runs parse SSE and measure, per text delta,
 * the delay between the upstream's send time stamped in the event and its arrival here.
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
  /** Headers of the i-th request on top of `headers` (a session id, say). */
  headersFor?: (i: number) => Record<string, string>;
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
function oneRequest(agent: http.Agent, url: URL, headers: Record<string, string>, body: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = send(agent, url, headers, body);
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
      const i = started++;
      const body = o.bodies[i % o.bodies.length]!;
      const headers = o.headersFor ? { ...o.headers, ...o.headersFor(i) } : o.headers;
      const s = nowMs();
      const ok = await oneRequest(agent, url, headers, body);
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
  /** Time to first byte: request sent to the response's first body bytes (ms). */
  ttfb: Percentiles;
  ttfbs: number[];
}

const STAMP = /\[t=(\d+)\]/g;

/** One SSE stream; pushes each delta's delay into `delays` and resolves with success. */
function oneStream(agent: http.Agent, url: URL, o: StreamOptions, body: Buffer, delays: number[], ttfbs: number[]): Promise<boolean> {
  return new Promise((resolve) => {
    const sent = nowMs();
    const req = send(agent, url, o.headers, body, {
      [STREAM_EVENTS_HEADER]: String(o.events),
      [STREAM_INTERVAL_HEADER]: String(o.intervalMs),
    });
    req.once('error', () => resolve(false));
    req.once('response', (res) => {
      let seen = 0;
      let firstByte = false;
      let stopped = false;
      let carry = '';
      res.on('data', (chunk: Buffer) => {
        const now = process.hrtime.bigint();
        if (!firstByte) {
          firstByte = true;
          ttfbs.push(nowMs() - sent);
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
      const body = o.bodies[started++ % o.bodies.length]!;
      if (!(await oneStream(agent, url, o, body, delays, ttfbs))) errors++;
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  agent.destroy();
  return { streams: o.streams, errors, elapsedMs: nowMs() - t0, delay: percentiles(delays), delays, ttfb: percentiles(ttfbs), ttfbs };
}
