import type { ContractEvent } from '../../proxy/contract/operations.js';
import type { Dialect, ExchangeOutcome, ExchangeSummary, LogLine, Usage } from '../../proxy/contract/types.js';

export type LivePhase = 'waiting' | 'streaming' | 'done' | 'failed';

export interface LiveRow {
  id: string;
  /** Arrival order, used to address rows in the ring without scanning. */
  seq: number;
  startedAt: number;
  method: string;
  path: string;
  dialect: Dialect | null;
  model: string | null;
  stream: boolean;
  modified: boolean;
  status: number | null;
  ttfbMs: number | null;
  durationMs: number | null;
  usage: Usage | null;
  outcome: ExchangeOutcome | null;
  stopReason: string | null;
  error: string | null;
  phase: LivePhase;
}

export interface LiveState {
  /** Oldest first; never longer than `cap`. */
  readonly rows: readonly LiveRow[];
  /** `seq` of rows[0]. */
  readonly firstSeq: number;
  readonly nextSeq: number;
  readonly index: ReadonlyMap<string, number>;
  readonly logs: readonly LogLine[];
  readonly cap: number;
  readonly logCap: number;
}

export const DEFAULT_LIVE_CAP = 5000;

export function createLiveState(cap = DEFAULT_LIVE_CAP, logCap = 500): LiveState {
  return { rows: [], firstSeq: 0, nextSeq: 0, index: new Map(), logs: [], cap, logCap };
}

function blankRow(id: string, seq: number, startedAt: number): LiveRow {
  return {
    id,
    seq,
    startedAt,
    method: '—',
    path: '—',
    dialect: null,
    model: null,
    stream: false,
    modified: false,
    status: null,
    ttfbMs: null,
    durationMs: null,
    usage: null,
    outcome: null,
    stopReason: null,
    error: null,
    phase: 'waiting',
  };
}

/**
 * Applies one batch of events with a single copy of the ring, so hundreds of events a
 * second cost one React update per batch. Returns the same object when the batch held
 * nothing this view shows, letting React skip the render.
 */
export function applyEvents(state: LiveState, events: readonly ContractEvent[], now = Date.now()): LiveState {
  let rows: LiveRow[] | null = null;
  let index: Map<string, number> | null = null;
  let logs: LogLine[] | null = null;
  let firstSeq = state.firstSeq;
  let nextSeq = state.nextSeq;

  const ensure = () => {
    if (!rows) rows = state.rows.slice();
    if (!index) index = new Map(state.index);
    return { rows, index };
  };

  const update = (id: string, startedAt: number | null, patch: (row: LiveRow) => LiveRow) => {
    const w = ensure();
    const seq = w.index.get(id);
    if (seq === undefined) {
      // Events for a request that started before we subscribed (or was evicted) still
      // deserve a row: better a row without a method than a finish we never show.
      const row = patch(blankRow(id, nextSeq, startedAt ?? now));
      w.rows.push(row);
      w.index.set(id, nextSeq);
      nextSeq++;
      return;
    }
    const at = seq - firstSeq;
    const current = w.rows[at];
    if (current) w.rows[at] = patch(current);
  };

  for (const event of events) {
    switch (event.name) {
      case 'request:start': {
        const p = (event as ContractEvent<'request:start'>).payload;
        update(p.id, p.startedAt, (row) => ({
          ...row,
          startedAt: p.startedAt,
          method: p.method,
          path: p.path,
          dialect: p.dialect,
          model: p.model ?? row.model,
          stream: p.stream,
          modified: p.modified,
        }));
        break;
      }
      case 'response:start': {
        const p = (event as ContractEvent<'response:start'>).payload;
        update(p.id, null, (row) => ({
          ...row,
          status: p.status,
          ttfbMs: p.ttfbMs,
          phase: row.phase === 'waiting' ? 'streaming' : row.phase,
        }));
        break;
      }
      case 'request:finish': {
        const p = (event as ContractEvent<'request:finish'>).payload;
        update(p.id, null, (row) => ({
          ...row,
          status: p.status ?? row.status,
          outcome: p.outcome,
          durationMs: p.durationMs,
          model: p.model ?? row.model,
          stopReason: p.stopReason,
          usage: p.usage,
          error: p.error ?? row.error,
          phase: p.outcome === 'ok' ? 'done' : 'failed',
        }));
        break;
      }
      case 'request:error': {
        const p = (event as ContractEvent<'request:error'>).payload;
        update(p.id, null, (row) => ({
          ...row,
          status: p.status ?? row.status,
          error: `${p.code}: ${p.message}`,
          phase: 'failed',
        }));
        break;
      }
      case 'log': {
        if (!logs) logs = state.logs.slice();
        logs.push((event as ContractEvent<'log'>).payload);
        break;
      }
      default:
        break;
    }
  }

  if (!rows && !logs) return state;

  let outRows: LiveRow[] = rows ?? (state.rows as LiveRow[]);
  let outIndex: Map<string, number> = index ?? (state.index as Map<string, number>);
  const overflow = outRows.length - state.cap;
  if (overflow > 0) {
    for (let i = 0; i < overflow; i++) outIndex.delete(outRows[i]!.id);
    outRows = outRows.slice(overflow);
    firstSeq += overflow;
  }
  let outLogs: LogLine[] = logs ?? (state.logs as LogLine[]);
  if (outLogs.length > state.logCap) outLogs = outLogs.slice(outLogs.length - state.logCap);

  return { ...state, rows: outRows, index: outIndex, logs: outLogs, firstSeq, nextSeq };
}

function rowFromSummary(s: ExchangeSummary, seq: number): LiveRow {
  return {
    id: s.id,
    seq,
    startedAt: s.startedAt,
    method: s.method,
    path: s.path,
    dialect: s.dialect,
    model: s.model,
    stream: s.stream,
    modified: s.modified,
    status: s.status,
    ttfbMs: s.ttfbMs,
    durationMs: s.durationMs,
    usage: s.usage,
    outcome: s.outcome,
    stopReason: s.stopReason,
    error: s.error,
    phase: s.outcome === 'ok' ? 'done' : 'failed',
  };
}

/**
 * Puts recent history in front of the live rows, so the log is not blank when the window
 * opens. Seeded rows get sequence numbers below the first live one: live rows keep theirs,
 * and rows already known (from events that raced the history query) are left alone.
 */
export function seedRows(state: LiveState, recent: readonly ExchangeSummary[]): LiveState {
  const room = state.cap - state.rows.length;
  if (room <= 0) return state;
  const fresh = recent
    .filter((s) => !state.index.has(s.id))
    .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const take = fresh.slice(Math.max(0, fresh.length - room));
  if (take.length === 0) return state;
  const firstSeq = state.firstSeq - take.length;
  const seeded = take.map((s, i) => rowFromSummary(s, firstSeq + i));
  const index = new Map(state.index);
  for (const row of seeded) index.set(row.id, row.seq);
  return { ...state, rows: [...seeded, ...state.rows], index, firstSeq };
}

/** Case-insensitive match over what a row shows; every word must match somewhere. */
export function rowMatches(row: LiveRow, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${row.method} ${row.path} ${row.model ?? ''} ${row.status ?? ''} ${row.phase} ${row.error ?? ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export function filterRows(rows: readonly LiveRow[], query: string): readonly LiveRow[] {
  return query.trim() === '' ? rows : rows.filter((r) => rowMatches(r, query));
}
