/**
 * What the detail view of one exchange receives: the stored record with its large bodies
 * left out, so opening a row costs kilobytes even when the raw response is megabytes.
 * Pure, so the policy is tested without a database.
 */
import { BODY_FIELDS, type BodyField, type ExchangeDetail } from './operations.js';
import type { ExchangeRecord } from './types.js';

export function bodyBytes(record: ExchangeRecord): Record<BodyField, number> {
  const sizes = {} as Record<BodyField, number>;
  for (const field of BODY_FIELDS) {
    const text = record[field];
    sizes[field] = text === null ? 0 : Buffer.byteLength(text, 'utf8');
  }
  return sizes;
}

/** Nulls every body whose UTF-8 size exceeds `maxBodyBytes` and names it in `omitted`;
 * without a limit every body stays. The input is not modified. */
export function toDetail(record: ExchangeRecord, maxBodyBytes?: number): ExchangeDetail {
  const sizes = bodyBytes(record);
  const detail: ExchangeDetail = { ...record, omitted: [], bodyBytes: sizes };
  if (maxBodyBytes === undefined) return detail;
  for (const field of BODY_FIELDS) {
    if (record[field] !== null && sizes[field] > maxBodyBytes) {
      detail[field] = null;
      detail.omitted.push(field);
    }
  }
  return detail;
}
