/**
 * The background half of migration 1 -> 2: rows written by schema 1 (bodies in text
 * columns) are converted to parts in place, a bounded batch per transaction, oldest
 * first so conversation chains are found as they were written. A crash loses nothing: a
 * batch commits whole or not at all, and the rows still at body_format 1 are simply
 * converted at the next start. At the end one VACUUM switches the file to incremental
 * auto-vacuum (only possible that way for an existing file) and gives the space back.
 */
import type { ExchangeOutcome, Usage } from '../contract/types.js';
import type { RecordWriter } from './record-writer.js';
import type { ExchangeRow } from './rows.js';
import type { Db } from './schema.js';
import type { MigrationStatus } from './session-types.js';

/** Rows per transaction: small enough that new records never wait long behind a batch. */
export const CONVERT_BATCH_ROWS = 50;
const AUTO_VACUUM_INCREMENTAL = 2;

/** The columns a schema-1 row is converted from. */
type LegacyRow = { seq: number } & Pick<ExchangeRow, 'id' | 'started_at' | 'model' | 'status' | 'outcome' | 'user_agent' | 'usage_input' | 'usage_output' | 'usage_cache_read' | 'usage_cache_creation' | 'request_headers' | 'response_headers' | 'original_body' | 'forwarded_body' | 'response_body' | 'assembled'>;

function headers(json: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function usage(r: LegacyRow): Usage | null {
  if (r.usage_input === null && r.usage_output === null && r.usage_cache_read === null && r.usage_cache_creation === null) return null;
  return { input: r.usage_input ?? 0, output: r.usage_output ?? 0, cacheRead: r.usage_cache_read ?? 0, cacheCreation: r.usage_cache_creation ?? 0 };
}

export class RowConverter {
  readonly #db: Db;
  readonly #records: RecordWriter;
  readonly #next;
  readonly #dropFts;
  readonly #status: MigrationStatus;
  readonly #sizeAtStart: number;

  constructor(db: Db, records: RecordWriter) {
    this.#db = db;
    this.#records = records;
    this.#next = db.prepare<[number], LegacyRow>(`
      SELECT seq, id, started_at, model, status, outcome, user_agent, usage_input, usage_output, usage_cache_read,
             usage_cache_creation, request_headers, response_headers, original_body, forwarded_body, response_body, assembled
        FROM exchanges WHERE body_format = 1 ORDER BY seq LIMIT ?`);
    this.#dropFts = db.prepare<[number]>('DELETE FROM exchanges_fts WHERE rowid = ?');
    const total = db.prepare<[], number>('SELECT count(*) FROM exchanges WHERE body_format = 1').pluck().get()!;
    const pending = total > 0 || this.#needsCompaction();
    this.#status = { state: pending ? 'converting' : 'idle', rowsDone: 0, rowsTotal: total, bytesFreed: 0 };
    this.#sizeAtStart = this.#fileBytes();
  }

  get status(): MigrationStatus {
    return { ...this.#status };
  }

  #fileBytes(): number {
    return (this.#db.pragma('page_count', { simple: true }) as number) * (this.#db.pragma('page_size', { simple: true }) as number);
  }

  #needsCompaction(): boolean {
    return this.#db.pragma('auto_vacuum', { simple: true }) !== AUTO_VACUUM_INCREMENTAL;
  }

  /** Converts up to `limit` rows in one transaction; returns how many. */
  step(limit = CONVERT_BATCH_ROWS): number {
    if (this.#status.state !== 'converting') return 0;
    let n: number;
    try {
      n = this.#db.transaction(() => {
        const rows = this.#next.all(limit);
        for (const r of rows) this.#convert(r);
        // A converted row's words left exchanges_fts: they must be searchable again when it commits.
        this.#records.search.index();
        return rows.length;
      }).immediate();
    } catch (err) {
      // The parts this batch stored are gone with it; the writer's caches must not name them.
      this.#records.forget();
      throw err;
    }
    this.#status.rowsDone += n;
    if (n === 0) this.#status.state = 'compacting';
    return n;
  }

  #convert(r: LegacyRow): void {
    this.#dropFts.run(r.seq);
    const text = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s, 'utf8'));
    const original = text(r.original_body);
    const requestHeaders = headers(r.request_headers);
    const stored = this.#records.storeBodies({
      seq: r.seq,
      original,
      forwarded: r.forwarded_body === r.original_body ? original : text(r.forwarded_body),
      response: text(r.response_body),
      assembled: r.assembled,
      requestHeaders,
      responseHeaders: headers(r.response_headers),
      // Old rows come in storage order, not by thread; each is split whole.
      continueThread: false,
      model: r.model,
    });
    this.#records.placeTurn(
      r.seq,
      {
        id: r.id,
        startedAt: r.started_at,
        requestHeaders,
        userAgent: r.user_agent,
        model: r.model,
        usage: usage(r),
        status: r.status,
        outcome: r.outcome as ExchangeOutcome,
      },
      stored,
      r.assembled,
      r.assembled === null ? r.response_body : null,
    );
  }

  /** Once every row is converted: one VACUUM into incremental auto-vacuum. Returns the final status. */
  compact(): MigrationStatus {
    if (this.#status.state !== 'compacting') return this.status;
    if (this.#needsCompaction()) {
      this.#db.pragma('auto_vacuum = INCREMENTAL');
      this.#db.exec('VACUUM');
    } else {
      this.#db.pragma('incremental_vacuum');
    }
    this.#status.state = 'done';
    this.#status.bytesFreed = Math.max(0, this.#sizeAtStart - this.#fileBytes());
    return this.status;
  }
}

/** The line for the log and the dashboard. Pure. */
export function migrationMessage(s: MigrationStatus): string {
  const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
  switch (s.state) {
    case 'converting':
      return `History: converting stored exchanges to the new format, ${s.rowsDone} of ${s.rowsTotal} done.`;
    case 'compacting':
      return `History: all ${s.rowsTotal} exchanges converted; compacting the file.`;
    case 'done':
      return `History: conversion finished, ${s.rowsTotal} exchanges converted, ${mb(s.bytesFreed)} given back.`;
    case 'idle':
      return 'History: no conversion needed.';
  }
}
