/**
 * One turn's content for the sessions view, read from the stored parts: only the messages
 * the turn added and its answer, never the whole body (a long session re-sends megabytes).
 * On demand, what changed in the turn's prompt prefix against its parent, compared part by
 * part (equal part ids need no reading) and returned as the exact stored bytes.
 */
import type { PrefixDiff, PrefixSection, TurnContent } from '../contract/types.js';
import { splitBody, type PartKind } from './body-split.js';
import { unpackText } from './codec.js';
import { decodeManifest, entryParts, isEditedPart, isGlue } from './manifest.js';
import { ManifestChain } from './manifest-chain.js';
import { PartReader } from './part-reader.js';
import type { Db } from './schema.js';
import { messageDigest } from './session-match.js';

interface TurnRow {
  seq: number;
  id: string;
  session_key: string | null;
  body_format: number;
  stream: number;
  delta_from: number | null;
  message_count: number | null;
  parent_seq: number | null;
  parts_base: number | null;
  manifest_delta: number | null;
  original_manifest: Buffer | null;
  forwarded_manifest: Buffer | null;
  forwarded_sha: Buffer | null;
  original_body: string | null;
  forwarded_body: string | null;
  assembled: string | null;
  response_body: string | null;
  assembled_packed: Buffer | null;
  response_packed: Buffer | null;
}

/** A stretch of a stored body: glue between parts, or a part (id null for a schema-1 row, cut on the fly). */
interface Piece {
  kind: PartKind | 'glue';
  id: number | null;
  bytes(): Buffer;
}

/** Parts classified per query when reading a manifest from its end. */
const TAIL_BATCH = 16;

const COLUMNS = `seq, id, (SELECT key FROM sessions WHERE sessions.id = exchanges.session) AS session_key, body_format, stream, delta_from, message_count, parent_seq, parts_base, manifest_delta, original_manifest, forwarded_manifest,
  forwarded_sha, original_body, forwarded_body, assembled, response_body, assembled_packed, response_packed`;

function samePiece(a: Piece | undefined, b: Piece | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.id !== null && b.id !== null) return a.id === b.id;
  return a.bytes().equals(b.bytes());
}

/** The body outside its parts, each part written as <kind> and each run of messages as one
 * <messages>, so two turns compare equal when only their conversation grew. */
function skeleton(pieces: readonly Piece[]): string {
  let out = '';
  for (const p of pieces) out += p.kind === 'glue' ? p.bytes().toString('utf8') : `<${p.kind}>`;
  return out.replace(/<message>(?:\s*,\s*<message>)*/g, '<messages>');
}

const text = (p: Piece | undefined | null): string | null => (p ? p.bytes().toString('utf8') : null);

function parsed(t: string | null): unknown {
  try {
    return t === null ? null : (JSON.parse(t) as unknown);
  } catch {
    return null;
  }
}

function section(name: string, a: Piece | undefined, b: Piece | undefined, message = false): PrefixSection {
  const parent = text(a);
  const turn = text(b);
  const da = message ? messageDigest(parsed(parent)) : null;
  const db = message ? messageDigest(parsed(turn)) : null;
  return { name, parent, turn, cacheNeutral: da !== null && db !== null && da.equals(db) };
}

export class TurnReader {
  readonly #parts: PartReader;
  readonly #byId;
  readonly #bySeq;
  readonly #manifests: ManifestChain;
  readonly #kinds;

  constructor(db: Db) {
    this.#parts = new PartReader(db);
    this.#byId = db.prepare<[string], TurnRow>(`SELECT ${COLUMNS} FROM exchanges WHERE id = ?`);
    this.#bySeq = db.prepare<[number], TurnRow>(`SELECT ${COLUMNS} FROM exchanges WHERE seq = ?`);
    this.#manifests = new ManifestChain(db);
    // One query per manifest: a long session's manifest names a thousand parts.
    this.#kinds = db.prepare<[string], { id: number; kind: string }>('SELECT id, kind FROM parts WHERE id IN (SELECT value FROM json_each(?))');
  }

  get(exchangeId: string, options: { prefix?: boolean } = {}): TurnContent | null {
    const stored = this.#byId.get(exchangeId);
    if (!stored) return null;
    const row = this.#manifests.whole(stored);
    const known = this.#newMessages(row);
    const messages = known ?? this.#pieces(row, 'original').filter((p) => p.kind === 'message');
    const from = known ? row.delta_from! : Math.min(row.delta_from ?? 0, messages.length);
    const content: TurnContent = {
      exchangeId: row.id,
      sessionId: row.session_key,
      fromMessage: from,
      messages: (known ?? messages.slice(from)).map((p) => p.bytes().toString('utf8')),
      answer: this.#answer(row),
    };
    if (options.prefix) content.prefix = this.#prefix(row);
    return content;
  }

  /**
   * The new messages of a placed turn without classifying every part: they are the last
   * message parts of the manifest, and only a few parts (system, tools) follow them.
   */
  #newMessages(row: TurnRow): Piece[] | null {
    if (row.body_format !== 2 || row.original_manifest === null || row.message_count === null || row.delta_from === null) return null;
    const wanted = row.message_count - row.delta_from;
    const ids = decodeManifest(row.original_manifest).filter((e): e is number => typeof e === 'number');
    const found: Piece[] = [];
    for (let end = ids.length; end > 0 && found.length < wanted; end -= TAIL_BATCH) {
      const batch = ids.slice(Math.max(0, end - TAIL_BATCH), end);
      const kinds = new Map(this.#kinds.all(JSON.stringify(batch)).map((r) => [r.id, r.kind]));
      for (let i = batch.length - 1; i >= 0 && found.length < wanted; i--) {
        const id = batch[i]!;
        if (kinds.get(id) === 'message') found.push({ kind: 'message', id, bytes: () => this.#parts.part(id) });
      }
    }
    return found.length === wanted ? found.reverse() : null;
  }

  #prefix(row: TurnRow): PrefixDiff | null {
    const stored = row.parent_seq === null ? undefined : this.#bySeq.get(row.parent_seq);
    const parent = stored && this.#manifests.whole(stored);
    if (!parent) return null;
    // What upstream's cache saw: the forwarded bodies.
    const before = this.#pieces(parent, 'forwarded');
    const after = this.#pieces(row, 'forwarded');
    const sections: PrefixSection[] = [];
    // In the cache's order: tools, system, then the messages the parent sent.
    for (const kind of ['tools', 'system'] as const) {
      const a = before.find((p) => p.kind === kind);
      const b = after.find((p) => p.kind === kind);
      if (!samePiece(a, b)) sections.push(section(kind, a, b));
    }
    const aMessages = before.filter((p) => p.kind === 'message');
    const bMessages = after.filter((p) => p.kind === 'message');
    aMessages.forEach((a, i) => {
      const b = bMessages[i];
      if (!samePiece(a, b)) sections.push(section(`message ${i + 1}`, a, b, true));
    });
    const aFields = skeleton(before);
    const bFields = skeleton(after);
    if (aFields !== bFields) sections.push({ name: 'fields', parent: aFields, turn: bFields, cacheNeutral: false });
    return { parentId: parent.id, sections };
  }

  #answer(row: TurnRow): string | null {
    const assembled = row.body_format === 2 ? (row.assembled_packed && unpackText(row.assembled_packed)) : row.assembled;
    if (assembled) return assembled;
    const response = row.body_format === 2 ? (row.response_packed && unpackText(row.response_packed)) : row.response_body;
    // A stream's raw SSE is not a message; an error answered before streaming is JSON.
    return response && response.trimStart().startsWith('{') ? response : null;
  }

  #pieces(row: TurnRow, which: 'original' | 'forwarded'): Piece[] {
    if (row.body_format !== 2) {
      const body = which === 'original' ? row.original_body : (row.forwarded_body ?? row.original_body);
      if (body === null) return [];
      const bytes = Buffer.from(body, 'utf8');
      return splitBody(bytes).segments.map((s) => ({
        kind: s.kind === 'glue' ? 'glue' : s.part,
        id: null,
        bytes: () => bytes.subarray(s.start, s.end),
      }));
    }
    // No forwarded manifest: the original went upstream as it was (its hash is kept) or nothing did.
    const manifest = which === 'original' ? row.original_manifest : (row.forwarded_manifest ?? (row.forwarded_sha ? row.original_manifest : null));
    if (manifest === null) return [];
    const entries = decodeManifest(manifest);
    const ids = entries.flatMap(entryParts);
    const kinds = new Map(this.#kinds.all(JSON.stringify(ids)).map((r) => [r.id, r.kind as PartKind]));
    return entries.map((e): Piece => {
      if (isGlue(e)) {
        const glue = Buffer.from(e);
        return { kind: 'glue', id: null, bytes: () => glue };
      }
      // An edited part is its own piece: compared by its bytes, not by the part it edits.
      if (isEditedPart(e)) return { kind: kinds.get(e.part) ?? 'value', id: null, bytes: () => this.#parts.entry(e) };
      return { kind: kinds.get(e) ?? 'value', id: e, bytes: () => this.#parts.part(e) };
    });
  }
}
