/**
 * The benchmark's table: one row per measure of issue 9's table, Addendum against the bare
 * forwarder, the ratio, the goal and whether it is met. Goals are read, never asserted.
 */
import { percentiles, type LoadResult, type StreamResult } from './load.js';
import type { MemRun, SoakRun, TputRun } from './scenarios.js';

export const GOALS = { p50: 1.3, throughput: 0.7, cpu: 1.5, delayP50: 1.3, delayP99: 1.5, ttfb: 1.3, rssMb: 150 };

/** One server's results on one workload, over every round. */
export interface Side {
  seq: LoadResult[];
  tput: TputRun[];
  streams16: StreamResult[];
  streams1: StreamResult[];
  peakRssMb: number;
  mem?: MemRun;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

const f = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function table(rows: string[][], head: string[]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const HEAD = ['measure', 'Addendum', 'bare', 'ratio', 'goal', 'met'];

type Goal = { kind: 'max' | 'min'; ratio: number } | { kind: 'mb'; max: number } | null;

export function row(label: string, a: number, b: number, goal: Goal, digits = 2): string[] {
  const ratio = a / b;
  const met =
    goal === null ? '' : goal.kind === 'mb' ? a <= goal.max : goal.kind === 'max' ? ratio <= goal.ratio : ratio >= goal.ratio;
  const goalText = goal === null ? '' : goal.kind === 'mb' ? `≤ ${goal.max} MB` : `${goal.kind === 'max' ? '≤' : '≥'} ${goal.ratio}×`;
  return [label, f(a, digits), f(b, digits), `${f(ratio)}×`, goalText, met === '' ? '' : met ? 'met' : 'MISSED'];
}

const pooled = (rs: StreamResult[], pick: (r: StreamResult) => number[]): ReturnType<typeof percentiles> => percentiles(rs.flatMap(pick));

/** Issue 9's rows for one workload. */
export function workloadRows(a: Side, b: Side, c: number): string[][] {
  const m = <T>(xs: T[], pick: (x: T) => number): number => median(xs.map(pick));
  // A p99 of one round rests on a few dozen events; pooling the rounds steadies it.
  const d = { a: pooled(a.streams16, (r) => r.delays), b: pooled(b.streams16, (r) => r.delays) };
  const t16 = { a: pooled(a.streams16, (r) => r.ttfbs), b: pooled(b.streams16, (r) => r.ttfbs) };
  const t1 = { a: pooled(a.streams1, (r) => r.ttfbs), b: pooled(b.streams1, (r) => r.ttfbs) };
  const rows = [
    row('non-stream p50, c=1 (ms)', m(a.seq, (r) => r.latency.p50), m(b.seq, (r) => r.latency.p50), { kind: 'max', ratio: GOALS.p50 }),
    row(`non-stream throughput, c=${c} (req/s, sustained)`, m(a.tput, (r) => r.sustainedRps), m(b.tput, (r) => r.sustainedRps), { kind: 'min', ratio: GOALS.throughput }, 0),
    row(`  unsustained (writer's flush not counted)`, m(a.tput, (r) => r.load.rps), m(b.tput, (r) => r.load.rps), null, 0),
    row(`proxy CPU per non-stream request, c=${c} (ms)`, m(a.tput, (r) => r.cpu.total), m(b.tput, (r) => r.cpu.total), { kind: 'max', ratio: GOALS.cpu }),
    row('  main thread only (ms)', m(a.tput, (r) => r.cpu.main), m(b.tput, (r) => r.cpu.main), null),
    row('  history writer thread (ms)', m(a.tput, (r) => r.cpu.writer), NaN, null),
    // Throughput counts a request whose bodies were shed as served: this says how many were.
    row('  of its requests, stored without bodies (writer behind)', m(a.tput, (r) => r.shed), NaN, null, 0),
    row(`stream per-event latency p50, c=${c} (ms)`, d.a.p50, d.b.p50, { kind: 'max', ratio: GOALS.delayP50 }),
    row(`stream per-event latency p99, c=${c} (ms)`, d.a.p99, d.b.p99, { kind: 'max', ratio: GOALS.delayP99 }),
    row(`stream time to first byte p50, c=${c} (ms)`, t16.a.p50, t16.b.p50, { kind: 'max', ratio: GOALS.ttfb }),
    row('stream time to first byte p50, c=1 (ms)', t1.a.p50, t1.b.p50, { kind: 'max', ratio: GOALS.ttfb }),
    row('peak RSS during the run (MB)', a.peakRssMb, b.peakRssMb, { kind: 'mb', max: GOALS.rssMb }, 1),
  ];
  if (a.mem && b.mem) rows.push(row('peak RSS, 200 concurrent streams (MB)', a.mem.peakRssMb, b.mem.peakRssMb, { kind: 'mb', max: GOALS.rssMb }, 1));
  return rows;
}

export function memoryRows(idle: { a: number; b: number } | null, soak: { a: SoakRun; b: SoakRun } | null, c: number): string[][] {
  const rows: string[][] = [];
  if (idle) rows.push(row('idle RSS (MB)', idle.a, idle.b, null, 1));
  if (soak) {
    rows.push([`soak: ${soak.a.requests} requests, c=${c}, Claude Code bodies`, '', '', '', '', '']);
    rows.push(row('  RSS at start (MB)', soak.a.startMb, soak.b.startMb, null, 1));
    rows.push(row('  RSS at end (MB)', soak.a.endMb, soak.b.endMb, null, 1));
    rows.push(row('  peak RSS (MB)', soak.a.peakMb, soak.b.peakMb, { kind: 'mb', max: GOALS.rssMb }, 1));
    rows.push(row('  growth, end − start (MB)', soak.a.endMb - soak.a.startMb, soak.b.endMb - soak.b.startMb, null, 1));
  }
  return rows;
}
