import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { errors, ProxyError } from './errors.js';

/** Reads the whole request body, refusing more than `limit` bytes with a 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    const length = req.headers['content-length'];
    return await getRawBody(req, { limit, ...(length !== undefined ? { length } : {}) });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw errors.bodyTooLarge(limit);
    if (type === 'request.aborted') {
      throw new ProxyError('CLIENT_ABORTED', 'Client closed the connection while sending the body.', { status: 499, cause: err });
    }
    throw errors.invalidRequest(`Could not read the request body: ${(err as Error).message}`);
  }
}

export type JsonObject = Record<string, unknown>;

/** JSON object bodies only: the Messages API takes nothing else. */
export function parseJsonObject(raw: Buffer): JsonObject {
  return parseJsonText(raw.toString('utf8'));
}

/** As parseJsonObject, for a body already decoded (decoding 100 KB of UTF-8 costs as much as parsing it). */
export function parseJsonText(text: string): JsonObject {
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
