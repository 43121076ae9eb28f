import type { ExchangeDetail } from '../../proxy/contract/operations.js';
import type { ExchangeRecord } from '../../proxy/contract/types.js';

/** The stored record alone, as Copy JSON and the export write it: the detail's bookkeeping
 * (`omitted`, `bodyBytes`) describes one transfer, not the exchange. */
export function toRecord(detail: ExchangeDetail): ExchangeRecord {
  const { omitted, bodyBytes, ...record } = detail;
  void omitted;
  void bodyBytes;
  return record;
}
