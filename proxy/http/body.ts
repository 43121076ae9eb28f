import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { errors, type ProxyError } from './errors.js';
import { bodyPool } from '../lib/buffer-pool.js';
import { joinShared } from '../lib/shared-bytes.js';
import { applyModifier } from '../modifier/modifier.js';
import type { ScanMemo } from '../modifier/scan-memo.js';
import { spliceMessagesBody, type SplicedBody } from '../modifier/splice.js';
import { stringifyJson } from '../lib/walk.js';

const unreadable = (why: string): ProxyError => errors.invalidRequest(`Could not read the request body: ${why}`);

/**
 * Reads the whole request body, refusing more than `limit` bytes with a 413. The body is
 * returned in shared memory from the body pool (buffer-pool.ts), with the caller as holder.
 * A body of declared length is read straight into it; a chunked one through raw-body, whose
 * own buffer is garbage at once.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = declaredLength(req);
  if (declared !== null && declared <= limit) return readDeclared(req, declared);
  try {
    const length = req.headers['content-length'];
    return joinShared([await getRawBody(req, { limit, ...(length !== undefined ? { length } : {}) })]);
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw errors.bodyTooLarge(limit);
    if (type === 'request.aborted') {
      throw errors.clientAborted('while sending the body', err);
    }
    throw unreadable((err as Error).message);
  }
}

/** Node's parser has already refused a malformed or doubled content-length. */
function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers['content-length'];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
}

/**
 * A body of known length, copied chunk by chunk into one pooled buffer: raw-body would keep
 * the chunks until the end and join them into a buffer of its own first. Node's parser
 * delivers no more than the declared length; fewer means the client went away.
 */
function readDeclared(req: IncomingMessage, length: number): Promise<Buffer> {
  const out = bodyPool.take(length);
  let at = 0;
  return new Promise((resolve, reject) => {
    const detach = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const fail = (err: Error): void => {
      detach();
      bodyPool.release(out);
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      if (at + chunk.length > length) return fail(unreadable('it is longer than its content-length.'));
      out.set(chunk, at);
      at += chunk.length;
    };
    const onEnd = (): void => {
      if (at !== length) return fail(errors.clientAborted('while sending the body'));
      detach();
      resolve(out);
    };
    const onError = (err: Error): void =>
      fail((err as { code?: string }).code === 'ECONNRESET' ? errors.clientAborted('while sending the body', err) : unreadable(err.message));
    const onClose = (): void => {
      if (!req.complete) fail(errors.clientAborted('while sending the body'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
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
