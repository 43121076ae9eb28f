import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../test/fake-upstream.js';
import { defaultConfig, type ProxyConfig } from '../config.js';
import type { ContractEvent } from '../contract/operations.js';
import { createHost, type Host } from './host.js';
import type { History } from '../history/index.js';
import { defaultSettings } from '../settings/settings.js';
import type { SettingsStore, StoredSettings } from '../settings/types.js';
import type { ExchangeRecord } from '../contract/types.js';

const KEY = 'sk-ant-api03-hostTestSecretKey-abcd';

function memoryStore(initial: Partial<StoredSettings> = {}): SettingsStore & { saved: StoredSettings[] } {
  let current: StoredSettings = { ...defaultSettings(), ...initial };
  const saved: StoredSettings[] = [];
  return {
    location: 'memory',
    saved,
    load: () => structuredClone(current),
    save(next) {
      current = structuredClone(next);
      saved.push(current);
    },
  };
}

describe('host with a real proxy', () => {
  let fake: FakeUpstream;
  let dataDir: string;
  let host: Host | null = null;
  let base: ProxyConfig;

  beforeEach(async () => {
    fake = await startFakeUpstream();
    dataDir = mkdtempSync(join(tmpdir(), 'addendum-host-'));
    base = { ...defaultConfig({ XDG_DATA_HOME: dataDir }), dataDir, port: 0, shutdownGraceMs: 500 };
  });
  afterEach(async () => {
    await host?.close();
    host = null;
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function send(baseUrl: string, content = 'Hello', extra: Record<string, string> = {}): Promise<Response> {
    return fetch(`${baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client-key-0000', 'anthropic-version': '2023-06-01', ...extra },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 32, stream: true, messages: [{ role: 'user', content }] }),
    });
  }

  it('reads settings from the store, overridden by CLI/env, and exposes only public settings', async () => {
    const store = memoryStore({ apiKey: KEY, modifierText: 'from file', port: 0 });
    host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url, modifierEnabled: true }, store });
    const s = await host.api.getSettings();
    expect(s).toEqual({
      apiKey: { set: true, last4: 'abcd' },
      upstreamUrl: fake.url,
      port: 0,
      modifierText: 'from file',
      modifierEnabled: true,
      retention: defaultSettings().retention,
      overridden: ['upstreamUrl', 'modifierEnabled'],
    });
    expect(JSON.stringify(s)).not.toContain(KEY);
    expect(host.proxy.config().apiKey).toBe(KEY);
  });

  it('applies the modifier and the key at once, saves every change, and refuses bad patches', async () => {
    const store = memoryStore({ port: 0, upstreamUrl: fake.url });
    host = await createHost({ baseConfig: base, overrides: {}, store });
    const status = await host.api.startProxy();
    expect(status.running).toBe(true);

    const updated = await host.api.updateSettings({ modifierText: 'Answer in French.', apiKey: KEY });
    expect(updated.modifierText).toBe('Answer in French.');
    expect(updated.apiKey).toEqual({ set: true, last4: 'abcd' });
    expect(store.saved.at(-1)).toMatchObject({ modifierText: 'Answer in French.', apiKey: KEY });

    const res = await send(status.baseUrl!);
    expect(res.status).toBe(200);
    await res.text();
    expect(fake.last().json.messages[0].content).toBe('HelloAnswer in French.');
    expect(fake.last().headers['x-api-key']).toBe(KEY);

    await host.api.updateSettings({ modifierEnabled: false, apiKey: null });
    await (await send(status.baseUrl!)).text();
    expect(fake.last().json.messages[0].content).toBe('Hello');
    // Without a stored key the client's own credentials pass through again.
    expect(fake.last().headers['x-api-key']).toBe('sk-ant-client-key-0000');

    await expect(host.api.updateSettings({ port: 70000 })).rejects.toMatchObject({ code: 'INVALID_SETTINGS', field: 'port' });
    expect(store.saved).toHaveLength(2);
  });

  it('saves a change to an overridden value but keeps the override in force', async () => {
    const store = memoryStore();
    host = await createHost({ baseConfig: base, overrides: { port: 0, upstreamUrl: fake.url, modifierText: 'flag text' }, store });
    const s = await host.api.updateSettings({ modifierText: 'file text', port: 9999 });
    expect(store.saved.at(-1)).toMatchObject({ modifierText: 'file text', port: 9999 });
    expect(s.modifierText).toBe('flag text');
    expect(s.port).toBe(0);
    expect(s.overridden).toEqual(['upstreamUrl', 'port', 'modifierText']);
    expect(host.proxy.config().modifierText).toBe('flag text');
  });

  it('stops (port refuses connections) and starts again', async () => {
    host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url }, store: memoryStore({ port: 0 }) });
    const running = await host.api.startProxy();
    const stopped = await host.api.stopProxy();
    expect(stopped.running).toBe(false);
    await expect(send(running.baseUrl!)).rejects.toMatchObject({ cause: expect.objectContaining({ code: 'ECONNREFUSED' }) });
    const again = await host.api.startProxy();
    expect(again.running).toBe(true);
    expect((await send(again.baseUrl!)).status).toBe(200);
    expect((await host.api.getStatus()).running).toBe(true);
  });

  it('rejects start with PORT_IN_USE when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url }, store: memoryStore({ port }) });
      await expect(host.api.startProxy()).rejects.toMatchObject({ code: 'PORT_IN_USE' });
      expect((await host.api.getStatus()).lastError).toMatch(String(port));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('runs concurrent starts one after the other', async () => {
    host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url }, store: memoryStore({ port: 0 }) });
    const [a, b] = await Promise.all([host.api.startProxy(), host.api.startProxy()]);
    expect(a.baseUrl).toBe(b.baseUrl);
  });

  it('streams batched events and serves the exchange from history', async () => {
    host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url }, store: memoryStore({ port: 0 }) });
    const events: ContractEvent[] = [];
    let batches = 0;
    const off = host.api.subscribe((batch) => {
      batches++;
      events.push(...batch);
    });
    const status = await host.api.startProxy();
    await (await send(status.baseUrl!, 'What is 2+2?')).text();

    await vi.waitFor(() => expect(events.map((e) => e.name)).toContain('history:change'), { timeout: 5000 });
    const names = events.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['state', 'request:start', 'response:start', 'request:finish']));
    expect(batches).toBeLessThan(events.length);
    const start = events.find((e) => e.name === 'request:start') as ContractEvent<'request:start'>;
    off();

    const page = await host.api.listHistory({ limit: 10 });
    expect(page.items.map((i) => i.id)).toEqual([start.payload.id]);
    const entry = await host.api.getHistoryEntry({ id: start.payload.id });
    expect(entry?.originalBody).toContain('What is 2+2?');
    expect(entry?.requestHeaders['x-api-key']).not.toContain('client-key');
    expect((await host.api.getStats({ days: 7 })).totals.requests).toBe(1);
    expect(await host.api.deleteHistoryEntry({ id: start.payload.id })).toEqual({ deleted: true });
    expect(await host.api.getHistoryEntry({ id: start.payload.id })).toBeNull();
    expect(await host.api.clearHistory()).toEqual({ deleted: 0 });
    await expect(host.api.listHistory({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('never returns the stored key, even when a prompt contains it', async () => {
    host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url }, store: memoryStore({ port: 0, apiKey: KEY }) });
    const status = await host.api.startProxy();
    await (await send(status.baseUrl!, `my key is ${KEY}`)).text();
    await host.proxy.history.flush();
    const page = await host.api.listHistory({});
    const entry = await host.api.getHistoryEntry({ id: page.items[0]!.id });
    expect(JSON.stringify(entry)).not.toContain(KEY);
    expect(entry?.originalBody).toContain('my key is [redacted]');
    expect(fake.last().json.messages[0].content).toContain(KEY);
  });
});

/** A history that serves fixed records, counting reads: the host's detail logic without SQLite. */
function memoryHistory(records: ExchangeRecord[]): History & { reads: string[] } {
  const reads: string[] = [];
  const unused = () => Promise.reject(new Error('not used by these tests'));
  return {
    file: ':memory:',
    reads,
    add: () => undefined,
    flush: async () => undefined,
    list: unused,
    get: async (id) => {
      reads.push(id);
      return structuredClone(records.find((r) => r.id === id) ?? null);
    },
    delete: unused,
    clear: unused,
    stats: unused,
    models: async () => [],
    setRetention: () => undefined,
    close: async () => undefined,
  };
}

function storedRecord(id: string, bodies: Partial<ExchangeRecord>): ExchangeRecord {
  return {
    id,
    startedAt: 1,
    ttfbMs: 10,
    durationMs: 20,
    method: 'POST',
    path: '/v1/messages',
    dialect: 'anthropic',
    model: 'claude-sonnet-4-5',
    stream: true,
    status: 200,
    outcome: 'ok',
    stopReason: 'end_turn',
    usage: null,
    error: null,
    userAgent: null,
    modified: true,
    requestHeaders: { 'content-type': 'application/json' },
    originalBody: '{"messages":[]}',
    forwardedBody: '{"messages":[]}',
    responseHeaders: {},
    responseBody: 'event: ping\n\n',
    responseTruncated: false,
    assembled: '{"content":[]}',
    ...bodies,
  };
}

describe('host: large bodies load lazily', () => {
  let dataDir: string;
  let host: Host | null = null;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'addendum-host-detail-'));
  });
  afterEach(async () => {
    await host?.close();
    host = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function hostWith(records: ExchangeRecord[], apiKey: string | null = null) {
    const history = memoryHistory(records);
    const base = { ...defaultConfig({ XDG_DATA_HOME: dataDir }), dataDir, port: 0 };
    host = await createHost({ baseConfig: base, overrides: {}, store: memoryStore({ apiKey }), proxyDeps: { history } });
    return { api: host.api, history };
  }

  const big = `{"messages":[{"role":"user","content":"${'x'.repeat(300 * 1024)}"}]}`;
  const bigBytes = Buffer.byteLength(big);

  it('leaves out the bodies over maxBodyBytes and lists them, with every size', async () => {
    const { api } = await hostWith([storedRecord('r1', { originalBody: big, forwardedBody: `${big} `, assembled: null })]);
    const detail = await api.getHistoryEntry({ id: 'r1', maxBodyBytes: 200 * 1024 });
    expect(detail).not.toBeNull();
    expect(detail!.omitted).toEqual(['originalBody', 'forwardedBody']);
    expect(detail!.originalBody).toBeNull();
    expect(detail!.forwardedBody).toBeNull();
    expect(detail!.responseBody).toBe('event: ping\n\n');
    expect(detail!.assembled).toBeNull();
    expect(detail!.bodyBytes).toEqual({ originalBody: bigBytes, forwardedBody: bigBytes + 1, responseBody: 13, assembled: 0 });
    expect(JSON.stringify(detail).length).toBeLessThan(2000);
    expect(detail!.requestHeaders).toEqual({ 'content-type': 'application/json' });
  });

  it('returns everything without maxBodyBytes, and null for an unknown id', async () => {
    const { api } = await hostWith([storedRecord('r1', { originalBody: big })]);
    const full = await api.getHistoryEntry({ id: 'r1' });
    expect(full!.originalBody).toBe(big);
    expect(full!.omitted).toEqual([]);
    expect(await api.getHistoryEntry({ id: 'gone', maxBodyBytes: 10 })).toBeNull();
  });

  it('serves one body in full, and null when the exchange or the body is missing', async () => {
    const { api, history } = await hostWith([storedRecord('r1', { originalBody: big, assembled: null })]);
    expect(await api.getHistoryBody({ id: 'r1', field: 'originalBody' })).toEqual({ text: big });
    expect(await api.getHistoryBody({ id: 'r1', field: 'responseBody' })).toEqual({ text: 'event: ping\n\n' });
    expect(await api.getHistoryBody({ id: 'r1', field: 'assembled' })).toEqual({ text: null });
    expect(await api.getHistoryBody({ id: 'gone', field: 'originalBody' })).toEqual({ text: null });
    expect(history.reads).toEqual(['r1', 'r1', 'r1', 'gone']);
  });

  it('refuses bad arguments before reading the history', async () => {
    const { api, history } = await hostWith([storedRecord('r1', {})]);
    const call = (op: 'getHistoryEntry' | 'getHistoryBody', arg: unknown) => (api[op] as (a: unknown) => Promise<unknown>)(arg);
    await expect(call('getHistoryEntry', { id: 'r1', maxBodyBytes: -5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryEntry', { id: 'r1', maxBodyBytes: '200' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryBody', { id: 'r1', field: 'requestHeaders' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryBody', { id: 'r1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryBody', undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(history.reads).toEqual([]);
  });

  it('scrubs the stored key from a detail and from a lazily loaded body', async () => {
    const withKey = `{"messages":[{"role":"user","content":"${KEY} ${'y'.repeat(300 * 1024)}"}]}`;
    const { api } = await hostWith([storedRecord('r1', { originalBody: withKey, forwardedBody: `{"note":"${KEY}"}` })], KEY);
    const detail = await api.getHistoryEntry({ id: 'r1', maxBodyBytes: 200 * 1024 });
    expect(detail!.omitted).toEqual(['originalBody']);
    expect(JSON.stringify(detail)).not.toContain(KEY);
    expect(detail!.forwardedBody).toBe('{"note":"[redacted]"}');
    const body = await api.getHistoryBody({ id: 'r1', field: 'originalBody' });
    expect(body.text).not.toContain(KEY);
    expect(body.text).toContain('[redacted]');
    expect(body.text!.length).toBeGreaterThan(300 * 1024);
  });
});
