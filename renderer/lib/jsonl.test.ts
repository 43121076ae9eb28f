import { describe, expect, it } from 'vitest';
import type { ExchangeDetail } from '../../proxy/contract/operations.js';
import type { ExchangeSummary, HistoryQuery } from '../../proxy/contract/types.js';
import { makeRecord, toDetail, toSummary } from '../test/fixtures.js';
import { collectSummaries, exportFileName, ExportAbortedError, exportJsonl, toJsonl } from './jsonl.js';

function summary(id: string): ExchangeSummary {
  return toSummary(makeRecord(id));
}

function fakeApi(ids: string[], pageSize: number) {
  const queries: HistoryQuery[] = [];
  return {
    queries,
    listHistory: async (q: HistoryQuery) => {
      queries.push(q);
      const start = q.cursor ? Number(q.cursor) : 0;
      const items = ids.slice(start, start + pageSize).map(summary);
      const next = start + pageSize < ids.length ? String(start + pageSize) : null;
      return { items, nextCursor: next };
    },
    entryArgs: [] as Array<{ id: string; maxBodyBytes?: number }>,
    getHistoryEntry(arg: { id: string; maxBodyBytes?: number }): Promise<ExchangeDetail | null> {
      this.entryArgs.push(arg);
      return Promise.resolve(arg.id === 'gone' ? null : toDetail(makeRecord(arg.id, { originalBody: `{"id":"${arg.id}"}` }), arg.maxBodyBytes));
    },
  };
}

describe('exportJsonl', () => {
  it('walks every page with the filter and writes one full record per line, in order', async () => {
    const api = fakeApi(['a', 'b', 'c', 'd', 'e'], 2);
    const progress: Array<[number, number | null]> = [];
    const text = await exportJsonl(api, { model: 'm', statusClass: '2xx' }, { pageSize: 2, onProgress: (d, t) => progress.push([d, t]) });
    expect(api.queries.map((q) => q.cursor)).toEqual([null, '2', '4']);
    expect(api.queries.every((q) => q.model === 'm' && q.statusClass === '2xx' && q.limit === 2)).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; originalBody: string });
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(lines[0]!.originalBody).toBe('{"id":"a"}');
    expect(text.endsWith('\n')).toBe(true);
    expect(progress.at(-1)).toEqual([5, 5]);
  });

  it('asks for every body in full and writes records without the transfer bookkeeping', async () => {
    const api = fakeApi(['a'], 10);
    const line = JSON.parse(await exportJsonl(api, {})) as Record<string, unknown>;
    expect(api.entryArgs).toEqual([{ id: 'a' }]);
    expect(Object.keys(line).sort()).toEqual(Object.keys(makeRecord('a')).sort());
  });

  it('leaves out rows deleted during the export', async () => {
    const text = await exportJsonl(fakeApi(['a', 'gone', 'b'], 10), {});
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('produces an empty file for an empty history', async () => {
    expect(await exportJsonl(fakeApi([], 10), {})).toBe('');
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(exportJsonl(fakeApi(['a'], 10), {}, { signal: controller.signal })).rejects.toBeInstanceOf(ExportAbortedError);
  });

  it('does not loop on a cursor the server repeats', async () => {
    const api = { listHistory: async () => ({ items: [summary('x')], nextCursor: 'same' }) };
    const items = await collectSummaries(api, {});
    expect(items.length).toBeLessThanOrEqual(2);
  });
});

it('formats JSON lines and a file name without colons', () => {
  expect(toJsonl([{ a: 1 }, 'x'])).toBe('{"a":1}\n"x"\n');
  expect(exportFileName(new Date('2026-03-04T05:06:07.891Z'))).toBe('addendum-history-2026-03-04T05-06-07Z.jsonl');
});
