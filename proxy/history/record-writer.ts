/**
 * Writes one exchange in schema 2's shape, and removes exchanges with everything only
 * they referenced. The caller (writer.ts) owns the transaction.
 *
 * A row is inserted first for its `seq`, which the part links and the session placement
 * need; the same transaction then fills in bodies, headers and the turn.
 */
import { assembledText, isEventStreamType } from '../anthropic/sse-assembler.js';
import { estimateCost } from '../contract/prices.js';
import { applyByteEdits, editsFit, isEditedBody, type ByteEdit } from '../lib/byte-edits.js';
import { packText, pack } from './codec.js';
import { manifestParts } from './manifest.js';
import { DeltaPlanner, DELTA_ORIGINAL, ManifestChain, type ChainRow } from './manifest-chain.js';
import { PartWriter, type StoredBody } from './parts.js';
import type { ForwardedValue, QueuedRecord } from './protocol.js';
import { searchableText } from './search-text.js';
import { bodyBytes, META_COLUMNS, responseSearchText, textSize, toMetaRow } from './rows.js';
import type { Db } from './schema.js';
import { SearchIndex } from './search-index.js';
import type { RemovedTurn } from './session-totals.js';
import { SessionWriter, type TurnColumns } from './session-writer.js';
import { threadKey } from './body-cache.js';

/** Responses larger than this are not parsed for the answer a next turn would repeat. */
const ANSWER_PARSE_MAX_BYTES = 1024 * 1024;

/** What removing an exchange needs to know: its manifests, to release its parts, and what it counted for in its session. */
export interface RemovedRow extends ChainRow, RemovedTurn {
  id: string;
}

export interface BodiesInput {
  seq: number;
  original: Buffer | null;
  forwarded: Buffer | null;
  /** The forwarded body as edits of `original` instead (then `forwarded` is null). */
  forwardedEdits?: readonly ByteEdit[] | null;
  response: Buffer | null;
  assembled: string | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** Continue the thread's last body (new traffic); the background conversion does not. */
  continueThread: boolean;
  model: string | null;
}

/** The forwarded body as the writer takes it: bytes, or the modifier's splice of the original when it came as one and fits it. */
function forwardedInput(value: ForwardedValue, originalValue: unknown, original: Buffer | null): { bytes: Buffer | null; edits: readonly ByteEdit[] | null } {
  if (!isEditedBody(value)) return { bytes: value === originalValue ? original : bodyBytes(value), edits: null };
  // Only the proxy makes splices, of the body it also sends here: one that does not fit is a bug, and no body is better than a wrong one.
  if (original === null || !editsFit(original.length, value.edits)) return { bytes: null, edits: null };
  return { bytes: null, edits: value.edits };
}

/**
 * A stream's message, assembled here rather than event by event on the main thread, which
 * sends it only when the stored bytes are not the whole stream (exchange.ts).
 */
function streamMessage(record: QueuedRecord, response: Buffer | null): string | null {
  if (response === null || record.responseTruncated || !isEventStreamType(record.responseHeaders?.['content-type'])) return null;
  return assembledText(response);
}

/** What a row keeps of a stored body. */
type StoredColumns = Pick<StoredBody, 'manifest' | 'sha' | 'size' | 'base'>;

/** A row's body columns, computed before the row is written. */
interface BodyColumns {
  original_manifest: Buffer | null;
  forwarded_manifest: Buffer | null;
  manifest_delta: number;
  parts_base: number | null;
  original_size: number;
  forwarded_size: number;
  original_sha: Buffer | null;
  forwarded_sha: Buffer | null;
  response_packed: Buffer | null;
  assembled_packed: Buffer | null;
  headers_packed: Buffer;
}

const BODY_COLUMNS = [
  'original_manifest', 'forwarded_manifest', 'manifest_delta', 'parts_base', 'original_sha', 'forwarded_sha', 'response_packed', 'assembled_packed', 'headers_packed',
] as const satisfies ReadonlyArray<keyof BodyColumns>;
const TURN_COLUMNS = [
  'session', 'thread', 'parent_seq', 'spawned_by', 'message_count', 'delta_from', 'system_part', 'tools_part',
  'system_changed', 'tools_changed', 'chain_key', 'answer_key', 'calls_agent',
] as const satisfies ReadonlyArray<keyof TurnColumns>;

type TurnRecord = Pick<QueuedRecord, 'id' | 'startedAt' | 'requestHeaders' | 'userAgent' | 'model' | 'usage' | 'status' | 'outcome'>;

export class RecordWriter {
  /** Where new parts and rows wait for the full-text indexes. */
  readonly search: SearchIndex;
  readonly parts: PartWriter;
  readonly sessions: SessionWriter;
  readonly #exists;
  readonly #maxSeq;
  readonly #insert;
  readonly #fillBodies;
  readonly #fillTurn;
  readonly #children;
  readonly #rebase;
  readonly #deltas = new DeltaPlanner();
  readonly #glues = new WeakMap<Buffer, string | null>();
  readonly #chain: ManifestChain;
  /** The last seq given out: rows get theirs before they are written, since their parts and turn need it. */
  #seq: number | null = null;

  constructor(db: Db) {
    this.#chain = new ManifestChain(db);
    this.search = new SearchIndex(db, this.#chain);
    this.parts = new PartWriter(db, this.search);
    this.sessions = new SessionWriter(db);
    this.#exists = db.prepare<[string], number>('SELECT 1 FROM exchanges WHERE id = ?').pluck();
    this.#maxSeq = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM exchanges').pluck();
    // One INSERT with every column: updating a row after it was written would write its
    // pages (and the manifests' overflow pages) again.
    const all = ['seq', ...META_COLUMNS, ...BODY_COLUMNS, ...TURN_COLUMNS, 'cost'];
    this.#insert = db.prepare(
      `INSERT INTO exchanges (${all.join(', ')}, request_headers, response_headers, body_format)
       VALUES (${all.map((c) => `@${c}`).join(', ')}, '', '', 2)`,
    );
    this.#fillBodies = db.prepare(`
      UPDATE exchanges SET body_format = 2,
        original_body = NULL, forwarded_body = NULL, response_body = NULL, assembled = NULL,
        request_headers = '', response_headers = '',
        ${BODY_COLUMNS.map((c) => `${c} = @${c}`).join(', ')}
      WHERE seq = @seq`);
    this.#fillTurn = db.prepare(`UPDATE exchanges SET ${[...TURN_COLUMNS, 'cost'].map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`);
    this.#children = db.prepare<[number], ChainRow>('SELECT seq, parts_base, manifest_delta, original_manifest, forwarded_manifest FROM exchanges WHERE parts_base = ?');
    // The row's sent manifest is stored whole from then on: its base is going.
    this.#rebase = db.prepare<[Buffer | null, number]>(
      `UPDATE exchanges SET parts_base = NULL, original_manifest = ?, manifest_delta = manifest_delta & ~${DELTA_ORIGINAL} WHERE seq = ?`,
    );
  }

  /** Returns false when the id was already stored (a resend after a writer restart). */
  insert(record: QueuedRecord): boolean {
    if (this.#exists.get(record.id) !== undefined) return false;
    const seq = (this.#seq ?? this.#maxSeq.get()!) + 1;
    this.#seq = seq;
    const original = bodyBytes(record.originalBody);
    const forwarded = forwardedInput(record.forwardedBody, record.originalBody, original);
    const response = bodyBytes(record.responseBody);
    const assembled = typeof record.assembled === 'string' ? record.assembled : streamMessage(record, response);
    const bodies = this.#bodies({
      seq,
      original,
      forwarded: forwarded.bytes,
      forwardedEdits: forwarded.edits,
      response,
      assembled,
      requestHeaders: record.requestHeaders ?? {},
      responseHeaders: record.responseHeaders ?? {},
      continueThread: true,
      model: record.model,
    });
    const responseText = assembled === null && response !== null && response.length <= ANSWER_PARSE_MAX_BYTES ? response.toString('utf8') : null;
    const { turn, cost } = this.#turn(seq, record, bodies.stored, assembled, responseText);
    const { original_size, forwarded_size, ...columns } = bodies.columns;
    const meta = toMetaRow(record, {
      original: original_size,
      forwarded: forwarded_size,
      response: response === null ? 0 : textSize(response),
      assembled: assembled === null ? 0 : Buffer.byteLength(assembled),
    });
    this.#insert.run({ seq, ...meta, ...columns, ...turn, cost });
    if (bodies.fts) this.search.addExchange(seq, bodies.fts);
    return true;
  }

  /** After a failed transaction: what was cached or counted for it is gone with it. */
  forget(): void {
    this.#seq = null;
    this.parts.forget();
    this.#deltas.forget();
  }

  /** Parts and packed blobs of an existing row `seq` (the schema-1 conversion); returns the sent body's parts. */
  storeBodies(b: BodiesInput): StoredBody | null {
    const { stored, columns, fts } = this.#bodies(b);
    // The row's sizes were stored with it, by the same measure.
    const { original_size: _o, forwarded_size: _f, ...rest } = columns;
    this.#fillBodies.run({ seq: b.seq, ...rest });
    if (fts) this.search.addExchange(b.seq, fts);
    return stored;
  }

  /** Glue is fragments of JSON, not JSON: indexed as its raw text. A thread's turns share one glue buffer (parts.ts), so its text is made once. */
  #glueText(glue: Buffer): string | null {
    let text = this.#glues.get(glue);
    if (text === undefined) this.#glues.set(glue, (text = searchableText(glue.toString('utf8'))));
    return text;
  }

  /** Parts (stored now: they are their own rows), the row's body columns and its full-text entry. */
  #bodies(b: BodiesInput): { stored: StoredBody | null; columns: BodyColumns; fts: [string | null, string | null] | null } {
    const thread = b.continueThread && b.original !== null ? threadKey(b.requestHeaders, b.model, b.original) : null;
    const o = b.original === null ? null : this.parts.store(b.original, b.seq, { index: true, thread });
    const f = this.#forwarded(b, o, thread);
    const columns: BodyColumns = {
      // The same body forwarded: no second manifest, only its hash (which tells it from "none").
      ...this.#deltas.plan(b.seq, o, f === o ? null : (f?.manifest ?? null)),
      parts_base: o?.base ?? f?.base ?? null,
      original_size: o?.size ?? 0,
      forwarded_size: f?.size ?? 0,
      original_sha: o?.sha ?? null,
      forwarded_sha: f?.sha ?? null,
      response_packed: b.response === null ? null : pack(b.response),
      assembled_packed: b.assembled === null ? null : packText(b.assembled),
      headers_packed: packText(JSON.stringify([b.requestHeaders, b.responseHeaders])),
    };
    const text = responseSearchText(b.assembled, b.response);
    const glue = o && o.glue.length > 0 ? this.#glueText(o.glue) : null;
    return { stored: o, columns, fts: text || glue ? [glue, text] : null };
  }

  /**
   * The forwarded body, once the sent one is stored as `o`. The modifier's splice is stored by
   * reference to the sent body's parts; when its edits do not fit that cut, as the rebuilt
   * bytes. The forwarded body is indexed through its parts only where the original is not:
   * the appended text tells no row apart, and the rest is the original's. It may continue
   * only from the row the original continues (a row has one base).
   */
  #forwarded(b: BodiesInput, o: StoredBody | null, thread: string | null): StoredColumns | null {
    const store = (bytes: Buffer): StoredBody =>
      this.parts.store(bytes, b.seq, { index: false, thread: thread === null ? null : `${thread}\0forwarded`, base: o?.base ?? undefined });
    if (b.forwardedEdits && o && b.original) {
      if (b.forwardedEdits.length === 0) return o;
      const stored = this.parts.storeEdited(o, b.forwardedEdits, b.seq);
      return stored ? { ...stored, base: o.base } : store(applyByteEdits(b.original, b.forwardedEdits));
    }
    if (b.forwarded === null) return null;
    if (b.forwarded === b.original || (b.original !== null && b.forwarded.equals(b.original))) return o;
    return store(b.forwarded);
  }

  /** Places an existing row `seq` in its session and turn (the schema-1 conversion). */
  placeTurn(seq: number, record: TurnRecord, stored: StoredBody | null, assembled: string | null, responseText: string | null): TurnColumns {
    const { turn, cost } = this.#turn(seq, record, stored, assembled, responseText);
    this.#fillTurn.run({ seq, ...turn, cost });
    return turn;
  }

  #turn(seq: number, record: TurnRecord, stored: StoredBody | null, assembled: string | null, responseText: string | null): { turn: TurnColumns; cost: number | null } {
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
      messageCount: stored?.messageCount ?? 0,
      message: (i) => stored!.message(i),
      base: stored?.base ?? null,
      reusedMessages: stored?.reusedMessages ?? 0,
      system: stored?.system ?? null,
      tools: stored?.tools ?? null,
      assembled,
      responseBody: responseText,
    });
    return { turn, cost };
  }

  /**
   * After the rows are deleted: drops parts only they used. Returns how many parts went.
   * A remaining row whose base went takes its own link to every part it references and
   * stops inheriting, so nothing it (or a row continuing it) needs can go. One pass over
   * that row's manifests, however many of its ancestors went with the base.
   */
  released(rows: readonly ChainRow[]): number {
    // Whole manifests of the removed rows, oldest first: a removed row's delta may be on one removed before it.
    const whole = new Map<number, Buffer>();
    const manifests = new Map<number, Array<Buffer | null>>();
    for (const r of [...rows].sort((a, b) => a.seq - b.seq)) {
      const original = this.#chain.original(r, whole);
      if (original) whole.set(r.seq, original);
      manifests.set(r.seq, [original, this.#chain.forwarded(r, original)]);
    }
    for (const r of rows) {
      for (const child of this.#children.all(r.seq)) {
        const original = this.#chain.original(child, whole);
        this.parts.adopt(child.seq, new Set([...manifestParts(original), ...manifestParts(this.#chain.forwarded(child, original))]));
        this.#rebase.run(original, child.seq);
      }
    }
    let parts = 0;
    for (const r of rows) parts += this.parts.release(r.seq, manifests.get(r.seq)!);
    this.parts.forgetRows(new Set(rows.map((r) => r.seq)));
    return parts;
  }
}
