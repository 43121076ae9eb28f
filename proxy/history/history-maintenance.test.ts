import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HistoryError } from './errors.js';
import { openHistory, SqliteHistory } from './index.js';
import { closeAfterEach, closeLater, DAY, roomy, setup, addAll, allIds, countRows } from './history-harness.js';
import { makeRecord } from './testing.js';

closeAfterEach();

describe('full-text search', () => {
  async function seeded() {
    const o = await setup();
    const body = (content: string) => JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content }] });
    const t = Date.now();
    await addAll(o.history, [
      makeRecord({ id: 'refactor', startedAt: t + 1, originalBody: body('Please refactor the parser\nthen add tests'), forwardedBody: body('Please refactor the parser\nthen add tests') }),
      makeRecord({
        id: 'modified',
        startedAt: t + 2,
        modified: true,
        originalBody: body('What is the capital of France?'),
        forwardedBody: body('What is the capital of France?\n\nAnswer like a pirate.'),
      }),
      makeRecord({
        id: 'streamed',
        startedAt: t + 3,
        stream: true,
        responseBody: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"raw"}}\n\n',
        assembled: JSON.stringify({ type: 'message', content: [{ type: 'text', text: 'Ahoy, the capital be Paris, matey' }] }),
      }),
      makeRecord({
        id: 'sse-only',
        startedAt: t + 4,
        stream: true,
        assembled: null,
        responseBody:
          'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Serendi"}}\n\n' +
          'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"pity strikes"}}\n\n',
      }),
      makeRecord({ id: 'accents', startedAt: t + 5, originalBody: body('Crème brûlée recipe, naïve café 日本語') }),
    ]);
    return o;
  }

  it('searches the original body and the response, not the appended text of the forwarded body', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { text: 'refactor parser' })).toEqual(['refactor']);
    expect(await allIds(history, { text: 'tests' })).toEqual(['refactor']);
    expect(await allIds(history, { text: 'pirate' })).toEqual([]);
    expect(await allIds(history, { text: 'capital' })).toEqual(['streamed', 'modified']);
    expect(await allIds(history, { text: 'matey' })).toEqual(['streamed']);
    expect(await allIds(history, { text: 'serendipity' })).toEqual(['sse-only']);
    expect(await allIds(history, { text: 'raw' })).toEqual([]);
  });

  it('matches prefixes and ignores case and accents', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { text: 'REFACT' })).toEqual(['refactor']);
    expect(await allIds(history, { text: 'creme brulee' })).toEqual(['accents']);
    expect(await allIds(history, { text: 'naïve' })).toEqual(['accents']);
    expect(await allIds(history, { text: '日本語' })).toEqual(['accents']);
  });

  it('combines text with other filters', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { text: 'capital', statusClass: '2xx', model: 'claude-sonnet-4-5' })).toEqual(['streamed', 'modified']);
    expect(await allIds(history, { text: 'capital', model: 'other' })).toEqual([]);
  });

  it('answers hostile input with results or nothing, never an error', async () => {
    const { history } = await seeded();
    const hostile = [
      '"', "'", '""""', "'; DROP TABLE exchanges; --", 'capital OR 1=1', 'NOT capital', 'capital AND', 'NEAR(capital paris)', '(', ')',
      'original:capital', '*', 'capi*', '^capital', '-capital', '{original}: x', '\\', '\u0000', '\ud800', '🏴‍☠️', 'a'.repeat(5000),
      '%', '_', 'SELECT * FROM exchanges', '\n\t',
    ];
    for (const text of hostile) {
      await expect(history.list({ text }), JSON.stringify(text)).resolves.toHaveProperty('items');
    }
    expect(await allIds(history, { text: 'NOT capital' })).toEqual([]);
    expect(await allIds(history, { text: '-capital' })).toEqual(['streamed', 'modified']);
    expect(await allIds(history, { text: '---' })).toEqual([]);
    expect(await allIds(history)).toHaveLength(5);
  });

  it('forgets deleted rows in the index', async () => {
    const { history } = await seeded();
    expect(await history.delete('modified')).toBe(true);
    expect(await allIds(history, { text: 'capital' })).toEqual(['streamed']);
    // A new row reusing the text is found, and only it.
    await addAll(history, [makeRecord({ id: 'again', originalBody: '{"content":"pirate again"}' })]);
    expect(await allIds(history, { text: 'pirate' })).toEqual(['again']);
  });
});

describe('retention', () => {
  it('keeps only the newest maxRows rows as rows are added', async () => {
    const { history, changes } = await setup({ retention: { maxRows: 10, maxAgeDays: 30 } });
    const now = Date.now();
    const records = Array.from({ length: 25 }, (_, i) => makeRecord({ id: `r-${String(i).padStart(2, '0')}`, startedAt: now - 25_000 + i * 1000 }));
    await addAll(history, records);
    expect(await allIds(history)).toEqual(records.slice(15).reverse().map((r) => r.id));
    const deleted = changes.filter((c) => c.kind === 'deleted').flatMap((c) => c.ids);
    expect(deleted.sort()).toEqual(records.slice(0, 15).map((r) => r.id));
  });

  it('drops rows older than maxAgeDays', async () => {
    const { history } = await setup({ retention: { maxRows: 1000, maxAgeDays: 2 } });
    const now = Date.now();
    await addAll(history, [
      makeRecord({ id: 'ancient', startedAt: now - 10 * DAY }),
      makeRecord({ id: 'old', startedAt: now - 2 * DAY - 60_000 }),
      makeRecord({ id: 'recent', startedAt: now - DAY }),
      makeRecord({ id: 'now', startedAt: now }),
    ]);
    expect(await allIds(history)).toEqual(['now', 'recent']);
  });

  it('applies new limits at once when changed at runtime', async () => {
    const { history, changes } = await setup();
    const now = Date.now();
    await addAll(history, Array.from({ length: 8 }, (_, i) => makeRecord({ id: `s-${i}`, startedAt: now - i * DAY })));
    history.setRetention({ maxRows: 5, maxAgeDays: 30 });
    await history.flush();
    expect(await allIds(history)).toEqual(['s-0', 's-1', 's-2', 's-3', 's-4']);
    history.setRetention({ maxRows: 5, maxAgeDays: 2.5 });
    await history.flush();
    expect(await allIds(history)).toEqual(['s-0', 's-1', 's-2']);
    expect(changes.filter((c) => c.kind === 'deleted').flatMap((c) => c.ids).sort()).toEqual(['s-3', 's-4', 's-5', 's-6', 's-7']);
    // And they hold for later batches too.
    await addAll(history, [makeRecord({ id: 's-new', startedAt: now + 1 }), makeRecord({ id: 's-older', startedAt: now - 3 * DAY })]);
    expect(await allIds(history)).toEqual(['s-new', 's-0', 's-1', 's-2']);
  });

  it('applies retention on open to rows that aged while the app was closed', async () => {
    const first = await setup();
    await addAll(first.history, [makeRecord({ id: 'aged', startedAt: Date.now() - 5 * DAY }), makeRecord({ id: 'fresh' })]);
    await first.history.close();
    const reopened = await openHistory({ dataDir: first.dataDir, retention: { maxRows: 100, maxAgeDays: 1 } });
    closeLater(reopened);
    expect(await allIds(reopened)).toEqual(['fresh']);
  });
});

describe('stats', () => {
  it('groups requests, errors and usage by UTC day and model over the last N days', async () => {
    const { history } = await setup();
    const now = Date.UTC(2025, 5, 15, 12, 0, 0);
    const at = (day: number, hour: number) => Date.UTC(2025, 5, day, hour, 30);
    const usage = (input: number, output: number, cacheRead = 0, cacheCreation = 0) => ({ input, output, cacheRead, cacheCreation });
    await addAll(history, [
      makeRecord({ startedAt: at(15, 0), model: 'sonnet', usage: usage(10, 1, 5, 2) }),
      makeRecord({ startedAt: at(15, 11), model: 'sonnet', usage: usage(20, 2) }),
      makeRecord({ startedAt: at(15, 11), model: 'opus', usage: null, status: 529, outcome: 'upstream_error' }),
      makeRecord({ startedAt: at(14, 23), model: 'sonnet', usage: usage(100, 10), status: null, outcome: 'proxy_error' }),
      makeRecord({ startedAt: at(13, 1), model: null, usage: usage(1, 1) }),
      makeRecord({ startedAt: at(12, 22), model: 'sonnet', usage: usage(1000, 1000) }), // outside a 3-day window
    ]);
    const stats = await history.stats({ days: 3, now });
    expect(stats.rows).toEqual([
      { day: '2025-06-13', model: null, requests: 1, errors: 0, usage: usage(1, 1) },
      { day: '2025-06-14', model: 'sonnet', requests: 1, errors: 1, usage: usage(100, 10) },
      { day: '2025-06-15', model: 'opus', requests: 1, errors: 1, usage: usage(0, 0) },
      { day: '2025-06-15', model: 'sonnet', requests: 2, errors: 0, usage: usage(30, 3, 5, 2) },
    ]);
    expect(stats.totals).toEqual({ requests: 5, errors: 2, usage: usage(131, 14, 5, 2) });
    const wider = await history.stats({ days: 4, now });
    expect(wider.totals.requests).toBe(6);
    const empty = await history.stats({ days: 1, now: Date.UTC(2030, 0, 1) });
    expect(empty).toEqual({ totals: { requests: 0, errors: 0, usage: usage(0, 0) }, rows: [] });
  });
});

describe('delete and clear', () => {
  it('deletes one row and reports it', async () => {
    const { history, changes } = await setup();
    await addAll(history, [makeRecord({ id: 'd1' }), makeRecord({ id: 'd2' })]);
    expect(await history.delete('d1')).toBe(true);
    expect(await history.delete('d1')).toBe(false);
    expect(await history.get('d1')).toBeNull();
    expect(await allIds(history)).toEqual(['d2']);
    expect(changes.filter((c) => c.kind === 'deleted')).toEqual([{ kind: 'deleted', ids: ['d1'] }]);
  });

  it('clears everything, including rows still queued before the call', async () => {
    const { history, changes } = await setup();
    await addAll(history, [makeRecord(), makeRecord()]);
    history.add(makeRecord());
    expect(await history.clear()).toBe(3);
    expect(await allIds(history)).toEqual([]);
    expect(await history.stats()).toMatchObject({ totals: { requests: 0 } });
    expect(changes.at(-1)).toEqual({ kind: 'cleared', ids: [] });
    await addAll(history, [makeRecord({ id: 'after-clear', originalBody: '{"q":"still searchable"}' })]);
    expect(await allIds(history, { text: 'searchable' })).toEqual(['after-clear']);
  });
});

describe('writer thread failures', () => {
  it('restarts a crashed writer and loses none of the queued records', async () => {
    const { history, errors } = await setup();
    const writer = (history as SqliteHistory).writer;
    const records = Array.from({ length: 500 }, (_, i) => makeRecord({ id: `crash-${i}` }));
    for (const r of records.slice(0, 250)) history.add(r);
    const first = writer.worker!;
    await first.terminate();
    for (const r of records.slice(250)) history.add(r);
    await history.flush();
    expect(writer.worker).not.toBe(first);
    expect(countRows(history.file)).toBe(500);
    expect((await allIds(history)).sort()).toEqual(records.map((r) => r.id).sort());
    expect(errors.some((e) => e instanceof HistoryError && e.code === 'HISTORY_WORKER_FAILED')).toBe(true);
    // Still fully working afterwards.
    expect(await history.delete('crash-0')).toBe(true);
    await addAll(history, [makeRecord({ id: 'after-crash' })]);
    expect(await history.get('after-crash')).not.toBeNull();
  });

  it('re-sends an operation the dead writer never answered', async () => {
    const { history } = await setup();
    await addAll(history, [makeRecord({ id: 'x1' })]);
    const writer = (history as SqliteHistory).writer;
    const dead = writer.worker!.terminate();
    const deleted = history.delete('x1');
    await dead;
    // Whether the dying writer ran it first is a race; either way it completes and the row is gone.
    expect(typeof (await deleted)).toBe('boolean');
    expect(await history.get('x1')).toBeNull();
  });
});

describe('close', () => {
  it('flushes pending records, is idempotent, and refuses later use without throwing from add', async () => {
    const { history, errors, dataDir } = await setup();
    for (let i = 0; i < 50; i++) history.add(makeRecord({ id: `c-${i}` }));
    await Promise.all([history.close(), history.close()]);
    await history.close();
    expect(countRows(history.file)).toBe(50);
    expect(() => history.add(makeRecord())).not.toThrow();
    expect(errors.at(-1)).toMatchObject({ code: 'HISTORY_CLOSED' });
    await expect(history.list({})).rejects.toMatchObject({ code: 'HISTORY_CLOSED' });
    await expect(history.get('c-1')).rejects.toMatchObject({ code: 'HISTORY_CLOSED' });
    await expect(history.delete('c-1')).rejects.toMatchObject({ code: 'HISTORY_CLOSED' });
    await expect(history.flush()).resolves.toBeUndefined();

    const again = await openHistory({ dataDir, retention: roomy });
    closeLater(again);
    expect(await allIds(again)).toHaveLength(50);
  });

  it('leaves no write-ahead log behind: the database file alone holds every row', async () => {
    const { history } = await setup();
    for (let i = 0; i < 20; i++) history.add(makeRecord({ id: `w-${i}` }));
    await history.flush();
    expect(statSync(`${history.file}-wal`).size).toBeGreaterThan(0);
    await history.close();
    const wal = `${history.file}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    expect(countRows(history.file)).toBe(20);
  });
});
