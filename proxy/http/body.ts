import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { fromBinary, onlyAsciiEscapes, toBinary } from '../lib/binary-json.js';
import { errors } from './errors.js';
import { applyModifier } from '../modifier/modifier.js';
import { stringifyJson } from '../lib/walk.js';

/** Reads the whole request body, refusing more than `limit` bytes with a 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    const length = req.headers['content-length'];
    return await getRawBody(req, { limit, ...(length !== undefined ? { length } : {}) });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw errors.bodyTooLarge(limit);
    if (type === 'request.aborted') {
      throw errors.clientAborted('while sending the body', err);
    }
    throw errors.invalidRequest(`Could not read the request body: ${(err as Error).message}`);
  }
}

export type JsonObject = Record<string, unknown>;

/** JSON object bodies only: the Messages API takes nothing else. */
export function parseJsonObject(raw: Buffer): JsonObject {
  return parseJsonText(raw.toString('utf8'));
}

function parseJsonText(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw errors.invalidJson((err as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.invalidRequest('Request body must be a JSON object.');
  }
  return value as JsonObject;
}

/** What the Messages route needs from a request body. */
export interface PreparedBody {
  model: string | null;
  stream: boolean;
  modified: boolean;
  /** The bytes to forward: `raw` itself when the modifier changed nothing. */
  forwarded: Buffer;
}

/**
 * Parses a Messages request and applies the modifier. The result is always exactly what
 * decoding `raw` as UTF-8, JSON.parse, applyModifier and UTF-8-encoding JSON.stringify
 * give, but most bodies take a faster road to it: parsed as binary JSON (binary-json.ts),
 * modified with the modifier's own bytes, and stringified; stringify writes those
 * characters back unchanged and encoding as Latin-1 restores the very bytes. For a 100 KB
 * prompt with some non-ASCII this halves the main thread's work and the garbage.
 *
 * The binary road is only taken when it cannot differ: the body is valid UTF-8, it has no
 * \u escape above U+007F, and the modifier text has no lone surrogate (stringify escapes
 * those; UTF-8 cannot carry them). Anything that fails to parse is parsed again the
 * ordinary way, so errors read the same.
 */
export function prepareMessagesBody(raw: Buffer, modifierText: string): PreparedBody {
  if (binaryRoadIsExact(raw, modifierText)) {
    const prepared = prepareBinary(raw, modifierText);
    if (prepared) return prepared;
  }
  const parsed = parseJsonText(raw.toString('utf8'));
  const result = applyModifier(parsed, modifierText);
  return {
    model: typeof parsed.model === 'string' ? parsed.model : null,
    stream: parsed.stream === true,
    modified: result.modified,
    forwarded: result.modified ? Buffer.from(stringifyJson(result.body)!) : raw,
  };
}

const LONE_SURROGATE = /\p{Cs}/u;

/** Exported for tests: whether the binary road gives exactly the ordinary result. */
export function binaryRoadIsExact(raw: Buffer, modifierText: string): boolean {
  return !LONE_SURROGATE.test(modifierText) && isUtf8(raw) && onlyAsciiEscapes(raw.toString('latin1'));
}

let lastModifier = { text: '', binary: '' };

function prepareBinary(raw: Buffer, modifierText: string): PreparedBody | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('latin1'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const body = parsed as JsonObject;
  if (lastModifier.text !== modifierText) lastModifier = { text: modifierText, binary: toBinary(modifierText) };
  const result = applyModifier(body, lastModifier.binary);
  return {
    model: typeof body.model === 'string' ? fromBinary(body.model) : null,
    stream: body.stream === true,
    modified: result.modified,
    forwarded: result.modified ? Buffer.from(stringifyJson(result.body)!, 'latin1') : raw,
  };
}
