import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../test/fake-upstream.js';
import { memoryStore } from '../../test/memory-settings.js';
import { defaultConfig, type ProxyConfig } from '../config.js';
import type { ContractEvent } from '../contract/operations.js';
import { createHost, type Host } from './host.js';
import { defaultSettings } from '../settings/settings.js';

const KEY = 'sk-ant-api03-hostTestSecretKey-abcd';


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

  it('starts with the flags, and a UI change replaces a flag value at once and is saved', async () => {
    const store = memoryStore();
    const overrides = { port: 0, upstreamUrl: fake.url, modifierText: 'flag text', modifierEnabled: true, retention: { maxRows: 5, maxAgeDays: 2 } };
    host = await createHost({ baseConfig: base, overrides, store });
    expect(host.proxy.config()).toMatchObject({ modifierText: 'flag text', retention: { maxRows: 5, maxAgeDays: 2 } });
    const s = await host.api.updateSettings({ modifierText: 'UI text', retention: { maxRows: 50 } });
    expect(store.saved.at(-1)).toMatchObject({ modifierText: 'UI text', retention: { maxRows: 50 } });
    expect(s.modifierText).toBe('UI text');
    expect(s.retention).toEqual({ maxRows: 50, maxAgeDays: 2, maxDbMb: 1024 });
    // Where each value comes from: still the flags for what the UI did not touch.
    expect(s.overridden).toEqual(['upstreamUrl', 'port', 'modifierEnabled', 'retention']);
    expect(host.proxy.config()).toMatchObject({ modifierText: 'UI text', retention: { maxRows: 50, maxAgeDays: 2 } });
    const status = await host.api.startProxy();
    await (await send(status.baseUrl!)).text();
    expect(fake.last().json.messages[0].content).toBe('HelloUI text');
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

  it('passes a size cap from the flags and from the UI to the history', async () => {
    const store = memoryStore({ port: 0 });
    host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url, retention: { maxDbMb: 64 } as ProxyConfig['retention'] }, store });
    const seen: unknown[] = [];
    const setRetention = host.proxy.history.setRetention.bind(host.proxy.history);
    host.proxy.history.setRetention = (r) => {
      seen.push({ ...r });
      setRetention(r);
    };
    expect(host.proxy.config().retention.maxDbMb).toBe(64);
    expect((await host.api.getSettings()).retention.maxDbMb).toBe(64);
    const s = await host.api.updateSettings({ retention: { maxDbMb: 128 } });
    expect(s.retention.maxDbMb).toBe(128);
    expect(store.saved.at(-1)?.retention.maxDbMb).toBe(128);
    expect(seen).toEqual([{ maxRows: 10_000, maxAgeDays: 30, maxDbMb: 128 }]);
    await expect(host.api.updateSettings({ retention: { maxDbMb: 0 } })).rejects.toMatchObject({ code: 'INVALID_SETTINGS' });
  });

  it('groups exchanges into sessions and serves them, validating the arguments', async () => {
    host = await createHost({ baseConfig: base, overrides: { upstreamUrl: fake.url }, store: memoryStore({ port: 0 }) });
    const status = await host.api.startProxy();
    await (await send(status.baseUrl!, 'first question', { 'x-claude-code-session-id': 'host-session-1' })).text();
    await (await send(status.baseUrl!, 'second question', { 'x-claude-code-session-id': 'host-session-1' })).text();
    await (await send(status.baseUrl!, 'another run', { 'x-claude-code-session-id': 'host-session-2' })).text();
    await host.proxy.history.flush();

    const page = await host.api.listSessions({});
    expect(page.items.map((s) => s.id)).toEqual(['h:host-session-2', 'h:host-session-1']);
    expect(page.items[1]).toMatchObject({ turns: 2, errors: 0, title: 'first question', models: ['claude-sonnet-4-5'] });
    const first = await host.api.listSessions({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect((await host.api.listSessions({ limit: 1, cursor: first.nextCursor })).items.map((s) => s.id)).toEqual(['h:host-session-1']);

    const detail = await host.api.getSession({ id: 'h:host-session-1' });
    expect(detail?.turnList).toHaveLength(2);
    const inSession = await host.api.listHistory({ session: 'h:host-session-1' });
    expect(inSession.items.map((i) => i.id).sort()).toEqual(detail!.turnList.map((t) => t.exchangeId).sort());
    expect(await host.api.getSession({ id: 'h:unknown' })).toBeNull();

    await expect(host.api.listSessions({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(host.api.listSessions({ sort: 'asc' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(host.api.getSession({ id: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const second = detail!.turnList[1]!;
    const turn = await host.api.getTurn({ exchangeId: second.exchangeId });
    expect(turn).toMatchObject({ exchangeId: second.exchangeId, fromMessage: second.delta.fromMessage });
    expect(turn!.messages.map((m) => JSON.parse(m))).toEqual([{ role: 'user', content: 'second question' }]);
    expect(turn!.prefix).toBeUndefined();
    expect(await host.api.getTurn({ exchangeId: 'unknown' })).toBeNull();
    await expect(host.api.getTurn({} as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
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
