import { errors } from '../http/errors.js';
import { isRecord } from '../lib/json.js';

export type Json = Record<string, unknown>;

export { isRecord };

/** OpenAI treats an explicit `null` like an absent field, so the translators do too. */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function expectString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw errors.invalidRequest(`'${param}' must be a string.`, param);
  return value;
}

export function expectBoolean(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') throw errors.invalidRequest(`'${param}' must be a boolean.`, param);
  return value;
}

export function expectNumber(value: unknown, param: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw errors.invalidRequest(`'${param}' must be a number from ${min} to ${max}.`, param);
  }
  return value;
}

export function expectPositiveInt(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw errors.invalidRequest(`'${param}' must be a positive integer.`, param);
  }
  return value;
}

export function expectRecord(value: unknown, param: string): Json {
  if (!isRecord(value)) throw errors.invalidRequest(`'${param}' must be an object.`, param);
  return value;
}

export function expectArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw errors.invalidRequest(`'${param}' must be an array.`, param);
  return value;
}
