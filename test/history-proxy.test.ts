/**
 * History as the proxy writes it: what lands in SQLite, what never does (keys), and the
 * retention and search a user relies on.
 */
import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../proxy/config.js';
import type { ProxyStatus } from '../proxy/contract/types.js';
import type { QueuedRecord } from '../proxy/history/index.js';
import { ROW_COLUMNS } from '../proxy/history/rows.js';
import { loadFixture } from '../proxy/history/fixtures.js';
import { historyFile, MIGRATIONS, openWriteDatabase } from '../proxy/history/schema.js';
import { createProxy } from '../proxy/index.js';
import { ProxyEvents } from '../proxy/lib/events.js';
import { cutNote } from '../proxy/http/routes/passthrough.js';
import { lastRow, startHarness, type Harness } from './harness.js';

const CONFIGURED = 'sk-ant-api03-CONFIGURED-never-stored-7c1e';
const CLIENT = 'sk-ant-api03-CLIENT-never-stored-2b9d';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function sdk(baseURL: string, apiKey = CLIENT): Anthropic {
  return new Anthropic({ apiKey, baseURL, maxRetries: 0 });
}

describe('history written by the proxy', () => {
  it('never stores a key anywhere in the database files', async () => {
    h = await startHarness({ apiKey: CONFIGURED, modifierText: ' ok?' });
    const c = sdk(h.baseUrl);
    await c.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'one' }] });
    await c.messages.stream({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'two' }] }).finalMessage();
    await fetch(`${h.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENT, cookie: `session=${CLIENT}` },
      body: '{not json',
    });
    h.fake.enqueue({ kind: 'error', status: 401 });
    await c.models.list().catch(() => undefined);
    await h.proxy.history.flush();
    expect((await h.proxy.history.list({})).items).toHaveLength(4);
    for (const file of readdirSync(h.dataDir)) {
      const bytes = readFileSync(join(h.dataDir, file));
      expect(bytes.includes(CONFIGURED), `${file} holds the configured key`).toBe(false);
      expect(bytes.includes(CLIENT), `${file} holds the client key`).toBe(false);
    }
  });

  it("stores each turn of a thread as sent when its body is shorter than the pool's buffers (a collected passthrough body)", async () => {
    // A body under the pool's smallest class, collected in a pooled buffer: the writer's cache
    // of the thread's last body must copy it, since the main thread reuses that buffer.
    h = await startHarness({});
    const headers = { 'content-type': 'application/json', 'x-api-key': 'k', 'x-claude-code-session-id': 'short-bodies' };
    const body = (c: string): string =>
      JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: c.repeat(9000) }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'z'.repeat(9000) }] });
    for (const [i, c] of ['a', 'b', 'c'].entries()) {
      // The first answer outgrows its collector's first buffer, which goes back to the pool mid-answer.
      h.fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: i === 0 ? JSON.stringify({ pad: 'x'.repeat(40_000) }) : '{"ok":true}' });
      const res = await fetch(`${h.baseUrl}/v1/messages`, { method: 'PUT', headers, body: body(c) });
      await res.text();
      expect(h.fake.last().body).toBe(body(c));
      expect((await lastRow(h)).originalBody, `turn ${c}`).toBe(body(c));
    }
  });

  it('finds exchanges by free text in their bodies', async () => {
    h = await startHarness({ modifierText: '' });
    const c = sdk(h.baseUrl);
    await c.messages.create({ model: 'claude-a', max_tokens: 5, messages: [{ role: 'user', content: 'tell me about aardvarks' }] });
    await c.messages.create({ model: 'claude-b', max_tokens: 5, messages: [{ role: 'user', content: 'tell me about zebras' }] });
    await h.proxy.history.flush();
    const found = await h.proxy.history.list({ text: 'aardvarks' });
    expect(found.items.map((i) => i.model)).toEqual(['claude-a']);
    expect((await h.proxy.history.list({ text: 'tell' })).items).toHaveLength(2);
    expect((await h.proxy.history.list({ text: '"unbalanced (quote' })).items).toHaveLength(0);
    expect((await h.proxy.history.list({ model: 'claude-b' })).items).toHaveLength(1);
  });

  it('stores each Claude Code turn exactly as sent and exactly as upstream received it', async () => {
    h = await startHarness({ modifierText: '\n\nAnswer in French. "Quoted" \\ 🙂' });
    const turns = loadFixture('claude-code-2.1.197-session.jsonl').slice(-3);
    for (const turn of turns) {
      const res = await fetch(`${h.baseUrl}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': CLIENT, 'x-claude-code-session-id': 'exact' },
        body: turn.body,
      });
      await res.arrayBuffer();
    }
    await h.proxy.history.flush();
    const rows = (await h.proxy.history.list({ limit: 10 })).items.reverse();
    expect(rows).toHaveLength(turns.length);
    for (const [i, item] of rows.entries()) {
      const row = (await h.proxy.history.get(item.id))!;
      expect(row.modified).toBe(true);
      expect(row.originalBody).toBe(turns[i]!.body);
      // The modifier's splice went to the writer instead of the bytes; what it stored is what upstream got.
      expect(row.forwardedBody).toBe(h.fake.requests[i]!.body);
      expect(row.forwardedBody).not.toBe(row.originalBody);
    }
  });


  it('hands the writer its bodies in shared memory, so posting a record copies none of them', async () => {
    h = await startHarness({ modifierText: ' ok?' });
    const added: QueuedRecord[] = [];
    const add = h.proxy.history.add.bind(h.proxy.history);
    vi.spyOn(h.proxy.history, 'add').mockImplementation((r) => {
      added.push(r);
      add(r);
    });
    const body = loadFixture('claude-code-2.1.197-session.jsonl').at(-1)!.body;
    await (await fetch(`${h.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': CLIENT }, body })).arrayBuffer();
    await sdk(h.baseUrl).messages.stream({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'two' }] }).finalMessage();
    await h.proxy.history.flush();
    expect(added).toHaveLength(2);
    const { port1, port2 } = new MessageChannel();
    try {
      for (const r of added) {
        const received = new Promise<{ data: Record<string, Uint8Array> }>((resolve) => port2.once('message', (data) => resolve({ data })));
        port1.postMessage({ original: r.originalBody, response: r.responseBody });
        const { data } = await received;
        for (const [name, bytes] of Object.entries(data)) {
          expect(bytes.buffer, name).toBeInstanceOf(SharedArrayBuffer);
          expect(Buffer.from(bytes).equals(Buffer.from(r[name === 'original' ? 'originalBody' : 'responseBody'] as Uint8Array))).toBe(true);
        }
      }
    } finally {
      port1.close();
    }
    // And stored exactly as sent.
    const row = (await h.proxy.history.get(added[0]!.id))!;
    expect(row.originalBody).toBe(body);
  });
  it('keeps at most the configured number of rows, newest kept', async () => {
    h = await startHarness({ retention: { maxRows: 3, maxAgeDays: 30 } });
    const c = sdk(h.baseUrl);
    for (let i = 0; i < 6; i++) {
      await c.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `message ${i}` }] });
    }
    await h.proxy.history.flush();
    const items = (await h.proxy.history.list({})).items;
    expect(items).toHaveLength(3);
    const bodies = await Promise.all(items.map(async (i) => JSON.parse((await h!.proxy.history.get(i.id))!.originalBody!).messages[0].content));
    expect(bodies).toEqual(['message 5', 'message 4', 'message 3']);
  });

  it('applies a retention change at once', async () => {
    h = await startHarness();
    const c = sdk(h.baseUrl);
    for (let i = 0; i < 4; i++) await c.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `m${i}` }] });
    h.proxy.update({ retention: { maxRows: 2, maxAgeDays: 30 } });
    await c.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'last' }] });
    await h.proxy.history.flush();
    expect((await h.proxy.history.list({})).items).toHaveLength(2);
  });

  it('keeps streaming when a live-event subscriber throws', async () => {
    h = await startHarness();
    const failures: string[] = [];
    h.proxy.events.onListenerError((_err, name) => failures.push(name));
    for (const name of ['request:start', 'response:start', 'request:finish'] as const) {
      h.proxy.events.on(name, () => {
        throw new Error('subscriber bug');
      });
    }
    const msg = await sdk(h.baseUrl).messages.stream({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(msg.content[0]).toMatchObject({ type: 'text' });
    await h.proxy.history.flush();
    expect((await h.proxy.history.list({})).items).toHaveLength(1);
    expect(failures).toEqual(['request:start', 'response:start', 'request:finish']);
  });

  it('emits live events for each exchange', async () => {
    h = await startHarness({ modifierText: '!' });
    const seen: string[] = [];
    h.proxy.events.on('request:start', (e) => seen.push(`start ${e.model} modified=${e.modified}`));
    h.proxy.events.on('response:start', (e) => seen.push(`response ${e.status}`));
    h.proxy.events.on('request:finish', (e) => seen.push(`finish ${e.status} ${e.outcome} out=${e.usage?.output}`));
    await sdk(h.baseUrl).messages.stream({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    await h.proxy.history.flush();
    expect(seen[0]).toBe('start claude-x modified=true');
    expect(seen[1]).toBe('response 200');
    expect(seen[2]).toMatch(/^finish 200 ok out=\d+$/);
  });
});

describe('bodies of the routes forwarded unchanged', () => {
  const CAP = 4096;
  async function send(path: string, type: string, body: string | Uint8Array<ArrayBuffer>): Promise<{ sent: string; stored: { originalBody: string | null; forwardedBody: string | null } }> {
    const res = await fetch(`${h!.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': type, 'x-api-key': CLIENT }, body });
    await res.arrayBuffer();
    await h!.proxy.history.flush();
    const [item] = (await h!.proxy.history.list({ limit: 1 })).items;
    return { sent: h!.fake.last().body, stored: (await h!.proxy.history.get(item!.id))! };
  }

  it('stores a textual body exactly as sent, once for both sides', async () => {
    h = await startHarness({ maxStoredResponseBytes: CAP, modifierText: ' ok?' });
    const body = JSON.stringify({ requests: [{ custom_id: 'a', params: { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'Résumé 🙂 \\ "q"' }] } }] });
    const { sent, stored } = await send('/v1/messages/batches', 'application/json', body);
    expect(sent).toBe(body);
    expect(stored).toMatchObject({ originalBody: body, forwardedBody: body });
  });

  it('forwards a textual body over the cap whole, and stores its start marked as cut', async () => {
    h = await startHarness({ maxStoredResponseBytes: CAP, modifierText: ' ok?' });
    // A multi-byte character across the cap: the kept bytes end inside it.
    const body = `${'a'.repeat(CAP - 1)}é${'b'.repeat(3 * CAP)}`;
    const { sent, stored } = await send('/v1/messages/batches', 'application/json', body);
    expect(sent).toBe(body);
    const total = Buffer.byteLength(body);
    expect(stored.originalBody).toBe(`${'a'.repeat(CAP - 1)}\ufffd${cutNote(CAP, total)}`);
    expect(stored.forwardedBody).toBe(stored.originalBody);
  });

  it('stores any other body as its size and type', async () => {
    h = await startHarness({ maxStoredResponseBytes: CAP, modifierText: ' ok?' });
    const { stored } = await send('/v1/files', 'application/octet-stream', new Uint8Array(10_000).fill(7));
    expect(stored.originalBody).toBe('[10000 bytes of application/octet-stream]');
  });
});

describe('a history written by schema 1', () => {
  /** A schema-1 file as the previous version wrote it: its migration and an insert of every column. */
  function schema1File(dataDir: string, count: number): void {
    const db = openWriteDatabase(historyFile(dataDir), {}, MIGRATIONS.slice(0, 1));
    const insert = db.prepare(`INSERT INTO exchanges (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map((c) => `@${c}`).join(', ')})`);
    for (let i = 0; i < count; i++) {
      const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: `old question ${i}` }] });
      const response = JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'text', text: `old answer ${i}` }] });
      insert.run({
        id: `old-${i}`, started_at: Date.now() - 60_000 + i * 1000, ttfb_ms: 10, duration_ms: 20, method: 'POST', path: '/v1/messages',
        dialect: 'anthropic', model: 'claude-sonnet-4-5', stream: 0, status: 200, outcome: 'ok', stop_reason: 'end_turn',
        usage_input: 1, usage_output: 2, usage_cache_read: 0, usage_cache_creation: 0, error: null, user_agent: 'claude-cli/2.1.197',
        modified: 0, response_truncated: 0, original_size: body.length, forwarded_size: body.length, response_size: response.length,
        assembled_size: 0, request_headers: JSON.stringify({ 'x-claude-code-session-id': 'old-run' }),
        response_headers: '{"content-type":"application/json"}', original_body: body, forwarded_body: body, response_body: response, assembled: null,
      });
    }
    db.close();
  }

  it('logs the conversion and shows its progress in the status', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'addendum-schema1-'));
    schema1File(dataDir, 5);
    const events = new ProxyEvents();
    const logs: string[] = [];
    const states: Array<ProxyStatus['migration']> = [];
    events.on('log', (line) => logs.push(line.message));
    events.on('state', (s) => states.push(s.migration));
    const proxy = await createProxy({ ...defaultConfig({}), port: 0, dataDir, dashboardPort: null, logLevel: 'info' }, { events });
    try {
      await vi.waitFor(() => expect(proxy.status().migration?.state).toBe('done'), { timeout: 10_000 });
      expect(proxy.status().migration).toMatchObject({ state: 'done', rowsDone: 5, rowsTotal: 5 });
      expect(logs).toContain('History: conversion finished, 5 exchanges converted, ' + `${(proxy.status().migration!.bytesFreed / 1048576).toFixed(1)} MB given back.`);
      expect(logs.some((l) => /^History: converting stored exchanges to the new format, \d+ of 5 done\.$/.test(l))).toBe(true);
      expect(states.at(-1)?.state).toBe('done');
      const page = await proxy.history.list({ limit: 10 });
      expect(page.items.map((i) => i.id)).toEqual(['old-4', 'old-3', 'old-2', 'old-1', 'old-0']);
      expect((await proxy.history.get('old-2'))?.originalBody).toContain('old question 2');
    } finally {
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('leaves the status without a migration field when there was nothing to convert', async () => {
    h = await startHarness();
    expect(h.proxy.status()).not.toHaveProperty('migration');
  });
});
