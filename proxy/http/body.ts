import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { errors } from './errors.js';
import { joinShared } from '../lib/shared-bytes.js';
import { applyModifier } from '../modifier/modifier.js';
import type { ScanMemo } from '../modifier/scan-memo.js';
import { spliceMessagesBody, type SplicedBody } from '../modifier/splice.js';
import { stringifyJson } from '../lib/walk.js';

/**
 * Reads the whole request body, refusing more than `limit` bytes with a 413. The body is
 * returned in shared memory (see shared-bytes.ts); raw-body's own buffer is garbage at once.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    const length = req.headers['content-length'];
    return joinShared([await getRawBody(req, { limit, ...(length !== undefined ? { length } : {}) })]);
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

/** What the Messages route needs from a request body: the byte road's result, which the
 * parsed road gives too. */
export type PreparedBody = SplicedBody;

/**
 * Applies the modifier to a Messages request. Nearly every body takes the byte road
 * (modifier/splice.ts): one validating scan and a splice, no decode, parse or stringify.
 * Anything it is unsure of, invalid JSON included, takes the parsed road, so errors read
 * the same as ever.
 */
export function prepareMessagesBody(raw: Buffer, modifierText: string, memo?: ScanMemo): PreparedBody {
  return spliceMessagesBody(raw, modifierText, memo) ?? prepareByParsing(raw, modifierText);
}

/** The parsed road: decode as UTF-8, JSON.parse, applyModifier, JSON.stringify, encode. The
 * byte road gives these very bytes for a body in JSON.stringify's form (Claude Code's are),
 * and for any other body bytes that parse to the same value. */
export function prepareByParsing(raw: Buffer, modifierText: string): PreparedBody {
  const parsed = parseJsonText(raw.toString('utf8'));
  const result = applyModifier(parsed, modifierText);
  return {
    model: typeof parsed.model === 'string' ? parsed.model : null,
    stream: parsed.stream === true,
    modified: result.modified,
    forwarded: result.modified ? Buffer.from(stringifyJson(result.body)!) : raw,
    edits: null,
  };
}
