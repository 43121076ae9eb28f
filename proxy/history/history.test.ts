import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord, RetentionSettings } from '../contract/types.js';
import { HistoryError } from './errors.js';
import { openHistory, SqliteHistory, type History, type HistoryOptions } from './index.js';
import { makeRecord, tempDir } from './testing.js';

const DAY = 86_400_000;
const roomy: RetentionSettings = { maxRows: 100_000, maxAgeDays: 3650 };

interface Opened {
  history: History;
  errors: Error[];
  changes: Array<{ ids: string[]; kind: string }>;
  dataDir: string;
}

const open: Array<History> = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  for (const c of cleanups.splice(0)) c();
});

async function setup(options: Partial<HistoryOptions> = {}): Promise<Opened> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const errors: Error[] = [];
  const changes: Opened['changes'] = [];
  const history = await openHistory({
    dataDir: t.dir,
    retention: roomy,
    onError: (e) => errors.push(e),
    onChange: (c) => changes.push(c),
    ...options,
  });
  open.push(history);
  return { history, errors, changes, dataDir: t.dir };
}

async function addAll(history: History, records: ExchangeRecord[]): Promise<void> {
  for (const r of records) history.add(r);
  await history.flush();
}

/** Every id, newest first, by walking all pages. */
async function allIds(history: History, query: Parameters<History['list']>[0] = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await history.list({ ...query, cursor, limit: 500 });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

function countRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('writing and reading back', () => {
  it('round-trips every field of a record', async () => {
    const { history } = await setup();
    const full: ExchangeRecord = {
      id: '0190f3c2a1b4-0003-9f2c1d',
      startedAt: 1_760_000_000_123,
      ttfbMs: 321,
      durationMs: 4567,
      method: 'POST',
      path: '/openai/v1/chat/completions?x=1',
      dialect: 'openai',
      model: 'claude-opus-4-1',
      stream: true,
      status: 529,
      outcome: 'upstream_error',
      stopReason: 'max_tokens',
      usage: { input: 1200, output: 340, cacheRead: 1000, cacheCreation: 56 },
      error: 'UPSTREAM_STREAM_ERROR: Upstream stream failed: overloaded',
      userAgent: 'Anthropic/JS 0.60.0',
      modified: true,
      requestHeaders: { 'anthropic-version': '2023-06-01', 'x-api-key': '[redacted]', 'x-ünïcode': 'välue' },
      originalBody: '{"messages":[{"role":"user","content":"héllo ✓"}]}',
      forwardedBody: '{"messages":[{"role":"user","content":"héllo ✓\\n\\nBe brief."}]}',
      responseHeaders: { 'request-id': 'req_011', 'retry-after': '3' },
      responseBody: 'event: message_start\ndata: {"type":"message_start"}\n\n',
      responseTruncated: true,
      assembled: '{"type":"message","content":[{"type":"text","text":"hi"}]}',
    };
    const sparse = makeRecord({
      id: 'sparse',
      ttfbMs: null,
      durationMs: null,
      model: null,
      status: null,
      outcome: 'proxy_error',
      stopReason: null,
      usage: null,
      error: 'UPSTREAM_UNREACHABLE: refused',
      userAgent: null,
      requestHeaders: {},
      originalBody: null,
      forwardedBody: null,
      responseHeaders: {},
      responseBody: null,
      assembled: null,
    });
    expect(history.add(full)).toBeUndefined();
    history.add(sparse);
    await history.flush();
    expect(await history.get(full.id)).toEqual(full);
    expect(await history.get('sparse')).toEqual(sparse);
    expect(await history.get('missing')).toBeNull();
  });

  it('lists summaries without bodies, with byte sizes of the stored bodies', async () => {
    const { history } = await setup();
    const r = makeRecord({ originalBody: 'é'.repeat(10), forwardedBody: '✓', responseBody: 'abc', assembled: null });
    await addAll(history, [r]);
    const [item] = (await history.list({})).items;
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty('originalBody');
    expect(item).not.toHaveProperty('requestHeaders');
    expect(item!.sizes).toEqual({ original: 20, forwarded: 3, response: 3, assembled: 0 });
    const { requestHeaders, originalBody, forwardedBody, responseHeaders, responseBody, assembled, ...summary } = r;
    expect(item).toEqual({ ...summary, sizes: item!.sizes });
  });

  it('stores whole milliseconds for fractional timings', async () => {
    const { history } = await setup();
    await addAll(history, [makeRecord({ id: 'frac', ttfbMs: 12.6, durationMs: 99.4, startedAt: 1_750_000_000_000.7 })]);
    expect(await history.get('frac')).toMatchObject({ ttfbMs: 13, durationMs: 99, startedAt: 1_750_000_000_001 });
  });

  it('add returns synchronously and commits all of 2000 records with 50 KB bodies', async () => {
    const { history, errors, changes } = await setup();
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'lorem ipsum '.repeat(4300) }] });
    expect(body.length).toBeGreaterThan(50_000);
    const base = Date.now();
    for (let i = 0; i < 2000; i++) {
      const result: unknown = history.add(makeRecord({ id: `bulk-${i}`, startedAt: base + i, originalBody: body, forwardedBody: body, responseBody: body }));
      expect(result).toBeUndefined();
    }
    await history.flush();
    // 300 MB in one synchronous burst is past the backlog limit: every row is written, the
    // later ones without bodies, and that is reported once (see backlog.test.ts).
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/recorded without bodies/)]);
    expect((await history.get('bulk-0'))?.originalBody).toBe(body);
    expect(countRows(history.file)).toBe(2000);
    const page = await history.list({ limit: 10_000 });
    expect(page.items).toHaveLength(500);
    expect(page.items[0]!.id).toBe('bulk-1999');
    expect(new Set(changes.filter((c) => c.kind === 'added').flatMap((c) => c.ids)).size).toBe(2000);
    // Batched: far fewer commits than records.
    expect(changes.length).toBeLessThan(2000);
  });

  it('never throws from add, even for a record that cannot be stored', async () => {
    const { history, errors } = await setup();
    const unclonable = { ...makeRecord({ id: 'bad' }), extra: () => 1 } as unknown as ExchangeRecord;
    expect(() => history.add(unclonable)).not.toThrow();
    const invalid = { ...makeRecord({ id: 'invalid' }), method: undefined } as unknown as ExchangeRecord;
    expect(() => history.add(invalid)).not.toThrow();
    history.add(makeRecord({ id: 'good' }));
    await history.flush();
    expect(await history.get('good')).not.toBeNull();
    expect(await history.get('bad')).toBeNull();
    expect(await history.get('invalid')).toBeNull();
    expect(errors.map((e) => (e as HistoryError).code)).toEqual(['HISTORY_WRITE_FAILED', 'HISTORY_WRITE_FAILED']);
    expect(errors[1]!.message).toMatch(/invalid/);
  });

  it('reports added ids through onChange after each commit', async () => {
    const { history, changes } = await setup();
    await addAll(history, [makeRecord({ id: 'a1' }), makeRecord({ id: 'a2' })]);
    expect(changes.flatMap((c) => (c.kind === 'added' ? c.ids : []))).toEqual(['a1', 'a2']);
  });

  it('lists distinct models', async () => {
    const { history } = await setup();
    await addAll(history, [makeRecord({ model: 'b' }), makeRecord({ model: 'a' }), makeRecord({ model: 'b' }), makeRecord({ model: null })]);
    expect(await history.models()).toEqual(['a', 'b']);
  });
});

describe('pagination', () => {
  it('pages newest first and stays stable while rows are added between pages', async () => {
    const { history } = await setup();
    const base = 1_700_000_000_000;
    // Pairs share a start time, so the rowid tie-break is exercised at page edges.
    const initial = Array.from({ length: 101 }, (_, i) => makeRecord({ id: `p-${String(i).padStart(3, '0')}`, startedAt: base + Math.floor(i / 2) * 1000 }));
    await addAll(history, initial);
    const expected = [...initial].reverse().map((r) => r.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const result = await history.list({ cursor, limit: 7 });
      expect(result.items.length).toBeLessThanOrEqual(7);
      seen.push(...result.items.map((i) => i.id));
      cursor = result.nextCursor;
      // New traffic while the user scrolls: a fresh exchange, and a long one that started
      // earlier but finished (was added) only now.
      await addAll(history, [
        makeRecord({ id: `new-${page}`, startedAt: base + 10_000_000 + page }),
        makeRecord({ id: `late-${page}`, startedAt: base + 20_500 }),
      ]);
      page++;
    } while (cursor);

    const original = seen.filter((id) => id.startsWith('p-'));
    expect(original).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.some((id) => id.startsWith('new-'))).toBe(false);
  });

  it('returns no cursor on the last page and clamps the limit', async () => {
    const { history } = await setup();
    await addAll(history, Array.from({ length: 3 }, () => makeRecord()));
    expect((await history.list({ limit: 3 })).nextCursor).toBeNull();
    expect((await history.list({ limit: 2 })).nextCursor).not.toBeNull();
    expect((await history.list({ limit: 0 })).items).toHaveLength(1);
    expect((await history.list({})).items).toHaveLength(3);
  });

  it('rejects a cursor it did not produce with a typed error', async () => {
    const { history } = await setup();
    for (const cursor of ['garbage', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1.5,2]').toString('base64url')]) {
      await expect(history.list({ cursor })).rejects.toMatchObject({ code: 'HISTORY_BAD_CURSOR' });
    }
  });
});

describe('filters', () => {
  async function seeded() {
    const o = await setup();
    const t = 1_700_000_000_000;
    await addAll(o.history, [
      makeRecord({ id: 'ok-sonnet', startedAt: t + 1, model: 'claude-sonnet-4-5', status: 200 }),
      makeRecord({ id: 'ok-opus', startedAt: t + 2, model: 'claude-opus-4-1', status: 200, path: '/v1/messages?beta=true' }),
      makeRecord({ id: 'redirect', startedAt: t + 3, model: null, status: 307, path: '/v1/models' }),
      makeRecord({ id: 'rate-limited', startedAt: t + 4, status: 429, outcome: 'upstream_error', path: '/v1/messages/count_tokens' }),
      makeRecord({ id: 'overloaded', startedAt: t + 5, status: 529, outcome: 'upstream_error' }),
      makeRecord({ id: 'unreachable', startedAt: t + 6, status: null, outcome: 'proxy_error' }),
      makeRecord({ id: 'aborted', startedAt: t + 7, status: 200, outcome: 'client_aborted', path: '/openai/v1/chat/completions' }),
      makeRecord({ id: 'odd-path', startedAt: t + 8, status: 200, path: '/v1/m%_x' }),
    ]);
    return o;
  }

  it('filters by exact model', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { model: 'claude-opus-4-1' })).toEqual(['ok-opus']);
    expect(await allIds(history, { model: 'claude-opus' })).toEqual([]);
  });

  it('filters by status class; error means no status or a failed outcome', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { statusClass: '2xx' })).toEqual(['odd-path', 'aborted', 'ok-opus', 'ok-sonnet']);
    expect(await allIds(history, { statusClass: '3xx' })).toEqual(['redirect']);
    expect(await allIds(history, { statusClass: '4xx' })).toEqual(['rate-limited']);
    expect(await allIds(history, { statusClass: '5xx' })).toEqual(['overloaded']);
    expect(await allIds(history, { statusClass: 'error' })).toEqual(['aborted', 'unreachable', 'overloaded', 'rate-limited']);
  });

  it('filters by path prefix, literally', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { path: '/v1/messages' })).toEqual(['unreachable', 'overloaded', 'rate-limited', 'ok-opus', 'ok-sonnet']);
    expect(await allIds(history, { path: '/v1/messages?' })).toEqual(['ok-opus']);
    expect(await allIds(history, { path: '/openai/' })).toEqual(['aborted']);
    expect(await allIds(history, { path: '/v1/m%' })).toEqual(['odd-path']);
    expect(await allIds(history, { path: '/V1/' })).toEqual([]);
  });

  it('combines filters, and pages through filtered results', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { path: '/v1/messages', statusClass: 'error', model: 'claude-sonnet-4-5' })).toEqual(['unreachable', 'overloaded', 'rate-limited']);
    const first = await history.list({ statusClass: '2xx', limit: 3 });
    const second = await history.list({ statusClass: '2xx', limit: 3, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(['odd-path', 'aborted', 'ok-opus', 'ok-sonnet']);
    expect(second.nextCursor).toBeNull();
  });

  it('treats empty filters as absent', async () => {
    const { history } = await seeded();
    expect(await allIds(history, { model: '', path: '', text: '  ', statusClass: null })).toHaveLength(8);
  });
});

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
    open.push(reopened);
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
    open.push(again);
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
