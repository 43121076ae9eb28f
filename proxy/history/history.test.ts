import { describe, expect, it, vi } from 'vitest';
import type { ExchangeRecord } from '../contract/types.js';
import { HistoryError } from './errors.js';
import { closeAfterEach, setup, addAll, allIds, countRows } from './history-harness.js';
import { makeRecord } from './testing.js';
import { assembleStream } from '../anthropic/sse-assembler.js';
import { DEFAULT_TOOL, sseEvents } from '../../test/anthropic-fixtures.js';

closeAfterEach();

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
    expect(await history.get(full.id)).toEqual({ ...full, session: `x:${full.id}` });
    expect(await history.get('sparse')).toEqual({ ...sparse, session: 'x:sparse' });
    expect(await history.get('missing')).toBeNull();
  });

  it("assembles a stored stream's message itself, unless the record brings one or the stored bytes are cut", async () => {
    const { history } = await setup();
    const stream = sseEvents('tool_use').join('');
    const sse = { 'content-type': 'text/event-stream; charset=utf-8' };
    const whole = makeRecord({ id: 'whole', stream: true, responseHeaders: sse, responseBody: stream, assembled: null });
    const cut = makeRecord({ id: 'cut', stream: true, responseHeaders: sse, responseBody: stream.slice(0, 200), responseTruncated: true, assembled: null });
    const json = makeRecord({ id: 'json', stream: true, responseBody: stream, assembled: null });
    for (const r of [whole, cut, json]) history.add(r);
    await history.flush();
    const message = assembleStream(Buffer.from(stream)).message;
    expect(message).toMatchObject({ content: [{ type: 'text' }, { type: 'tool_use', input: DEFAULT_TOOL.input }] });
    expect(JSON.parse((await history.get('whole'))!.assembled!)).toEqual(message);
    expect((await history.get('cut'))!.assembled).toBeNull();
    // Not an event stream by its headers (an error answer to a stream request): its bytes are the answer.
    expect((await history.get('json'))!.assembled).toBeNull();
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

  it('makes a committed exchange searchable once the writer is idle, and at once on flush', async () => {
    const { history, changes } = await setup();
    const prompt = (id: string, word: string): ExchangeRecord =>
      makeRecord({ id, originalBody: JSON.stringify({ messages: [{ role: 'user', content: `a ${word} question` }] }) });
    history.add(prompt('idle', 'wombatword'));
    // Committed by the batch timer, indexed after the idle delay: no flush asked for it.
    await vi.waitFor(() => expect(changes.some((c) => c.kind === 'added')).toBe(true), { timeout: 5000 });
    await vi.waitFor(async () => expect((await history.list({ text: 'wombatword' })).items.map((i) => i.id)).toEqual(['idle']), { timeout: 5000 });
    history.add(prompt('flushed', 'numbatword'));
    await history.flush();
    expect((await history.list({ text: 'numbatword' })).items.map((i) => i.id)).toEqual(['flushed']);
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
