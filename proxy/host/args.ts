/**
 * Operation arguments arrive from a page, so each is checked here, once, before the host
 * acts on it. Pure: a HostError (INVALID_ARGUMENT) names the field at fault.
 */
import { BODY_FIELDS, type BodyField } from '../contract/operations.js';
import type { HistoryQuery, ReplayRequest, SessionQuery, StatusClass } from '../contract/types.js';
import { MAX_STATS_DAYS } from '../history/reader.js';
import { AddendumError } from '../lib/errors.js';
import { isRecord } from '../lib/json.js';

export class HostError extends AddendumError<'INVALID_ARGUMENT'> {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx', 'error'];
const MAX_FILTER_CHARS = 1000;

function optionalText(obj: Record<string, unknown>, key: string): string | null | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return value as null | undefined;
  if (typeof value !== 'string') throw new HostError(`${key}: must be a string or null`);
  if (value.length > MAX_FILTER_CHARS) throw new HostError(`${key}: must be at most ${MAX_FILTER_CHARS} characters`);
  return value;
}

function optionalLimit(obj: Record<string, unknown>): number | undefined {
  const limit = obj.limit;
  if (limit === undefined || limit === null) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new HostError('limit: must be a positive whole number');
  }
  return limit;
}

export function parseHistoryQuery(arg: unknown): HistoryQuery {
  if (arg === undefined || arg === null) return {};
  if (!isRecord(arg)) throw new HostError('query: must be an object');
  const known = new Set(['cursor', 'limit', 'model', 'statusClass', 'path', 'text', 'session']);
  for (const key of Object.keys(arg)) if (!known.has(key)) throw new HostError(`${key}: is not a history filter`);
  const query: HistoryQuery = {};
  const assign = <K extends keyof HistoryQuery>(key: K, value: HistoryQuery[K] | undefined): void => {
    if (value !== undefined) query[key] = value;
  };
  assign('cursor', optionalText(arg, 'cursor'));
  assign('model', optionalText(arg, 'model'));
  assign('path', optionalText(arg, 'path'));
  assign('text', optionalText(arg, 'text'));
  assign('session', optionalText(arg, 'session'));
  assign('limit', optionalLimit(arg));
  if (arg.statusClass !== undefined && arg.statusClass !== null) {
    if (!STATUS_CLASSES.includes(arg.statusClass as StatusClass)) {
      throw new HostError(`statusClass: must be one of ${STATUS_CLASSES.join(', ')}`);
    }
    query.statusClass = arg.statusClass as StatusClass;
  } else if (arg.statusClass === null) {
    query.statusClass = null;
  }
  return query;
}

export function parseSessionQuery(arg: unknown): SessionQuery {
  if (arg === undefined || arg === null) return {};
  if (!isRecord(arg)) throw new HostError('query: must be an object');
  const known = new Set(['cursor', 'limit', 'client', 'model', 'text']);
  for (const key of Object.keys(arg)) if (!known.has(key)) throw new HostError(`${key}: is not a session filter`);
  const query: SessionQuery = {};
  const assign = <K extends keyof SessionQuery>(key: K, value: SessionQuery[K] | undefined): void => {
    if (value !== undefined) query[key] = value;
  };
  assign('cursor', optionalText(arg, 'cursor'));
  assign('client', optionalText(arg, 'client'));
  assign('model', optionalText(arg, 'model'));
  assign('text', optionalText(arg, 'text'));
  assign('limit', optionalLimit(arg));
  return query;
}

export function parseIdArg(arg: unknown): { id: string } {
  if (!isRecord(arg) || typeof arg.id !== 'string' || arg.id === '' || arg.id.length > 200) {
    throw new HostError('id: must be a non-empty string');
  }
  return { id: arg.id };
}

export function parseEntryArg(arg: unknown): { id: string; maxBodyBytes?: number } {
  const { id } = parseIdArg(arg);
  const limit = (arg as Record<string, unknown>).maxBodyBytes;
  if (limit === undefined || limit === null) return { id };
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw new HostError('maxBodyBytes: must be a whole number of bytes, 0 or more');
  }
  return { id, maxBodyBytes: limit };
}

export function parseBodyArg(arg: unknown): { id: string; field: BodyField } {
  const { id } = parseIdArg(arg);
  const field = (arg as Record<string, unknown>).field;
  if (!BODY_FIELDS.includes(field as BodyField)) {
    throw new HostError(`field: must be one of ${BODY_FIELDS.join(', ')}`);
  }
  return { id, field: field as BodyField };
}

export function parseStatsArg(arg: unknown): { days?: number } {
  if (arg === undefined || arg === null) return {};
  if (!isRecord(arg)) throw new HostError('stats: must be an object');
  if (arg.days === undefined || arg.days === null) return {};
  if (typeof arg.days !== 'number' || !Number.isInteger(arg.days) || arg.days < 1 || arg.days > MAX_STATS_DAYS) {
    throw new HostError(`days: must be a whole number from 1 to ${MAX_STATS_DAYS}`);
  }
  return { days: arg.days };
}

/** An edited replay body is far below the proxy's body limit in practice; this only stops absurd input. */
const MAX_REPLAY_BODY_CHARS = 64 * 1024 * 1024;

export function parseReplayArg(arg: unknown): ReplayRequest {
  const { id } = parseIdArg(arg);
  const { body, modifier } = arg as Record<string, unknown>;
  if (typeof modifier !== 'boolean') throw new HostError('modifier: must be true or false');
  if (body === undefined || body === null) return { id, modifier };
  if (typeof body !== 'string') throw new HostError('body: must be a string of JSON');
  if (body.length > MAX_REPLAY_BODY_CHARS) throw new HostError(`body: must be at most ${MAX_REPLAY_BODY_CHARS} characters`);
  try {
    JSON.parse(body);
  } catch (e) {
    throw new HostError(`body: is not valid JSON (${(e as Error).message})`);
  }
  return { id, body, modifier };
}

export function parseTurnArg(arg: unknown): { exchangeId: string; prefix: boolean } {
  if (!isRecord(arg)) throw new HostError('turn: must be an object');
  const { id } = parseIdArg({ id: arg.exchangeId });
  if (arg.prefix !== undefined && arg.prefix !== null && typeof arg.prefix !== 'boolean') throw new HostError('prefix: must be true or false');
  return { exchangeId: id, prefix: arg.prefix === true };
}
