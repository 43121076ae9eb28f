import type { AddendumApi } from '../../proxy/contract/operations.js';
import { AddendumError } from '../../proxy/lib/errors.js';
import type { ExchangeRecord, ExchangeSummary, HistoryQuery } from '../../proxy/contract/types.js';
import { toRecord } from './detail.js';

export type HistoryFilter = Omit<HistoryQuery, 'cursor' | 'limit'>;

export interface ExportOptions {
  pageSize?: number;
  /** Concurrent detail fetches; small, so an export never starves the live view. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number | null) => void;
}

export class ExportAbortedError extends AddendumError<'EXPORT_ABORTED'> {
  constructor() {
    super('EXPORT_ABORTED', 'Export cancelled.');
  }
}

function check(signal?: AbortSignal) {
  if (signal?.aborted) throw new ExportAbortedError();
}

/** Every summary matching the filter, walking the cursor until the last page. */
export async function collectSummaries(api: Pick<AddendumApi, 'listHistory'>, filter: HistoryFilter, options: ExportOptions = {}): Promise<ExchangeSummary[]> {
  const out: ExchangeSummary[] = [];
  const seen = new Set<string | null>();
  let cursor: string | null = null;
  do {
    check(options.signal);
    const page = await api.listHistory({ ...filter, cursor, limit: options.pageSize ?? 200 });
    out.push(...page.items);
    options.onProgress?.(out.length, null);
    // A server that hands back a cursor it already gave would loop forever.
    if (page.nextCursor !== null && seen.has(page.nextCursor)) break;
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/** Full records (bodies and headers included) for the filter, one JSON object per line. */
export async function exportJsonl(api: Pick<AddendumApi, 'listHistory' | 'getHistoryEntry'>, filter: HistoryFilter, options: ExportOptions = {}): Promise<string> {
  const summaries = await collectSummaries(api, filter, options);
  const records: Array<ExchangeRecord | null> = new Array(summaries.length).fill(null);
  let next = 0;
  let done = 0;
  options.onProgress?.(0, summaries.length);
  const worker = async () => {
    while (next < summaries.length) {
      check(options.signal);
      const i = next++;
      // No maxBodyBytes: the export carries every body in full. Rows deleted while
      // exporting come back null and are left out.
      const detail = await api.getHistoryEntry({ id: summaries[i]!.id });
      records[i] = detail && toRecord(detail);
      done++;
      options.onProgress?.(done, summaries.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, summaries.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return toJsonl(records.filter((r): r is ExchangeRecord => r !== null));
}

export function toJsonl(items: readonly unknown[]): string {
  return items.map((item) => JSON.stringify(item)).join('\n') + (items.length > 0 ? '\n' : '');
}

export function exportFileName(now: Date): string {
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  return `addendum-history-${stamp}.jsonl`;
}
