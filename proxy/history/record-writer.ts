/**
 * Writes one exchange in schema 2's shape, and removes exchanges with everything only
 * they referenced. The caller (writer.ts) owns the transaction.
 *
 * A row is inserted first for its `seq`, which the part links and the session placement
 * need; the same transaction then fills in bodies, headers and the turn.
 */
import { isUtf8 } from 'node:buffer';
import { estimateCost } from '../contract/prices.js';
import { packText, pack } from './codec.js';
import { PartWriter, type StoredBody } from './parts.js';
import type { QueuedRecord } from './protocol.js';
import { searchableText } from './search-text.js';
import { bodyBytes, META_COLUMNS, responseSearchText, toMetaRow } from './rows.js';
import type { Db } from './schema.js';
import { SessionWriter, type TurnColumns } from './session-writer.js';

/** Responses larger than this are not parsed for the answer a next turn would repeat. */
const ANSWER_PARSE_MAX_BYTES = 1024 * 1024;

/** What removing an exchange needs to know. */
export interface RemovedRow {
  id: string;
  seq: number;
  session: number | null;
  original_manifest: Buffer | null;
  forwarded_manifest: Buffer | null;
}

/** The size the pre-parts schema showed: bytes of the stored text, which for invalid UTF-8 is the decoded text. */
function textSize(b: Buffer | null): number {
  if (b === null) return 0;
  return isUtf8(b) ? b.length : Buffer.byteLength(b.toString('utf8'));
}

export interface BodiesInput {
  seq: number;
  original: Buffer | null;
  forwarded: Buffer | null;
  response: Buffer | null;
  assembled: string | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
}

export class RecordWriter {
  readonly parts: PartWriter;
  readonly sessions: SessionWriter;
  readonly #insert;
  readonly #fillBodies;
  readonly #fillTurn;
  readonly #insertFts;

  constructor(db: Db) {
    this.parts = new PartWriter(db);
    this.sessions = new SessionWriter(db);
    this.#insert = db.prepare<[Record<string, unknown>], number>(
      `INSERT INTO exchanges (${META_COLUMNS.join(', ')}, request_headers, response_headers, body_format)
       VALUES (${META_COLUMNS.map((c) => `@${c}`).join(', ')}, '', '', 2)
       ON CONFLICT(id) DO NOTHING RETURNING seq`,
    ).pluck();
    this.#fillBodies = db.prepare(`
      UPDATE exchanges SET body_format = 2,
        original_body = NULL, forwarded_body = NULL, response_body = NULL, assembled = NULL,
        request_headers = '', response_headers = '',
        original_manifest = @original_manifest, forwarded_manifest = @forwarded_manifest,
        original_sha = @original_sha, forwarded_sha = @forwarded_sha,
        response_packed = @response_packed, assembled_packed = @assembled_packed, headers_packed = @headers_packed
      WHERE seq = @seq`);
    this.#fillTurn = db.prepare(`
      UPDATE exchanges SET session = @session, thread = @thread, parent_seq = @parent_seq, spawned_by = @spawned_by,
        message_count = @message_count, delta_from = @delta_from, system_part = @system_part, tools_part = @tools_part,
        system_changed = @system_changed, tools_changed = @tools_changed, chain_key = @chain_key,
        answer_key = @answer_key, calls_agent = @calls_agent, cost = @cost
      WHERE seq = @seq`);
    this.#insertFts = db.prepare<[number, string | null, string | null]>('INSERT INTO exchanges_fts (rowid, original, response) VALUES (?, ?, ?)');
  }

  /** Returns false when the id was already stored (a resend after a writer restart). */
  insert(record: QueuedRecord): boolean {
    const original = bodyBytes(record.originalBody);
    const forwarded = record.forwardedBody === record.originalBody ? original : bodyBytes(record.forwardedBody);
    const response = bodyBytes(record.responseBody);
    const assembled = typeof record.assembled === 'string' ? record.assembled : null;
    const meta = toMetaRow(record, {
      original: textSize(original),
      forwarded: textSize(forwarded),
      response: textSize(response),
      assembled: assembled === null ? 0 : Buffer.byteLength(assembled),
    });
    const seq = this.#insert.get(meta);
    if (seq === undefined) return false;
    const stored = this.storeBodies({
      seq,
      original,
      forwarded,
      response,
      assembled,
      requestHeaders: record.requestHeaders ?? {},
      responseHeaders: record.responseHeaders ?? {},
    });
    const responseText = assembled === null && response !== null && response.length <= ANSWER_PARSE_MAX_BYTES ? response.toString('utf8') : null;
    this.placeTurn(seq, record, stored, assembled, responseText);
    return true;
  }

  /** Parts, packed blobs and the response's index entry of row `seq`; returns the sent body's parts. */
  storeBodies(b: BodiesInput): StoredBody | null {
    const o = b.original === null ? null : this.parts.store(b.original, b.seq);
    // The forwarded body is indexed through its parts only where the original is not: the
    // appended text tells no row apart, and the rest is the original's.
    const f = b.forwarded === null ? null : b.forwarded === b.original || (b.original !== null && b.forwarded.equals(b.original)) ? o : this.parts.store(b.forwarded, b.seq, false);
    this.#fillBodies.run({
      seq: b.seq,
      original_manifest: o?.manifest ?? null,
      // The same body forwarded: no second manifest, only its hash (which tells it from "none").
      forwarded_manifest: f === o ? null : (f?.manifest ?? null),
      original_sha: o?.sha ?? null,
      forwarded_sha: f?.sha ?? null,
      response_packed: b.response === null ? null : pack(b.response),
      assembled_packed: b.assembled === null ? null : packText(b.assembled),
      headers_packed: packText(JSON.stringify([b.requestHeaders, b.responseHeaders])),
    });
    const text = responseSearchText(b.assembled, b.response);
    // Glue is fragments of JSON, not JSON: indexed as its raw text.
    const glue = o && o.glue.length > 0 ? searchableText(o.glue.toString('utf8')) : null;
    if (text || glue) this.#insertFts.run(b.seq, glue, text);
    return o;
  }

  placeTurn(seq: number, record: Pick<QueuedRecord, 'id' | 'startedAt' | 'requestHeaders' | 'userAgent' | 'model' | 'usage' | 'status' | 'outcome'>, stored: StoredBody | null, assembled: string | null, responseText: string | null): TurnColumns {
    const cost = estimateCost(record.model, record.usage);
    const turn = this.sessions.place({
      seq,
      exchangeId: record.id,
      startedAt: Math.round(record.startedAt),
      requestHeaders: record.requestHeaders ?? {},
      userAgent: record.userAgent,
      model: record.model,
      usage: record.usage,
      isError: record.status === null || record.outcome !== 'ok',
      cost,
      messages: stored?.messages ?? [],
      system: stored?.system ?? null,
      tools: stored?.tools ?? null,
      assembled,
      responseBody: responseText,
    });
    this.#fillTurn.run({ seq, ...turn, cost });
    return turn;
  }

  /** After the rows are deleted: drops parts only they used. Returns how many parts went. */
  released(rows: readonly RemovedRow[]): number {
    let parts = 0;
    for (const r of rows) parts += this.parts.release(r.seq, [r.original_manifest, r.forwarded_manifest]);
    return parts;
  }
}
